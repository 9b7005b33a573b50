from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    warranty_months = fields.Integer(
        "Warranty (months)",
        help="Warranty period of each unit, counted from its delivery to the customer.",
    )
    serial_unit_count = fields.Integer("Units", compute="_compute_serial_unit_count")

    def _compute_serial_unit_count(self):
        counts = dict(
            self.env["stock.lot"]._read_group(
                [("product_id.product_tmpl_id", "in", self.ids)],
                ["product_id"],
                ["__count"],
            )
        )
        totals = dict.fromkeys(self.ids, 0)
        for product, count in counts.items():
            totals[product.product_tmpl_id.id] += count
        for template in self:
            template.serial_unit_count = totals.get(template.id, 0)

    def action_view_serial_units(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.stock_lot_action_serial_units"
        )
        action["domain"] = [("product_id.product_tmpl_id", "in", self.ids)]
        action["context"] = {"search_default_group_by_unit_state": 1}
        if len(self) == 1 and len(self.product_variant_ids) == 1:
            action["context"]["default_product_id"] = self.product_variant_id.id
        return action
