from odoo import models


class SerialBatch(models.Model):
    _name = "serial.batch"
    _inherit = ("serial.batch", "serial.label.mixin")

    def _serial_label_units(self):
        return self.lot_ids
