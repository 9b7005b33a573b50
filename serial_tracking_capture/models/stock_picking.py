from odoo import models

from odoo.addons.serial_tracking.models.stock_lot import CLOSED_STATES


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def action_open_serial_capture(self):
        """Open the capture wizard on the first serial product still missing serials."""
        self.ensure_one()
        moves = self.move_ids.filtered(
            lambda m: m.has_tracking == "serial" and m.state not in CLOSED_STATES
        )
        need = moves._serial_missing_counts()
        move = next((m for m in moves if need.get(m)), moves[:1])
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking_capture.serial_capture_action"
        )
        action["context"] = {
            "default_picking_id": self.id,
            "default_move_id": move.id,
        }
        return action
