import time
import uuid
from functools import partial

from odoo.service.model import retrying
from odoo.tests import tagged

from odoo.addons.serial_tracking.tests.committed import CommittedCase


@tagged("post_install", "-at_install", "serial_tracking")
class TestDispatchConcurrency(CommittedCase):
    """Two scanners, two real transactions: exactly one scan of a serial wins.

    The data is committed (each transaction must see it) and removed by
    ``purge_products``. Transaction A scans and keeps its transaction open;
    transaction B scans the same serial in a thread and must block on the database
    (not on timing); A commits; B must then report "already scanned". B runs through
    ``retrying``, exactly as Odoo runs every HTTP request, so a scan that needed a
    retry would show here too.
    """

    def setUp(self):
        super().setUp()
        with self.committed({"tracking_disable": True}) as env:
            warehouse, product, lots = self.stock_units(env, "Race Drill", "RACE", 3)
            pickings = self.deliveries(env, warehouse, product, [1, 1])
            pickings.do_unreserve()  # every serial is free to scan
            self.product_id, self.lot_names = product.id, lots.mapped("name")
            self.picking_ids = pickings.ids
        self.purge_products([self.product_id])

    def _race(self, picking_a, picking_b, code):
        def scan_b(env):
            picking = env["stock.picking"].browse(picking_b)
            return retrying(
                partial(picking.serial_dispatch_scan, code, str(uuid.uuid4())), env
            )

        with self.committed() as env_a:
            first = (
                env_a["stock.picking"]
                .browse(picking_a)
                .serial_dispatch_scan(code, str(uuid.uuid4()))
            )
            self.assertEqual(first["status"], "ok", first)
            second = self.in_thread(scan_b, name="second scanner")
            time.sleep(1.0)
            self.assertTrue(
                second._thread.is_alive(),
                "the second scan must wait for the first transaction (database lock)",
            )
        result = second.join(timeout=60)
        self.assertIsInstance(result, dict, result)
        self.assertEqual(result["status"], "error", result)
        self.assertEqual(result["reason"], "already_scanned", result["message"])
        with self.committed() as env:
            scans = env["serial.dispatch.scan"].search([("lot_id.name", "=", code)])
            self.assertEqual(
                len(scans), 1, "exactly one scan of the serial is recorded"
            )
            self.assertEqual(scans.picking_id.id, picking_a)
            lines = env["stock.move.line"].search(
                [("lot_id.name", "=", code), ("picked", "=", True)]
            )
            self.assertEqual(lines.picking_id.ids, [picking_a])

    def test_same_serial_on_two_deliveries(self):
        self._race(self.picking_ids[0], self.picking_ids[1], self.lot_names[0])

    def test_same_serial_twice_on_one_delivery(self):
        self._race(self.picking_ids[0], self.picking_ids[0], self.lot_names[1])
