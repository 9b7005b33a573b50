from odoo import models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    def action_open_generate_units(self):
        return self.product_variant_ids[:1].action_open_generate_units()
