from odoo import api, fields, models
from odoo.exceptions import UserError

from ..report.report_serial_label import LAYOUTS, PDF_REPORTS, ZPL_REPORT
from ..tools.symbology import SYMBOLOGIES

REPORT_MODEL = "report.serial_tracking_label.report_serial_label"


class SerialLabelWizard(models.TransientModel):
    """Choose layout, symbology, copies and output, then print labels for units.

    Opened from a receipt, a selection of units or a batch: any record of a model with
    ``serial.label.mixin`` (see ``_default_lots``).
    """

    _name = "serial.label.wizard"
    _description = "Print Serial Unit Labels"

    lot_ids = fields.Many2many("stock.lot", string="Units", required=True)
    unit_count = fields.Integer(compute="_compute_unit_count")
    layout = fields.Selection(LAYOUTS, required=True, default="a4_3x7")
    symbology = fields.Selection(SYMBOLOGIES, required=True, default="code128")
    copies = fields.Integer("Copies per unit", required=True, default=1)
    output = fields.Selection(
        [("pdf", "PDF"), ("zpl", "ZPL (Zebra printers)")], required=True, default="pdf"
    )

    _copies_positive = models.Constraint(
        "CHECK(copies > 0)", "The number of copies per unit must be at least 1."
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "lot_ids" in fields_list and not values.get("lot_ids"):
            lots = self._default_lots()
            if lots:
                values["lot_ids"] = [fields.Command.set(lots.ids)]
        return values

    @api.model
    def _default_lots(self):
        """The units of the records the wizard is opened from (``active_model`` and
        ``active_ids``), when their model has ``serial.label.mixin``."""
        model = self.env.context.get("active_model")
        ids = self.env.context.get("active_ids") or []
        if model not in self.env or not isinstance(
            self.env[model], self.pool["serial.label.mixin"]
        ):
            return self.env["stock.lot"]
        return self.env[model].browse(ids)._serial_label_units()

    @api.depends("lot_ids")
    def _compute_unit_count(self):
        for wizard in self:
            wizard.unit_count = len(wizard.lot_ids)

    @api.onchange("output")
    def _onchange_output(self):
        if self.output == "zpl" and self.layout == "a4_3x7":
            self.layout = "roll_50x25"

    def _report_data(self):
        self.ensure_one()
        return {
            "lot_ids": self.lot_ids.ids,
            "layout": self.layout,
            "symbology": self.symbology,
            "copies": self.copies,
        }

    def action_print(self):
        self.ensure_one()
        if not self.lot_ids:
            raise UserError(self.env._("Select at least one serial unit."))
        if self.output == "zpl" and self.layout == "a4_3x7":
            raise UserError(
                self.env._("ZPL labels are printed on rolls: choose a roll layout.")
            )
        # Validate every unit before anything is produced: one error lists them all.
        labels = self.env[REPORT_MODEL]
        if self.output == "pdf":
            labels._check_pdf_size(len(self.lot_ids) * self.copies)
        barcodes = labels._build_barcodes(self.lot_ids, self.symbology)
        labels._check_fits(barcodes, self.layout, self.output)
        xml_id = ZPL_REPORT if self.output == "zpl" else PDF_REPORTS[self.layout]
        action = self.env.ref(xml_id).report_action(
            self.lot_ids, data=self._report_data(), config=False
        )
        action["close_on_report_download"] = True
        return action
