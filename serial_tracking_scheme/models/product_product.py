from odoo import models


class ProductProduct(models.Model):
    _inherit = "product.product"

    def _serial_scheme(self, company=None):
        """The serial scheme that applies to this product in ``company`` (or empty)."""
        self.ensure_one()
        return (
            self.env["serial.scheme"]
            ._for_products(self, company)
            .get(self, self.env["serial.scheme"])
        )

    def action_open_generate_units(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking_scheme.serial_generate_units_action"
        )
        action["context"] = {"default_product_id": self[:1].id}
        return action
