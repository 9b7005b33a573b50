from datetime import timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from ..models.serial_fast_receipt_mixin import SerialFastReceiptMixin
from ..models.stock_lot import StockLot
from .fast_validation_common import FROZEN, FastValidationCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestFastReceipt(FastValidationCommon):
    """A receipt validated through the fast path gives exactly Odoo's rows."""

    def _receive_both(self, odoo_product, fast_product, names, existing=0):
        pickings = []
        for product, fast in ((odoo_product, False), (fast_product, True)):
            units = self.env["stock.lot"].create(
                [{"name": name, "product_id": product.id} for name in names[:existing]]
            )
            picking = self._named_receipt(product, names)
            self.assertEqual(len(units), existing)
            self._validate(picking, fast)
            self.assertEqual(picking.state, "done")
            pickings.append(picking)
        return pickings

    def test_plain_receipt(self):
        odoo_product, fast_product = self._twins()
        names = [f"M{i:03d}" for i in range(12)]
        _odoo_picking, fast_picking = self._receive_both(
            odoo_product, fast_product, names
        )
        snapshot = self.assertSameResult(odoo_product, fast_product)
        self.assertEqual(len(snapshot["lots"]), 12)
        self.assertEqual(len(snapshot["quants"]), 24)
        self.assertEqual(len(snapshot["events"]), 12)
        self.assertEqual(len(snapshot["lot_messages"]), 12)
        self.assertEqual(fast_product.qty_available, 12)
        self.assertEqual(
            set(fast_picking.move_line_ids.lot_id.mapped("unit_state")), {"in_stock"}
        )

    def test_names_of_existing_units(self):
        """Serials generated ahead of stock (units exist, no quant): Odoo takes the
        existing units, and so does the fast path."""
        odoo_product, fast_product = self._twins()
        names = [f"E{i:03d}" for i in range(6)]
        self._receive_both(odoo_product, fast_product, names, existing=3)
        self.assertSameResult(odoo_product, fast_product)
        self.assertEqual(
            self.env["stock.lot"].search_count([("product_id", "=", fast_product.id)]),
            6,
        )

    def test_units_written_once(self):
        """A big validation takes time: the date of transfer is the moment the
        fast path starts, and the new units are created with it as their receipt
        date, so the refresh of their state after the transfer writes nothing
        (at 100,000 units a rewrite of their receipt date costs seconds)."""
        product = self._twins()[0]
        picking = self._named_receipt(product, [f"T{i}" for i in range(4)])
        written = []
        done = SerialFastReceiptMixin._serial_fast_receipt_done
        write = StockLot.write

        with freeze_time(FROZEN) as frozen:

            def slow_done(lines, lots_by_line):
                res = done(lines, lots_by_line)
                frozen.tick(timedelta(seconds=30))
                return res

            def spy(lots, vals):
                if product in lots.product_id:
                    written.append(sorted(vals))
                return write(lots, vals)

            with (
                patch.object(
                    SerialFastReceiptMixin, "_serial_fast_receipt_done", slow_done
                ),
                patch.object(StockLot, "write", spy),
            ):
                self._validate(picking, fast=True)
        self.assertEqual(picking.state, "done")
        start = fields.Datetime.to_datetime(FROZEN)
        self.assertEqual(picking.date_done, start)
        self.assertEqual(set(picking.move_ids.mapped("date")), {start})
        self.assertEqual(set(picking.move_line_ids.mapped("date")), {start})
        lots = picking.move_line_ids.lot_id
        self.assertEqual(len(lots), 4)
        self.assertEqual(set(lots.mapped("receipt_date")), {start})
        self.assertEqual(set(lots.mapped("unit_state")), {"in_stock"})
        self.assertEqual(written, [])

    def test_expiry_dates(self):
        odoo_product, fast_product = self._twins(
            use_expiration_date=True,
            expiration_time=30,
            use_time=20,
            removal_time=10,
            alert_time=5,
        )
        self._receive_both(odoo_product, fast_product, [f"X{i}" for i in range(5)])
        snapshot = self.assertSameResult(odoo_product, fast_product)
        lot = self.env["stock.lot"].search([("product_id", "=", fast_product.id)])[0]
        self.assertTrue(lot.expiration_date and lot.removal_date)
        self.assertTrue(snapshot["lots"])

    def test_partial_receipt_backorder(self):
        """Fewer units than ordered: the backorder is Odoo's, on both paths."""
        odoo_product, fast_product = self._twins()
        for product, fast in ((odoo_product, False), (fast_product, True)):
            picking = self._named_receipt(product, [f"B{i}" for i in range(5)])
            picking.move_ids.move_line_ids.sorted("id")[-2:].unlink()
            picking.move_ids.product_uom_qty = 5
            self._validate(picking.with_context(cancel_backorder=False), fast)
        self.assertSameResult(odoo_product, fast_product)
        self.assertEqual(
            self.env["stock.move"].search_count(
                [("product_id", "=", fast_product.id), ("state", "!=", "done")]
            ),
            1,
        )

    def test_non_qualifying_receipts_take_odoo_path(self):
        product = self._twins()[0]
        picking = self._named_receipt(product, ["D1", "D1"])
        # A serial named twice: Odoo's path, which refuses it.
        self.assertIsNone(picking.move_line_ids._serial_fast_receipt_lines())
        # A unit already in stock (a return): Odoo's path.
        _picking, lots = self._receive(product, ["IN-STOCK"])
        receipt = self._create_receipt(product, 1)
        self._set_serials(receipt.move_ids, lots=lots)
        self.assertIsNone(receipt.move_line_ids._serial_fast_receipt_lines())
        # A package on the line: Odoo's path.
        receipt = self._named_receipt(product, ["PK1"])
        receipt.move_line_ids.result_package_id = self.env["stock.package"].create(
            {"name": "PACK-1"}
        )
        self.assertIsNone(receipt.move_line_ids._serial_fast_receipt_lines())
        # A small batch under the configured size: Odoo's path.
        self.env["ir.config_parameter"].sudo().set_param(
            "serial_tracking.fast_validation_min_lines", "5"
        )
        receipt = self._named_receipt(product, ["S1", "S2"])
        self.assertIsNone(receipt.move_line_ids._serial_fast_receipt_lines())
        # ... and the result is Odoo's.
        self._validate(receipt, fast=False)
        self.assertEqual(receipt.state, "done")

    def test_serial_twice_in_stock_is_refused(self):
        """Odoo's check that no serial is twice in stock still refuses, in its own
        words: the quick query before it (``_serial_quantity_clear``) only lets
        it off when it can find nothing."""
        product = self._twins()[0]
        _picking, lots = self._receive(product, ["TWICE"])
        receipt = self._create_receipt(product, 1)
        self._set_serials(receipt.move_ids, lots=lots)
        receipt.move_ids.picked = True
        with self.assertRaisesRegex(ValidationError, "already been assigned"):
            receipt.button_validate()
        fresh = self._named_receipt(product, ["ONCE"])
        self.assertTrue(fresh.move_ids._serial_quantity_clear())
        self._validate(fresh, fast=True)
        self.assertTrue(fresh.move_ids._serial_quantity_clear())

    def test_return_of_fast_receipt(self):
        odoo_product, fast_product = self._twins()
        names = [f"R{i}" for i in range(4)]
        pickings = self._receive_both(odoo_product, fast_product, names)
        for picking in pickings:
            self._return(picking)
        self.assertSameResult(odoo_product, fast_product)
        self.assertEqual(fast_product.qty_available, 0)


