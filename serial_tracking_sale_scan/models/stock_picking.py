from odoo import models


class StockPicking(models.Model):
    _inherit = "stock.picking"

    def _action_done(self):
        res = super()._action_done()
        orders = self.sale_id
        if orders:
            shipped = self.move_ids.filtered(lambda m: m.state == "done").lot_ids
            self.env["sale.scan.unit"].search(
                [("order_id", "in", orders.ids), ("lot_id", "in", shipped.ids)]
            ).active = False
        return res
