from odoo import models


class SerialBatch(models.Model):
    _inherit = "serial.batch"

    def action_print_serial_labels(self):
        """Open the label wizard on the units of these records."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking_label.serial_label_wizard_action"
        )
        action["context"] = {"active_model": self._name, "active_ids": self.ids}
        return action
