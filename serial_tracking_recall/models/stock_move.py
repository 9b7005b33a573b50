from odoo import models

from odoo.addons.serial_tracking.models.stock_lot import INTERNAL_USAGES


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        moves = super()._action_done(cancel_backorder=cancel_backorder)
        moves._serial_recall_update_statuses()
        return moves

    def _serial_recall_update_statuses(self):
        """What Odoo tells us about recalled units: a customer return marks their
        line returned (and back with us), a scrap marks it destroyed."""
        lines = self.move_line_ids.filtered(
            lambda line: line.state == "done" and line.lot_id and line.quantity > 0
        )
        if not lines:
            return
        recall_lines = (
            self.env["serial.recall.line"]
            .sudo()
            .search(
                [
                    ("lot_id", "in", lines.lot_id.ids),
                    ("recall_id.state", "=", "open"),
                    ("status", "not in", ("destroyed", "closed")),
                ]
            )
        )
        if not recall_lines:
            return
        returned, destroyed = set(), set()
        for line in lines:
            src, dst = line.location_id.usage, line.location_dest_id.usage
            if line.move_id.scrap_id and dst == "inventory":
                destroyed.add(line.lot_id.id)
            elif src == "customer" and dst in INTERNAL_USAGES:
                returned.add(line.lot_id.id)
        ctx = {"serial_recall_internal": True}
        recall_lines.filtered(lambda rl: rl.lot_id.id in destroyed).with_context(
            **ctx
        ).write({"status": "destroyed"})
        back = recall_lines.filtered(
            lambda rl: rl.lot_id.id in returned and rl.position == "delivered"
        )
        for recall_line in back:
            move_line = lines.filtered(
                lambda ml, rl=recall_line: ml.lot_id == rl.lot_id
            )[-1:]
            recall_line.with_context(**ctx).write(
                {
                    "status": "returned",
                    "position": "held",
                    "location_id": move_line.location_dest_id.id,
                    "warehouse_id": move_line.location_dest_id.warehouse_id.id,
                }
            )
