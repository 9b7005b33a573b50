from odoo import fields, models


class SerialComplaintCategory(models.Model):
    _name = "serial.complaint.category"
    _description = "Complaint Category"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to use the category in every company."
    )
    active = fields.Boolean(default=True)
