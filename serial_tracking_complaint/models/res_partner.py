from collections import defaultdict

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    serial_complaint_count = fields.Integer(
        "Complaints", compute="_compute_serial_complaint_count"
    )

    def _compute_serial_complaint_count(self):
        """Complaints of the partner's whole company (the partner and its contacts)."""
        groups = self.env["serial.complaint"]._read_group(
            [("partner_id", "child_of", self.commercial_partner_id.ids)],
            ["partner_id"],
            ["__count"],
        )
        counts = defaultdict(int)
        for partner, count in groups:
            counts[partner.commercial_partner_id] += count
        for partner in self:
            partner.serial_complaint_count = counts[partner.commercial_partner_id]

    def action_view_serial_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking_complaint.serial_complaint_action"
        )
        action["domain"] = [("partner_id", "child_of", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
