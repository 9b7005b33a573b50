from odoo.tests import tagged

from .common import SerialTrackingCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestPendingReceipts(SerialTrackingCommon):
    """``stock.move.line._serial_pending_receipts``: a serial already waiting on an
    open receipt, as a unit or as a name still to create, is found with its receipt."""

    def pending(self, serials, product=None, **kwargs):
        return self.env["stock.move.line"]._serial_pending_receipts(
            serials, product or self.scanner, self.env.company, **kwargs
        )

    def test_names_and_units_on_open_receipts(self):
        first = self._create_receipt(self.scanner, 2)
        self._set_serials(first.move_ids, ["PEND-1", "PEND-2"])
        unit = self.env["stock.lot"].create(
            {
                "name": "PEND-3",
                "product_id": self.scanner.id,
                "manufacturer_serial": "M3",
            }
        )
        second = self._create_receipt(self.scanner, 1)
        self._set_serials(second.move_ids, lots=unit)
        with self.assertQueryCount(1):
            found = self.pending(["PEND-1", "PEND-3", "FREE-1", "PEND-1", ""])
        self.assertEqual(found, {"PEND-1": first, "PEND-3": second})
        self.assertEqual(
            self.pending(["M3"], field="manufacturer_serial"), {"M3": second}
        )
        # The move being captured has its own message; other products do not count.
        self.assertEqual(self.pending(["PEND-1"], exclude_moves=first.move_ids), {})
        self.assertEqual(self.pending(["PEND-1"], product=self.printer), {})
        self.assertEqual(
            self.pending(["PEND-1"], product=self.printer, any_product=True),
            {"PEND-1": first},
        )

    def test_done_cancelled_and_deliveries_do_not_count(self):
        self._receive(self.scanner, ["DONE-1"])
        cancelled = self._create_receipt(self.scanner, 1)
        self._set_serials(cancelled.move_ids, ["CANC-1"])
        cancelled.action_cancel()
        _receipt, lots = self._receive(self.scanner, ["OUT-1"])
        self._create_delivery(lots)
        self.assertEqual(self.pending(["DONE-1", "CANC-1", "OUT-1"]), {})
