from odoo import fields, models


class SerialComplaintStage(models.Model):
    _name = "serial.complaint.stage"
    _description = "Complaint Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    fold = fields.Boolean("Folded in Kanban")
    is_closed = fields.Boolean(
        "Closing Stage", help="Complaints in this stage are settled."
    )
    company_id = fields.Many2one(
        "res.company", help="Leave empty to use the stage in every company."
    )
    active = fields.Boolean(default=True)
