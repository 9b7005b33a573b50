from collections import defaultdict

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    serial_unit_count = fields.Integer("Units", compute="_compute_serial_unit_count")

    def _compute_serial_unit_count(self):
        """Units held by the partner's whole company (the partner and its contacts)."""
        groups = self.env["stock.lot"]._read_group(
            [("customer_id", "child_of", self.commercial_partner_id.ids)],
            ["customer_id"],
            ["__count"],
        )
        counts = defaultdict(int)
        for customer, count in groups:
            counts[customer.commercial_partner_id] += count
        for partner in self:
            partner.serial_unit_count = counts[partner.commercial_partner_id]

    def action_view_serial_units(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.stock_lot_action_serial_units"
        )
        action["domain"] = [("customer_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"search_default_group_by_product": 1}
        return action
