from unittest.mock import patch

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
