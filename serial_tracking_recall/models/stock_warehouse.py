from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    serial_quarantine_location_id = fields.Many2one(
        "stock.location",
        "Quarantine Location",
        check_company=True,
        domain="[('usage', '=', 'internal')]",
        help="Where recalled units of this warehouse are moved to. Outside the "
        "warehouse's stock location, so nothing reserves them there. Created by the "
        "first quarantine if empty.",
    )

    def _serial_quarantine_location(self):
        self.ensure_one()
        if not self.serial_quarantine_location_id:
            self.sudo().serial_quarantine_location_id = (
                self.env["stock.location"]
                .sudo()
                .create(
                    {
                        "name": self.env._("Quarantine"),
                        "usage": "internal",
                        "location_id": self.view_location_id.id,
                        "company_id": self.company_id.id,
                    }
                )
            )
        return self.serial_quarantine_location_id
