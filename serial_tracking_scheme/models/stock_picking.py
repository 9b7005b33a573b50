from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def action_serial_generate_from_scheme(self):
        """Header button of receipts: serials from the schemes for every unit still
        without one."""
        self.move_ids.action_serial_generate_from_scheme()
        return True
