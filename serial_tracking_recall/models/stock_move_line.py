from odoo import models

from odoo.addons.serial_tracking.models.stock_lot import CLOSED_STATES


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    # The split of a recall (``tools/recall_sql.split_sql``) probes each unit's
    # move lines: its open ones (few in the whole table: a small index), or its
    # done ones into a customer location (its deliveries, read from the index
    # alone, without the unit's other lines). The open index's predicate is the
    # literal the split's query is sent with (psycopg2 interpolates CLOSED_STATES).
    _serial_recall_open_lot_idx = models.Index(
        f"(lot_id) WHERE lot_id IS NOT NULL AND state NOT IN {CLOSED_STATES!r}"
    )
    _serial_recall_done_dest_idx = models.Index(
        "(lot_id, location_dest_id) INCLUDE (date, id, picking_id, move_id, quantity)"
        " WHERE lot_id IS NOT NULL AND state = 'done'"
    )
