from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    serial_complaint_count = fields.Integer(
        "Complaints", compute="_compute_serial_complaint_count"
    )

    def _compute_serial_complaint_count(self):
        """Complaints of the partner's whole company (the partner and its contacts)."""
        counts = self._serial_company_counts("serial.complaint", "partner_id")
        for partner in self:
            partner.serial_complaint_count = counts[partner.commercial_partner_id]

    def action_view_serial_complaints(self):
        action = self._serial_company_action(
            "serial_tracking_complaint.serial_complaint_action", "partner_id"
        )
        action["context"] = {"default_partner_id": self.id}
        return action
