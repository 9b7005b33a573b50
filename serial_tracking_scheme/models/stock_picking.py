from odoo import fields, models

from odoo.addons.serial_tracking.models.stock_lot import CLOSED_STATES


class StockPicking(models.Model):
    _inherit = "stock.picking"

    serial_missing_count = fields.Integer(
        "Units Without Serial",
        compute="_compute_serial_missing_count",
        help="Units of serial-tracked products of this receipt that have no serial "
        "yet: what Generate Serials would number.",
    )

    def _compute_serial_missing_count(self):
        moves = self.move_ids.filtered(
            lambda m: (
                m.product_id.tracking == "serial"
                and m.state not in CLOSED_STATES
                and m.picking_type_id.use_create_lots
            )
        )
        need = moves._serial_missing_counts() if moves else {}
        for picking in self:
            picking.serial_missing_count = sum(
                count for move, count in need.items() if move.picking_id == picking
            )

    def action_serial_generate_from_scheme(self):
        """Header button of receipts: serials from the schemes for every unit still
        without one; says how many were made and reloads the form (the button then
        hides: nothing is left to number)."""
        lots = self.move_ids.action_serial_generate_from_scheme()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s serial(s) generated.", count=len(lots)
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }
