from odoo import api, fields, models
from odoo.exceptions import UserError


class SerialComplaintLink(models.TransientModel):
    _name = "serial.complaint.link"
    _description = "Link Complaints to a Root Cause"

    complaint_ids = fields.Many2many("serial.complaint", string="Complaints")
    company_id = fields.Many2one("res.company", compute="_compute_company_id")
    mode = fields.Selection(
        [("new", "A new root cause"), ("existing", "An existing root cause")],
        default="new",
        required=True,
    )
    name = fields.Char("New Root Cause")
    root_cause_id = fields.Many2one(
        "serial.root.cause", domain="[('company_id', '=', company_id)]"
    )

    @api.depends("complaint_ids")
    def _compute_company_id(self):
        for wizard in self:
            wizard.company_id = wizard.complaint_ids.company_id[:1]

    def action_link(self):
        self.ensure_one()
        complaints = self.complaint_ids
        if not complaints:
            raise UserError(self.env._("Select the complaints to link."))
        if len(complaints.company_id) > 1:
            raise UserError(
                self.env._(
                    "These complaints belong to several companies (%(companies)s): "
                    "a root cause links complaints of one company.",
                    companies=", ".join(complaints.company_id.mapped("name")),
                )
            )
        if self.mode == "new":
            if not (self.name or "").strip():
                raise UserError(self.env._("Name the new root cause."))
            cause = self.env["serial.root.cause"].create(
                {"name": self.name.strip(), "company_id": complaints.company_id.id}
            )
        else:
            cause = self.root_cause_id
            if not cause:
                raise UserError(self.env._("Choose the root cause to link to."))
        complaints.root_cause_id = cause
        return {
            "type": "ir.actions.act_window",
            "res_model": "serial.root.cause",
            "res_id": cause.id,
            "view_mode": "form",
        }
