from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.stock.models.stock_lot import StockLot as OdooStockLot

from .common import SerialTrackingCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestStockLotBulk(SerialTrackingCommon):
    def test_bulk_create_checks_uniqueness_without_nesting(self):
        """Creating thousands of units (what validating a big receipt does) checks
        serial uniqueness once, not once per 1,000 units nested inside each other: the
        nesting made Python's recursion limit the size limit of a receipt (about
        100,000 serials)."""
        depth, deepest = 0, 0
        original = OdooStockLot._check_unique_lot

        def check_unique_lot(lots):
            nonlocal depth, deepest
            depth += 1
            deepest = max(deepest, depth)
            try:
                return original(lots)
            finally:
                depth -= 1

        with patch.object(OdooStockLot, "_check_unique_lot", check_unique_lot):
            lots = self.env["stock.lot"].create(
                [
                    {"name": f"BULK-{i:05d}", "product_id": self.scanner.id}
                    for i in range(3500)
                ]
            )
            self.env.flush_all()
        self.assertEqual(len(lots), 3500)
        self.assertEqual(deepest, 1)
        self.assertEqual(lots.company_id, self.scanner.company_id)

    def test_bulk_create_matches_orm_create(self):
        """The core's bulk engine gives the same units as ``create``, and checks
        Odoo's unique-serial rule on the whole set."""
        self.reagent.product_tmpl_id.write({"tracking": "serial"})
        vals = {"product_id": self.reagent.id, "company_id": self.env.company.id}
        orm = self.env["stock.lot"].create({**vals, "name": "ORM-1"})
        bulk = self.env["stock.lot"]._serial_bulk_create(
            [{**vals, "name": "BULK-1"}, {**vals, "name": "BULK-2"}]
        )
        self.assertEqual(bulk.mapped("name"), ["BULK-1", "BULK-2"])
        for fname in ("company_id", "unit_state"):
            self.assertEqual(bulk[0][fname], orm[fname], fname)
        for fname in ("expiration_date", "use_date"):
            self.assertTrue(bulk[0][fname], fname)
            self.assertEqual(bulk[0][fname].date(), orm[fname].date(), fname)
        self.assertTrue(bulk[0].create_date and bulk[0].create_uid)
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.env["stock.lot"]._serial_bulk_create([{**vals, "name": "BULK-1"}])

    def test_fill_lines_assigns_units_and_refuses_foreign_ones(self):
        picking = self._create_receipt(self.scanner, 3)
        move = picking.move_ids
        lots = self.env["stock.lot"]._serial_bulk_create(
            [{"name": f"FILL-{i}", "product_id": self.scanner.id} for i in range(3)]
        )
        self.assertEqual(move._serial_missing_counts(), {move: 3})
        move._serial_assign_lots({move: lots.ids})
        self.assertEqual(move.move_line_ids.lot_id, lots)
        self.assertEqual(move._serial_missing_counts(), {})
        other = self.env["stock.lot"].create(
            {"name": "OTHER-1", "product_id": self.printer.id}
        )
        picking = self._create_receipt(self.scanner, 1)
        with self.assertRaisesRegex(ValidationError, "another product or company"):
            picking.move_ids._serial_assign_lots({picking.move_ids: [other.id]})

    def test_deferred_uniqueness_check(self):
        """A big receipt creates its units chunk by chunk and checks serial
        uniqueness once for all of them: a duplicate is still refused, by that
        check."""
        vals = {"product_id": self.scanner.id}
        self.env["stock.lot"].create({**vals, "name": "DEFER-1"})
        deferred = []
        Lot = self.env["stock.lot"].with_context(serial_unique_deferred=deferred)
        first = Lot._serial_bulk_create([{**vals, "name": "DEFER-2"}])
        second = Lot._serial_bulk_create([{**vals, "name": "DEFER-1"}])
        self.assertEqual(deferred, first.ids + second.ids)
        with self.assertRaisesRegex(ValidationError, "DEFER-1"):
            self.env["stock.lot"]._serial_check_unique_sql(deferred)
