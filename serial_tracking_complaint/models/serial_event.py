from odoo import fields, models


class SerialEvent(models.Model):
    _inherit = "serial.event"

    event_type = fields.Selection(
        selection_add=[("complaint", "Complaint"), ("note",)],
        ondelete={"complaint": "cascade"},
    )
