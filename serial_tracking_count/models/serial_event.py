from odoo import fields, models


class SerialEvent(models.Model):
    _inherit = "serial.event"

    event_type = fields.Selection(
        selection_add=[("counted", "Counted")], ondelete={"counted": "cascade"}
    )
