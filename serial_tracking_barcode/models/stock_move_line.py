from odoo import models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    # "Is this serial reserved on another open move?" is asked at every scan, and the
    # core's unit state refresh reads a serial's done lines: Odoo 19 has no index on
    # stock_move_line.lot_id.
    _serial_dispatch_lot_idx = models.Index("(lot_id) WHERE lot_id IS NOT NULL")
