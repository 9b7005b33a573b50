from odoo import Command
from odoo.tests import tagged

from odoo.addons.serial_tracking_recall.tests.common import RecallCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestRecallSaleValue(RecallCommon):
    """Delivered units of a sale order are valued at the order line's price."""

    def test_sale_value(self):
        _picking, lots = self._receive(self.scanner, ["SALE-1", "SALE-2"])
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.scanner.id,
                            "product_uom_qty": 2,
                            "price_unit": 150.0,
                            "discount": 10.0,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        delivery = order.picking_ids
        move = delivery.move_ids
        move.move_line_ids.unlink()
        move.move_line_ids = [
            Command.create(
                {
                    "product_id": self.scanner.id,
                    "lot_id": lot.id,
                    "quantity": 1,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "picking_id": delivery.id,
                }
            )
            for lot in lots
        ]
        move.picked = True
        delivery.button_validate()
        self.assertEqual(delivery.state, "done")
        recall = self._confirmed(serial_input="SALE-1 SALE-2 RC-1")
        line = self.lines_of(recall, lots[0])
        self.assertEqual(line.sale_line_id, order.order_line)
        self.assertAlmostEqual(line.sale_value, 135.0)
        self.assertAlmostEqual(
            line.sale_value, order.order_line.price_subtotal / 2, "Odoo's own price"
        )
        # RC-1 was delivered without a sale order: no sale value
        self.assertFalse(self.lines_of(recall, self.units[0]).sale_value)
        self.assertAlmostEqual(recall.delivered_sale_value, 270.0)
