from odoo import models


class StockLot(models.Model):
    _inherit = "stock.lot"

    # A scan looks a serial up by its exact name: Odoo only has a trigram index on it.
    _serial_dispatch_name_idx = models.Index("(name)")
    # ... and by its exact manufacturer serial: the core's trigram index answers an
    # equality in tens of milliseconds on 100,000 units (every receive scan of a new
    # serial asks it), a B-tree in a fraction of one.
    _serial_scan_manufacturer_serial_idx = models.Index(
        "(manufacturer_serial) WHERE manufacturer_serial IS NOT NULL"
    )
