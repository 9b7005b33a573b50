from odoo import models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    # The split of a recall (``tools/recall_sql.split_sql``) probes each unit's
    # move lines: its open ones (few in the whole table: a small index), or its
    # done ones into a customer location (its deliveries, read from the index
    # alone, without the unit's other lines).
    _serial_recall_open_lot_idx = models.Index(
        "(lot_id) WHERE lot_id IS NOT NULL AND state NOT IN ('done', 'cancel')"
    )
    _serial_recall_done_dest_idx = models.Index(
        "(lot_id, location_dest_id) INCLUDE (date, id, picking_id, move_id, quantity)"
        " WHERE lot_id IS NOT NULL AND state = 'done'"
    )