@tagged("post_install", "-at_install", "serial_tracking")
class TestFastDelivery(FastValidationCommon):
    """A delivery of serial units validated through the fast path gives exactly
    Odoo's rows."""

    def _deliver_both(self, odoo_product, fast_product, count, deliver):
        pickings = []
        for product, fast in ((odoo_product, False), (fast_product, True)):
            lots = self._stock_lots(product, count)
            picking = self._delivery(lots[:deliver])
            self._validate(picking, fast)
            self.assertEqual(picking.state, "done")
            pickings.append(picking)
        return pickings

    def test_delivery(self):
        odoo_product, fast_product = self._twins()
        self._deliver_both(odoo_product, fast_product, 8, 5)
        snapshot = self.assertSameResult(odoo_product, fast_product)
        self.assertEqual(fast_product.qty_available, 3)
        self.assertEqual(len(snapshot["events"]), 13)
        delivered = self.env["stock.lot"].search(
            [("product_id", "=", fast_product.id), ("unit_state", "=", "delivered")]
        )
        self.assertEqual(len(delivered), 5)
        self.assertEqual(delivered.customer_id, self.customer)

    def test_delivery_after_return(self):
        """A unit delivered, returned and delivered again: its customer quant exists
        already and gets the unit back, on both paths."""
        odoo_product, fast_product = self._twins()
        for product, fast in ((odoo_product, False), (fast_product, True)):
            lots = self._stock_lots(product, 3)
            first = self._delivery(lots)
            self._validate(first, fast=False)
            self._return(first)
            again = self._delivery(lots[:2])
            self._validate(again, fast)
        self.assertSameResult(odoo_product, fast_product)

    def test_non_qualifying_delivery(self):
        product = self._twins()[0]
        lots = self._stock_lots(product, 2)
        picking = self._delivery(lots)
        # A line that takes no unit of its own reservation: Odoo's path.
        picking.move_line_ids[0].quantity = 0
        self.assertIsNone(picking.move_line_ids._serial_fast_delivery_lines())


