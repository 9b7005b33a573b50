import time
import uuid

from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.serial_tracking.tests.committed import CommittedCase


@tagged("post_install", "-at_install", "serial_tracking")
class TestFlowConcurrency(CommittedCase):
    """One serial scanned on two receipts, or on two transfers, at the same moment,
    in two real transactions: exactly one scan wins, the other is told at once
    (no request retry), nothing of it is written."""

    def setUp(self):
        super().setUp()
        with self.committed({"tracking_disable": True}) as env:
            warehouse, product, lot = self.stock_units(env, "Race Flow", "RF", 1)
            lot._refresh_unit_state()
            self.shelf = env["stock.location"].create(
                {
                    "name": f"Race {self.tag}",
                    "barcode": f"RL-{self.tag}",
                    "location_id": warehouse.lot_stock_id.id,
                }
            )
            # two one-unit receipts, and one of two units two people receive together
            receipts = self.receipts(env, warehouse, product, [1, 1, 2])
            transfers = env["stock.picking"].create(
                [
                    {
                        "picking_type_id": warehouse.int_type_id.id,
                        "location_id": warehouse.lot_stock_id.id,
                        "location_dest_id": self.shelf.id,
                        "serial_scan_transfer": True,
                        "serial_transfer_dest_set": True,
                    }
                    for _i in range(2)
                ]
            )
            self.product_id, self.lot_id, self.lot_name = product.id, lot.id, lot.name
            self.receipt_ids, self.transfer_ids = receipts.ids, transfers.ids
            self.shelf_id = self.shelf.id
        self.purge_products(
            [self.product_id],
            after=[
                SQL("DELETE FROM stock_picking WHERE id = ANY(%s)", self.transfer_ids),
                SQL("DELETE FROM stock_location WHERE id = %s", self.shelf_id),
            ],
        )

    def receive(self, picking_id, code):
        def scan(env):
            return env["serial.scan.receive"].serial_receive_scan(
                picking_id, code, str(uuid.uuid4())
            )

        return scan

    def move(self, picking_id, code):
        def scan(env):
            return env["serial.scan.transfer"].serial_transfer_scan(
                picking_id, code, str(uuid.uuid4())
            )

        return scan

    def assertOneWins(self, results):
        statuses = sorted(result["status"] for result in results)
        self.assertEqual(statuses, ["error", "ok"], results)
        loser = next(result for result in results if result["status"] == "error")
        self.assertEqual(loser["reason"], "already_scanned", loser["message"])

    def race(self, scan_a, scan_b):
        """A scans and holds its transaction; B must wait on the database, then
        lose once A commits."""
        with self.committed() as env_a:
            first = scan_a(env_a)
            self.assertEqual(first["status"], "ok", first)
            second = self.in_thread(scan_b)
            time.sleep(1.0)
            self.assertTrue(
                second._thread.is_alive(), "B must wait for A's transaction"
            )
        return [first, second.join()]

    def assertOneOfTwoWins(self, scan, picking_ids, code, together=False):
        """``scan(picking_id, code)`` on both pickings, raced (A holds its
        transaction, B waits) or started together: exactly one wins."""
        scans = [scan(picking_id, code) for picking_id in picking_ids]
        self.assertOneWins(self.together(scans) if together else self.race(*scans))

    def test_new_serial_on_two_receipts(self):
        name = f"NEW-{self.tag}"
        self.assertOneOfTwoWins(self.receive, self.receipt_ids[:2], name)
        with self.committed() as env:
            lots = env["stock.lot"].search([("name", "=", name)])
            self.assertEqual(len(lots), 1, "one unit, not two")
            scans = env["serial.dispatch.scan"].search([("serial", "=", name)])
            self.assertEqual(scans.picking_id.ids, [self.receipt_ids[0]])
            lines = env["stock.move.line"].search([("lot_id", "in", lots.ids)])
            self.assertEqual(lines.picking_id.ids, [self.receipt_ids[0]])

    def test_new_serial_on_two_receipts_together(self):
        name = f"TOG-{self.tag}"
        self.assertOneOfTwoWins(self.receive, self.receipt_ids[:2], name, together=True)
        with self.committed() as env:
            self.assertEqual(env["stock.lot"].search_count([("name", "=", name)]), 1)

    def test_two_serials_on_one_receipt_line_together(self):
        """Two people's first scans on one line: both are received, neither
        waits for a retry (the line's shared move row is not fought over)."""
        names = [f"TWO-A-{self.tag}", f"TWO-B-{self.tag}"]
        results = self.together(
            [self.receive(self.receipt_ids[2], name) for name in names]
        )
        self.assertEqual([r["status"] for r in results], ["ok", "ok"], results)
        with self.committed() as env:
            move = env["stock.picking"].browse(self.receipt_ids[2]).move_ids
            picked = move.move_line_ids.filtered("picked")
            self.assertEqual(sorted(picked.lot_id.mapped("name")), names)
            self.assertTrue(move.picked)

    def test_one_unit_on_two_transfers(self):
        self.assertOneOfTwoWins(self.move, self.transfer_ids, self.lot_name)
        with self.committed() as env:
            lines = env["stock.move.line"].search([("lot_id", "=", self.lot_id)])
            self.assertEqual(lines.picking_id.ids, [self.transfer_ids[0]])
            quant = env["stock.quant"].search(
                [("lot_id", "=", self.lot_id), ("quantity", ">", 0)]
            )
            self.assertEqual(quant.reserved_quantity, 1)

    def test_one_unit_on_two_transfers_together(self):
        self.assertOneOfTwoWins(
            self.move, self.transfer_ids, self.lot_name, together=True
        )
