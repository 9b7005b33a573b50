from odoo import Command
from odoo.tests import tagged

from .fast_validation_common import FastValidationCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestFastInternal(FastValidationCommon):
    """An internal transfer of reserved serial units validated through the fast
    path gives exactly Odoo's rows: quants, moves, move lines, units (location,
    state) and their timeline."""

    def _internal(self, lots, source, dest, batch=False):
        """A confirmed internal transfer of exactly ``lots`` from ``source`` to
        ``dest``, picked: its lines are created with their units before it is
        confirmed, as the recall's quarantine makes them, each reserving its unit
        (through Odoo's ``create``, or with ``batch`` through
        ``_serial_create_reserved_lines``)."""
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.picking_type_int.id,
                "location_id": source.id,
                "location_dest_id": dest.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": len(product_lots),
                            "location_id": source.id,
                            "location_dest_id": dest.id,
                        }
                    )
                    for product, product_lots in lots.grouped("product_id").items()
                ],
            }
        )
        vals_list = [
            {
                "move_id": move.id,
                "picking_id": picking.id,
                "product_id": lot.product_id.id,
                "lot_id": lot.id,
                "quantity": 1,
                "location_id": source.id,
                "location_dest_id": dest.id,
            }
            for move in picking.move_ids
            for lot in lots
            if lot.product_id == move.product_id
        ]
        MoveLine = self.env["stock.move.line"]
        if batch:
            self.assertIsNotNone(MoveLine._serial_batch_reservations(vals_list))
            MoveLine._serial_create_reserved_lines(vals_list)
        else:
            MoveLine.create(vals_list)
        picking.action_confirm()
        picking.move_ids.picked = True
        return picking

    def test_internal_transfer(self):
        """Five of eight units to a shelf, then three of them back to stock (where
        their emptied quants are still: the destination quant exists). The
        reservations the batch writes are Odoo's too (compared before the
        validation)."""
        odoo_product, fast_product = self._twins()
        sides = ((odoo_product, False), (fast_product, True))
        lots = {product: self._stock_lots(product, 8) for product, _fast in sides}
        there = {
            product: self._internal(
                lots[product][:5], self.stock_location, self.shelf_1, batch=fast
            )
            for product, fast in sides
        }
        self.assertSameResult(odoo_product, fast_product)
        back = {}
        for product, fast in sides:
            self._validate(there[product], fast)
            self.assertEqual(there[product].state, "done")
            back[product] = self._internal(
                lots[product][:3], self.shelf_1, self.stock_location, batch=fast
            )
        self.assertSameResult(odoo_product, fast_product)
        for product, fast in sides:
            self._validate(back[product], fast)
            self.assertEqual(back[product].state, "done")
        snapshot = self.assertSameResult(odoo_product, fast_product)
        self.assertEqual(len(snapshot["events"]), 8 + 5 + 3)
        on_shelf = self.env["stock.quant"].search(
            [
                ("product_id", "=", fast_product.id),
                ("location_id", "=", self.shelf_1.id),
                ("quantity", "=", 1),
            ]
        )
        self.assertEqual(len(on_shelf), 2)
        self.assertEqual(on_shelf.lot_id.location_id, self.shelf_1)
        self.assertEqual(set(on_shelf.lot_id.mapped("unit_state")), {"in_stock"})
        self.assertEqual(fast_product.qty_available, 8)

    def test_batch_reservation_falls_back(self):
        """Lines whose reservation is not known in advance are created by Odoo's
        own ``create``: here a unit already reserved by another transfer."""
        product = self._twins()[0]
        lots = self._stock_lots(product, 2)
        self._internal(lots[:1], self.stock_location, self.shelf_1)
        picking = self._internal(lots, self.stock_location, self.shelf_2, batch=False)
        vals = [
            {
                "move_id": picking.move_ids.id,
                "product_id": product.id,
                "lot_id": lot.id,
                "quantity": 1,
                "location_id": self.stock_location.id,
                "location_dest_id": self.shelf_2.id,
            }
            for lot in lots
        ]
        self.assertIsNone(self.env["stock.move.line"]._serial_batch_reservations(vals))

    def test_non_qualifying_internal(self):
        """Lines whose outcome is not known in advance take Odoo's path."""
        product = self._twins()[0]
        lots = self._stock_lots(product, 3)
        same = self._internal(lots[:1], self.stock_location, self.stock_location)
        self.assertIsNone(same.move_line_ids._serial_fast_internal_lines())
        same.action_cancel()
        picking = self._internal(lots[1:], self.stock_location, self.shelf_1)
        lines = picking.move_line_ids
        self.assertIsNotNone(lines._serial_fast_internal_lines())
        # Not a delivery: the delivery's own fast path does not take it.
        self.assertIsNone(lines._serial_fast_delivery_lines())
        # A unit whose quant at the destination already holds it (a second
        # quant of the serial): Odoo's path keeps the older entry date.
        self.env["stock.quant"]._update_available_quantity(
            product, self.shelf_1, 1.0, lot_id=lots[1]
        )
        self.assertIsNone(lines._serial_fast_internal_lines())
        self.assertIsNone(
            lines.with_context(serial_fast_off=True)._serial_fast_internal_lines()
        )
