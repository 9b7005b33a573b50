from odoo import models


class StockLot(models.Model):
    _inherit = "stock.lot"

    # A scan looks a serial up by its exact name: Odoo only has a trigram index on it.
    _serial_dispatch_name_idx = models.Index("(name)")