@tagged("post_install", "-at_install", "serial_tracking")
class TestFastValuation(FastValidationCommon):
    """Receipts and deliveries through the fast path with perpetual valuation: the
    moves' values, the products' and units' costs and the journal entries are
    Odoo's, for FIFO and average cost, valued by product or by unit."""

    def _valued_twins(self, cost_method, lot_valuated):
        if "lot_valuated" not in self.env["product.template"]._fields:
            self.skipTest("valuation needs stock_account")
        category = self.env["product.category"].create(
            {
                "name": f"Fast {cost_method}",
                "property_cost_method": cost_method,
                "property_valuation": "real_time",
            }
        )
        # Journal entries for receipts and deliveries: the vendor and customer
        # locations get a valuation account.
        account = self.env["account.account"].create(
            {
                "name": "Goods in transit",
                "code": "FAST01",
                "account_type": "asset_current",
            }
        )
        (self.supplier_location | self.customer_location).valuation_account_id = account
        return self._twins(
            categ_id=category.id, standard_price=10.0, lot_valuated=lot_valuated
        )

    def _receive_and_deliver(self, cost_method, lot_valuated):
        odoo_product, fast_product = self._valued_twins(cost_method, lot_valuated)
        for product, fast in ((odoo_product, False), (fast_product, True)):
            first = self._named_receipt(product, [f"V{i}" for i in range(6)])
            first.move_ids.price_unit = 7.5
            self._validate(first, fast)
            second = self._named_receipt(product, [f"W{i}" for i in range(4)])
            second.move_ids.price_unit = 12.0
            self._validate(second, fast)
            lots = first.move_line_ids.lot_id.sorted("name")[:3]
            lots |= second.move_line_ids.lot_id.sorted("name")[:1]
            self._validate(self._delivery(lots), fast)
        snapshot = self.assertSameResult(odoo_product, fast_product)
        self.assertEqual(len(snapshot["account_moves"]), 3)
        self.assertEqual(fast_product.qty_available, 6)
        return snapshot

    def test_fifo(self):
        self._receive_and_deliver("fifo", lot_valuated=False)

    def test_average(self):
        self._receive_and_deliver("average", lot_valuated=False)

    def test_fifo_by_unit(self):
        self._receive_and_deliver("fifo", lot_valuated=True)

    def test_average_by_unit(self):
        self._receive_and_deliver("average", lot_valuated=True)
