from odoo import api, fields, models

from odoo.addons.serial_tracking.tools.smart_buttons import (
    related_action,
    set_related_counts,
)


class SerialRootCause(models.Model):
    """What several complaints have in common once investigated: a faulty component
    lot, a production order, a supplier's receipt... Its *suspect group* is the
    sibling group a recall would start from."""

    _name = "serial.root.cause"
    _description = "Complaint Root Cause"
    _inherit = ("mail.thread", "mail.activity.mixin")
    _order = "create_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    user_id = fields.Many2one(
        "res.users", "Responsible", default=lambda self: self.env.user, tracking=True
    )
    state = fields.Selection(
        [
            ("investigating", "Investigating"),
            ("confirmed", "Confirmed"),
            ("closed", "Closed"),
        ],
        default="investigating",
        required=True,
        tracking=True,
    )
    description = fields.Html()
    complaint_ids = fields.One2many("serial.complaint", "root_cause_id", "Complaints")
    complaint_count = fields.Integer(compute="_compute_complaint_count")
    lot_ids = fields.Many2many(
        "stock.lot", string="Complained Units", compute="_compute_lot_ids"
    )
    common_sibling_ids = fields.Many2many(
        "serial.complaint.sibling",
        string="Shared by Every Complaint",
        compute="_compute_common_sibling_ids",
        help="Sibling groups (batch, receipt, production order, component lot) that "
        "all the linked complaints' units belong to: the likely culprits.",
    )
    sibling_id = fields.Many2one(
        "serial.complaint.sibling",
        "Suspect Group",
        tracking=True,
        domain="[('complaint_id.root_cause_id', '=', id)]",
        help="The sibling group the fault comes from: a recall starts from it.",
    )

    @api.depends("complaint_ids")
    def _compute_complaint_count(self):
        set_related_counts(self, "complaint_count", "serial.complaint", "root_cause_id")

    @api.depends("complaint_ids.lot_id")
    def _compute_lot_ids(self):
        for cause in self:
            cause.lot_ids = cause.complaint_ids.lot_id

    @api.depends("complaint_ids.sibling_ids")
    def _compute_common_sibling_ids(self):
        for cause in self:
            complaints = cause.complaint_ids
            shared = None
            for complaint in complaints:
                keys = {(g.kind, g.key_id) for g in complaint.sibling_ids}
                shared = keys if shared is None else shared & keys
            first = complaints[:1].sibling_ids
            cause.common_sibling_ids = first.filtered(
                lambda g, s=shared or set(): (g.kind, g.key_id) in s
            )

    def action_view_complaints(self):
        return related_action(
            self, "serial_tracking_complaint.serial_complaint_action", "root_cause_id"
        )
