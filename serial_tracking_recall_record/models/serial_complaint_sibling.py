from odoo import models
from odoo.exceptions import UserError


class SerialComplaintSibling(models.Model):
    _inherit = "serial.complaint.sibling"

    def action_start_recall(self, root_cause=None):
        """A draft recall whose scope is this group's units (the complained unit
        included), listed, so it is exactly what the group shows."""
        self.ensure_one()
        self.env["serial.recall"].check_access("create")
        if not self.other_count:
            raise UserError(
                self.env._(
                    "%(group)s holds no other unit than %(unit)s: there is no group "
                    "to recall.",
                    group=self.name,
                    unit=self.unit_id.display_name,
                )
            )
        lots = self._sibling_lots(include_unit=True)
        kind = dict(self._fields["kind"]._description_selection(self.env))[self.kind]
        recall = self.env["serial.recall"].create(
            {
                "title": root_cause.name
                if root_cause
                else self.env._("%(kind)s: %(shared)s", kind=kind, shared=self.name),
                "company_id": self.company_id.id,
                "lot_ids": [(6, 0, lots.ids)],
                "reason": self.env._(
                    "Complaint %(complaint)s about %(unit)s; units of the group "
                    "%(kind)s %(shared)s.",
                    complaint=self.complaint_id.name,
                    unit=self.unit_id.display_name,
                    kind=kind.lower(),
                    shared=self.name,
                ),
                "complaint_sibling_id": self.id,
                "root_cause_id": root_cause.id if root_cause else False,
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "serial.recall",
            "res_id": recall.id,
            "view_mode": "form",
        }
