from collections import defaultdict

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    serial_unit_count = fields.Integer("Units", compute="_compute_serial_unit_count")

    def _compute_serial_unit_count(self):
        """Units held by the partner's whole company (the partner and its contacts)."""
        counts = self._serial_company_counts("stock.lot", "customer_id")
        for partner in self:
            partner.serial_unit_count = counts[partner.commercial_partner_id]

    def action_view_serial_units(self):
        action = self._serial_company_action(
            "serial_tracking.stock_lot_action_serial_units", "customer_id"
        )
        action["context"] = {"search_default_group_by_product": 1}
        return action

    def _serial_company_counts(self, model, field):
        """``{commercial partner: count}`` of the records of ``model`` whose partner
        ``field`` is one of the partners' whole companies (a partner or a contact)."""
        groups = self.env[model]._read_group(
            [(field, "child_of", self.commercial_partner_id.ids)], [field], ["__count"]
        )
        counts = defaultdict(int)
        for partner, count in groups:
            counts[partner.commercial_partner_id] += count
        return counts

    def _serial_company_action(self, xml_id, field):
        """Window action ``xml_id`` on the records whose partner ``field`` is this
        partner's whole company (the partner or a contact)."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(xml_id)
        action["domain"] = [(field, "child_of", self.commercial_partner_id.id)]
        return action
