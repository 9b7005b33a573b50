from odoo import fields, models
from odoo.exceptions import UserError


class SerialRootCause(models.Model):
    _inherit = "serial.root.cause"

    recall_ids = fields.One2many("serial.recall", "root_cause_id", "Recalls")

    def action_start_recall(self):
        self.ensure_one()
        if not self.sibling_id:
            raise UserError(
                self.env._(
                    "Choose the suspect group of %(cause)s first: the recall's "
                    "scope comes from it.",
                    cause=self.name,
                )
            )
        return self.sibling_id.action_start_recall(root_cause=self)
