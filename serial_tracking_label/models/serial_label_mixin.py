from odoo import models


class SerialLabelMixin(models.AbstractModel):
    """Records that print the labels of their serial units: "Print labels" opens the
    label wizard on them, and the wizard labels the units :meth:`_serial_label_units`
    gives (a unit itself, the units of a receipt, of a batch…).

    To make another model printable, inherit this mixin and implement the hook."""

    _name = "serial.label.mixin"
    _description = "Records with Serial Unit Labels"

    def _serial_label_units(self):
        """The serial units (``stock.lot``) whose labels these records print."""
        return self.env["stock.lot"]

    def action_print_serial_labels(self):
        """Open the label wizard on the units of these records."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking_label.serial_label_wizard_action"
        )
        action["context"] = {"active_model": self._name, "active_ids": self.ids}
        return action
