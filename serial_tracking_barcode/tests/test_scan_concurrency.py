import uuid

from odoo.tests import tagged

from odoo.addons.serial_tracking.tests.committed import CommittedCase


@tagged("post_install", "-at_install", "serial_tracking")
class TestScanConcurrency(CommittedCase):
    """Two people scanning *different* serials of one delivery
    at the same moment, in two real transactions, neither waits for the other nor
    needs a retry (the scans are called directly, not through Odoo's ``retrying``).

    The delivery holds 4 units of one product; 8 serials are in stock, the first 4
    reserved by the delivery. Committed data, removed by ``purge_products``.
    """

    def setUp(self):
        super().setUp()
        with self.committed({"tracking_disable": True}) as env:
            warehouse, product, lots = self.stock_units(env, "Busy Drill", "BUSY", 8)
            picking = self.deliveries(env, warehouse, product, [4])
            picking.action_assign()
            reserved = picking.move_line_ids.lot_id
            self.reserved = reserved.mapped("name")
            self.free = (lots - reserved).mapped("name")
            self.product_id, self.picking_id = product.id, picking.id
        self.purge_products([self.product_id])

    def scanner(self, code):
        def scan(env):
            picking = env["stock.picking"].browse(self.picking_id)
            return picking.serial_dispatch_scan(code, str(uuid.uuid4()))

        return scan

    def _concurrent(self, code_a, code_b, reserved=True):
        """A scans and keeps its transaction open; B scans in another thread and
        must finish (and commit) before A commits."""
        with self.committed() as env_a:
            first = self.scanner(code_a)(env_a)
            self.assertEqual(first["status"], "ok", first)
            second = self.in_thread(self.scanner(code_b), name="second scanner")
            # join fails the test if B is still running: it waited for A.
            result = second.join(timeout=20)
        self.assertIsInstance(result, dict, result)
        self.assertEqual(result["status"], "ok", result)
        if reserved:
            self.assertRecorded({code_a, code_b})

    def _after_hidden_commit(self, code_a, code_b):
        """B takes its snapshot, A scans and commits, then B scans (A's commit is
        not in B's snapshot): both scans succeed."""
        with self.committed() as env_b:
            env_b.cr.execute("SELECT 1 FROM res_users LIMIT 1")  # B's snapshot
            with self.committed() as env_a:
                first = self.scanner(code_a)(env_a)
                self.assertEqual(first["status"], "ok", first)
            second = self.scanner(code_b)(env_b)
            self.assertEqual(second["status"], "ok", second)

    def assertRecorded(self, codes):
        with self.committed() as env:
            picking = env["stock.picking"].browse(self.picking_id)
            self.assertEqual(
                set(picking.serial_dispatch_scan_ids.lot_id.mapped("name")), codes
            )
            picked = picking.move_line_ids.filtered("picked")
            self.assertEqual(set(picked.lot_id.mapped("name")), codes)
            self.assertEqual(len(picking.move_line_ids), 4)
            quants = env["stock.quant"].search([("product_id", "=", self.product_id)])
            self.assertEqual(
                quants.filtered("reserved_quantity").lot_id,
                picking.move_line_ids.lot_id,
            )

    def test_two_reserved_serials_at_once(self):
        self._concurrent(self.reserved[0], self.reserved[1])

    def test_two_swaps_on_one_line_at_once(self):
        self._concurrent(self.free[0], self.free[1])

    def test_scan_after_a_commit_the_snapshot_cannot_see(self):
        """B's snapshot is taken, A scans and commits, then B scans: no conflict."""
        self._after_hidden_commit(self.free[0], self.free[1])
        self.assertRecorded({self.free[0], self.free[1]})

    # --- a delivery without reservation: each scan creates its line

    def unreserve(self):
        with self.committed({"tracking_disable": True}) as env:
            env["stock.picking"].browse(self.picking_id).do_unreserve()

    def assertNewLines(self, codes):
        """Each unit on a picked line of its own; the move's quantity and state,
        which a scan writes only when it can lock the move, are what Odoo derives
        from the lines once the dispatch is confirmed."""
        with self.committed() as env:
            picking = env["stock.picking"].browse(self.picking_id)
            lines = picking.move_line_ids
            self.assertEqual(set(lines.filtered("picked").lot_id.mapped("name")), codes)
            self.assertEqual(len(lines), len(codes))
            picking.serial_dispatch_confirm()
            self.assertEqual(picking.move_ids.quantity, len(codes))
            self.assertEqual(picking.move_ids.state, "partially_available")
            self.assertEqual(lines.mapped("state"), ["partially_available"] * 2)
            self.assertEqual(picking.state, "assigned")

    def test_two_new_lines_on_one_move_at_once(self):
        self.unreserve()
        self._concurrent(self.free[0], self.free[1], reserved=False)
        self.assertNewLines({self.free[0], self.free[1]})

    def test_new_line_after_a_commit_the_snapshot_cannot_see(self):
        """B's snapshot is taken, A creates its line and writes the move, then B
        scans: B cannot lock the move (a serialization failure, caught) and
        leaves it; nothing conflicts, nothing is retried."""
        self.unreserve()
        self._after_hidden_commit(self.free[0], self.free[1])
        self.assertNewLines({self.free[0], self.free[1]})
