from odoo import models


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    # The serial stock report as of a past date reads the units' lines done after
    # it (today's quants minus what moved since): by date, not the whole history.
    _serial_report_done_date_idx = models.Index(
        "(date) WHERE lot_id IS NOT NULL AND state = 'done'"
    )
    # The same unit by unit (a list page): a unit with no line since the date costs
    # one look-up in this index, no read of its lines.
    _serial_report_lot_done_date_idx = models.Index(
        "(lot_id, date) WHERE lot_id IS NOT NULL AND state = 'done'"
    )
