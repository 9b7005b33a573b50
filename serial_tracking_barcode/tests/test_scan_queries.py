from odoo.tests import tagged

from .common import SerialDispatchCommon

# Queries of one scan, per kind (warm registry, cold record cache). A pick, a swap
# and a new line on a delivery without reservation go through the SQL helper
# (tools/move_line_sql.py); through Odoo's write a swap cost 40 queries, through
# its create a new line 48. A plain code is looked up as a serial by the lock
# query, and a pick sends its scan row with the line's write (one round trip
# each less). A new line takes what Odoo computes on it and on its move from
# the free-line query (27 -> 9: the move, its quantity, the line's quantity in
# the product's unit and expiry dates are not read again; 9 -> 7: the move's
# scrap_id and the line's state from it too, the move's quantity written with
# its lock). Here with mrp installed: its
# dependencies on stock.move.picked read the move once more than in a stock-only
# database.
BUDGET = {
    "serial_reserved": 3,
    "serial_swap": 5,
    "serial_no_reservation": 7,
    "manufacturer_serial": 4,
    "gs1": 5,
    "product_barcode": 7,
    "refused": 3,
    "control_characters": 0,
}


@tagged("post_install", "-at_install", "serial_tracking")
class TestScanQueries(SerialDispatchCommon):
    """Query budget of the scan engine per scannable kind: a change that adds
    queries to the hot path fails here."""

    def scan_counted(self, kind, code):
        self.scan("DSP0009")  # warm-up: the first scan of a test fills caches
        self.env.invalidate_all()
        with self.assertQueryCount(BUDGET[kind]):
            result = self.scan(code)
        return result

    def test_serial_reserved(self):
        self.assertEqual(
            self.scan_counted("serial_reserved", "DSP0001")["status"], "ok"
        )

    def test_serial_swap(self):
        self.assertEqual(self.scan_counted("serial_swap", "DSP0007")["status"], "ok")

    def test_serial_no_reservation(self):
        self.delivery.do_unreserve()
        result = self.scan_counted("serial_no_reservation", "DSP0007")
        self.assertEqual(result["status"], "ok")

    def test_manufacturer_serial(self):
        self.lots[2].manufacturer_serial = "MFR-Q-2"
        result = self.scan_counted("manufacturer_serial", "MFR-Q-2")
        self.assertEqual(result["status"], "ok")

    def test_gs1(self):
        result = self.scan_counted("gs1", f"(01)0{self.GTIN_SERIAL}(21)DSP0002")
        self.assertEqual(result["status"], "ok")

    def test_product_barcode(self):
        result = self.scan_counted("product_barcode", self.BARCODE_PLAIN)
        self.assertEqual(result["status"], "ok")

    def test_refused(self):
        self.assertEqual(
            self.scan_counted("refused", "NO-SUCH-CODE")["status"], "error"
        )

    def test_control_characters(self):
        result = self.scan_counted("control_characters", "DSP\x000001")
        self.assertEqual(result["status"], "error")
