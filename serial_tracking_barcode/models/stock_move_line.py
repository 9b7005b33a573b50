from odoo import models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    # "Is this serial reserved on another open move?" is asked at every scan; Odoo 19
    # has no
    # index on stock_move_line.lot_id. Only open lines matter, so the index stays small.
    _serial_dispatch_open_lot_idx = models.Index(
        "(lot_id) WHERE lot_id IS NOT NULL AND state NOT IN ('done', 'cancel')"
    )
