from odoo import models


class StockMove(models.Model):
    _inherit = "stock.move"

    def _action_done(self, cancel_backorder=False):
        # Unit states are refreshed once for the whole validation below, not on every
        # move line write Odoo makes on the way.
        moves = super(
            StockMove, self.with_context(serial_defer_refresh=True)
        )._action_done(cancel_backorder=cancel_backorder)
        lines = moves.move_line_ids.filtered(
            lambda line: (
                line.state == "done"
                and line.lot_id
                and line.quantity > 0
                and line.product_id.tracking == "serial"
            )
        )
        if lines:
            lines._serial_log_done_events()
            lines.lot_id._refresh_unit_state()
        return moves.with_env(self.env)
