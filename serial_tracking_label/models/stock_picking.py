from odoo import models


class StockPicking(models.Model):
    _name = "stock.picking"
    _inherit = ("stock.picking", "serial.label.mixin")

    def _serial_label_units(self):
        return self.move_line_ids.lot_id
