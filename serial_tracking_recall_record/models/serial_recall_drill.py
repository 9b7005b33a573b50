from odoo import fields, models


class SerialRecallDrill(models.Model):
    """A mock recall: how long producing the complete lists of a recall took, for
    audits. Nothing was sent, moved or changed."""

    _name = "serial.recall.drill"
    _description = "Mock Recall Drill"
    _order = "date desc, id desc"

    recall_id = fields.Many2one(
        "serial.recall", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="recall_id.company_id", store=True)
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    user_id = fields.Many2one(
        "res.users", "Run by", required=True, default=lambda self: self.env.user
    )
    duration = fields.Float("Duration (s)", digits=(16, 3))
    unit_count = fields.Integer("Units")
    held_count = fields.Integer("With Us")
    delivered_count = fields.Integer("Delivered")
    customer_count = fields.Integer("Customers")
    back_count = fields.Integer("Receipts Listed")
    forward_count = fields.Integer("Deliveries Listed")
    attachment_id = fields.Many2one("ir.attachment", "Lists", ondelete="set null")
