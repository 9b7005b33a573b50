from odoo import fields, models


class SerialStockReportWizard(models.TransientModel):
    """Opens the serial stock or batch report as of a chosen date."""

    _name = "serial.stock.report.wizard"
    _description = "Serial Stock at Date"

    report_date = fields.Date("As of", required=True, default=fields.Date.context_today)
    report = fields.Selection(
        [("stock", "Serial Stock"), ("batch", "Batches")],
        required=True,
        default="stock",
    )

    def action_open(self):
        self.ensure_one()
        xmlid = {
            "stock": "serial_tracking_report.serial_stock_report_action",
            "batch": "serial_tracking_report.serial_batch_report_action",
        }[self.report]
        action = self.env["ir.actions.act_window"]._for_xml_id(xmlid)
        action["context"] = {
            **self.env.context,
            "serial_report_date": fields.Date.to_string(self.report_date),
        }
        action["display_name"] = self.env._(
            "%(report)s as of %(date)s",
            report=dict(self._fields["report"]._description_selection(self.env))[
                self.report
            ],
            date=fields.Date.to_string(self.report_date),
        )
        return action
