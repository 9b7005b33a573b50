from odoo import models


class StockLot(models.Model):
    _name = "stock.lot"
    _inherit = ("stock.lot", "serial.label.mixin")

    def _serial_label_units(self):
        return self
