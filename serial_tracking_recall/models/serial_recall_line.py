from odoo import Command, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from ..tools.recall_sql import POSITIONS

STATUSES = [
    ("to_handle", "To handle"),
    ("to_notify", "To notify"),
    ("notified", "Notified"),
    ("returned", "Returned"),
    ("destroyed", "Destroyed"),
    ("corrected", "Corrected"),
    ("closed", "Closed"),
]
QUARANTINE = [
    ("none", "Not quarantined"),
    ("blocked", "Blocked in place"),
    ("moved", "Moved to quarantine"),
]


class SerialRecallLine(models.Model):
    """One affected unit of a recall (one per place for a lot-tracked product):
    where it was found, who has it, what it is worth, and its recall status.

    Lines are written in bulk by SQL when the recall is confirmed (see
    ``serial.recall._serial_recall_insert_lines``); afterwards only their status,
    quarantine and notice fields change."""

    _name = "serial.recall.line"
    _description = "Recall Unit"
    _order = "recall_id desc, position, id"
    _check_company_auto = True

    recall_id = fields.Many2one(
        "serial.recall", required=True, index=True, ondelete="cascade"
    )
    recall_state = fields.Selection(related="recall_id.state")
    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one("res.currency", required=True)
    lot_id = fields.Many2one("stock.lot", "Unit", required=True, index=True)
    product_id = fields.Many2one("product.product", required=True, index=True)
    position = fields.Selection(POSITIONS, required=True, index=True)
    location_id = fields.Many2one("stock.location", index="btree_not_null")
    warehouse_id = fields.Many2one("stock.warehouse", index="btree_not_null")
    partner_id = fields.Many2one(
        "res.partner", "Delivery Address", index="btree_not_null"
    )
    customer_id = fields.Many2one("res.partner", index="btree_not_null")
    picking_id = fields.Many2one("stock.picking", "Delivery")
    move_line_id = fields.Many2one("stock.move.line")
    delivery_date = fields.Datetime()
    quantity = fields.Float(digits="Product Unit")
    unit_cost = fields.Monetary(help="Odoo's cost of the unit when it was recalled.")
    cost_value = fields.Monetary("Value at Cost")
    status = fields.Selection(STATUSES, required=True, default="to_handle", index=True)
    quarantine = fields.Selection(QUARANTINE, required=True, default="none")
    notified_date = fields.Datetime(readonly=True)
    status_date = fields.Datetime(readonly=True)

    def write(self, vals):
        if "status" in vals and not self.env.context.get("serial_recall_internal"):
            self.recall_id._serial_recall_check_not_done()
        if "status" in vals:
            vals = {**vals, "status_date": fields.Datetime.now()}
        res = super().write(vals)
        if vals.get("status") == "closed":
            self.recall_id._serial_recall_close_when_done()
        return res

    def _serial_recall_set_status(self, status):
        if self.recall_id.filtered(lambda recall: recall.state != "open"):
            raise UserError(
                self.env._("Only units of an open recall can change status.")
            )
        self.write({"status": status})
        return True

    def action_mark_notified(self):
        return self._serial_recall_set_status("notified")

    def action_mark_returned(self):
        return self._serial_recall_set_status("returned")

    def action_mark_destroyed(self):
        return self._serial_recall_set_status("destroyed")

    def action_mark_corrected(self):
        return self._serial_recall_set_status("corrected")

    def action_mark_closed(self):
        return self._serial_recall_set_status("closed")

    def _serial_recall_set_quarantine(self, quarantine, location=None):
        """Quarantine value ``quarantine`` on these lines, and ``location``
        (``stock.location``) as where their units are when given: one UPDATE (a
        recall has tens of thousands of lines), then the ORM told (the recall's
        quarantine counts depend on it)."""
        fnames = ["quarantine", "location_id"]
        self.flush_recordset(fnames)
        self.env.execute_query(
            SQL(
                """UPDATE serial_recall_line
                      SET quarantine = %s, location_id = COALESCE(%s, location_id),
                          write_uid = %s, write_date = NOW() AT TIME ZONE 'UTC'
                    WHERE id = ANY(%s)""",
                quarantine,
                location.id if location else None,
                self.env.uid,
                self.ids,
            )
        )
        self.invalidate_recordset([*fnames, "write_uid", "write_date"])
        self.modified(fnames)

    def _serial_recall_move_to_quarantine(self, warehouse):
        """One validated internal transfer of these lines' units to ``warehouse``'s
        quarantine location (:meth:`_serial_recall_quarantine_picking`). Odoo's
        validation takes the core's fast path of internal transfers when the
        transfer qualifies (serial units, one quant each), else its own."""
        picking = self._serial_recall_quarantine_picking(warehouse)
        picking.with_context(
            skip_backorder=True, skip_sanity_check=True, skip_expired=True
        ).button_validate()
        if picking.state != "done":
            raise UserError(
                self.env._(
                    "The quarantine transfer %(picking)s could not be validated.",
                    picking=picking.name,
                )
            )
        self._serial_recall_set_quarantine("moved", picking.location_dest_id)
        return picking

    def _serial_recall_quarantine_picking(self, warehouse):
        """The confirmed, picked internal transfer of these lines' units from where
        they are to ``warehouse``'s quarantine location: a move per product and a
        line per unit, each reserving its unit (in one batch where the core can:
        ``stock.move.line._serial_create_reserved_lines``). Their units' states are
        not refreshed: validate it in the same transaction (the validation
        refreshes them)."""
        dest = warehouse._serial_quarantine_location()
        source = warehouse.lot_stock_id
        by_product = self.grouped("product_id")
        picking = (
            self.env["stock.picking"]
            .sudo()
            .create(
                {
                    "picking_type_id": warehouse.int_type_id.id,
                    "location_id": source.id,
                    "location_dest_id": dest.id,
                    "origin": self.recall_id[:1].name,
                    "move_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": sum(lines.mapped("quantity")),
                                "location_id": source.id,
                                "location_dest_id": dest.id,
                            }
                        )
                        for product, lines in by_product.items()
                    ],
                }
            )
        )
        moves = {move.product_id: move for move in picking.move_ids}
        # Unit states are refreshed once, by the validation that follows.
        self.env["stock.move.line"].sudo().with_context(
            serial_defer_refresh=True
        )._serial_create_reserved_lines(
            [
                {
                    "move_id": moves[line.product_id].id,
                    "picking_id": picking.id,
                    "product_id": line.product_id.id,
                    "lot_id": line.lot_id.id,
                    "quantity": line.quantity,
                    "location_id": line.location_id.id,
                    "location_dest_id": dest.id,
                    "picked": True,
                }
                for line in self
            ]
        )
        picking.action_confirm()
        picking.move_ids.picked = True
        return picking
