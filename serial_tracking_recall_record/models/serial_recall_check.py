from odoo import fields, models

CHECK_METHODS = [
    ("phone", "Phone"),
    ("visit", "Visit"),
    ("email", "Email"),
    ("letter", "Letter"),
]
CHECK_RESULTS = [
    ("acted", "Received the notice and acted"),
    ("not_acted", "Received the notice, did not act"),
    ("not_received", "Did not receive the notice"),
]


class SerialRecallCheck(models.Model):
    """One effectiveness check: a consignee asked whether it received the recall
    notice and followed it (21 CFR 7.42(b)(3))."""

    _name = "serial.recall.check"
    _description = "Recall Effectiveness Check"
    _order = "date desc, id desc"
    _check_company_auto = True

    recall_id = fields.Many2one(
        "serial.recall", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="recall_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", "Consignee", required=True)
    date = fields.Date(required=True, default=fields.Date.context_today)
    method = fields.Selection(CHECK_METHODS, required=True, default="phone")
    result = fields.Selection(CHECK_RESULTS, required=True)
    user_id = fields.Many2one(
        "res.users", "Checked by", default=lambda self: self.env.user
    )
    note = fields.Text()
