from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.serial_tracking.tools.smart_buttons import (
    related_action,
    set_related_counts,
)


class StockLot(models.Model):
    _inherit = "stock.lot"

    complaint_ids = fields.One2many("serial.complaint", "lot_id", "Complaints")
    complaint_count = fields.Integer(compute="_compute_complaint_count")

    def _compute_complaint_count(self):
        set_related_counts(self, "complaint_count", "serial.complaint", "lot_id")

    def action_new_complaint(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Complaint"),
            "res_model": "serial.complaint",
            "view_mode": "form",
            "context": {
                "default_lot_id": self.id,
                "default_partner_id": self.customer_id.id,
                "default_company_id": (self.company_id or self.env.company).id,
            },
        }

    def action_view_complaints(self):
        return related_action(
            self,
            "serial_tracking_complaint.serial_complaint_action",
            "lot_id",
            default_partner_id=self.customer_id.id,
        )

    def _complaint_upstream(self):
        """{unit id: ids of the unit and of every lot built into it}. Without
        manufacturing a unit is made of itself; the bridge
        ``serial_tracking_complaint_mrp`` walks the consumed move lines down every
        level of sub-assembly."""
        return {lot.id: {lot.id} for lot in self}

    def _complaint_receipts(self):
        """{lot id: ids of the receipts from a vendor that brought it in}, one
        query for all of ``self``."""
        if not self:
            return {}
        self.env["stock.move.line"].flush_model(
            ["lot_id", "state", "location_id", "picking_id"]
        )
        rows = self.env.execute_query(
            SQL(
                """
            SELECT ml.lot_id, ARRAY_AGG(DISTINCT ml.picking_id)
              FROM stock_move_line ml
              JOIN stock_location src ON src.id = ml.location_id
             WHERE ml.lot_id = ANY(%(ids)s) AND ml.state = 'done'
               AND src.usage = 'supplier' AND ml.picking_id IS NOT NULL
          GROUP BY ml.lot_id
                """,
                ids=self.ids,
            )
        )
        return {lot_id: set(picking_ids) for lot_id, picking_ids in rows}
