import threading
import uuid

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import SQL


@tagged("post_install", "-at_install", "serial_tracking")
class TestScanConcurrency(BaseCase):
    """Defect 5 of issue 10: two people scanning *different* serials of one delivery
    at the same moment, in two real transactions, neither waits for the other nor
    needs a retry (the scans are called directly, not through Odoo's ``retrying``).

    The delivery holds 4 units of one product; 8 serials are in stock, the first 4
    reserved by the delivery. Committed data, removed in ``cleanup``.
    """

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            warehouse = env["stock.warehouse"].search([], limit=1)
            customers = env.ref("stock.stock_location_customers")
            product = env["product.product"].create(
                {"name": f"Busy Drill {tag}", "is_storable": True, "tracking": "serial"}
            )
            lots = env["stock.lot"].create(
                [
                    {"name": f"BUSY-{tag}-{i}", "product_id": product.id}
                    for i in range(8)
                ]
            )
            for lot in lots:
                env["stock.quant"]._update_available_quantity(
                    product, warehouse.lot_stock_id, 1, lot_id=lot
                )
            picking = env["stock.picking"].create(
                {
                    "picking_type_id": warehouse.out_type_id.id,
                    "location_id": warehouse.lot_stock_id.id,
                    "location_dest_id": customers.id,
                    "move_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": 4,
                                "location_id": warehouse.lot_stock_id.id,
                                "location_dest_id": customers.id,
                            }
                        )
                    ],
                }
            )
            picking.action_confirm()
            picking.action_assign()
            reserved = picking.move_line_ids.lot_id
            self.reserved = reserved.mapped("name")
            self.free = (lots - reserved).mapped("name")
            self.product_id, self.picking_id = product.id, picking.id
        self.addCleanup(self.cleanup)

    def cleanup(self):
        with self.registry.cursor() as cr:
            product = api.Environment(cr, SUPERUSER_ID, {})["product.product"].browse(
                self.product_id
            )
            cr.execute(
                SQL(
                    """
                DELETE FROM serial_dispatch_scan WHERE picking_id = %(p)s;
                DELETE FROM stock_move_line WHERE product_id = %(prod)s;
                DELETE FROM stock_move WHERE product_id = %(prod)s;
                DELETE FROM stock_picking WHERE id = %(p)s;
                DELETE FROM stock_quant WHERE product_id = %(prod)s;
                DELETE FROM serial_event WHERE lot_id IN
                       (SELECT id FROM stock_lot WHERE product_id = %(prod)s);
                DELETE FROM stock_lot WHERE product_id = %(prod)s;
                DELETE FROM product_product WHERE id = %(prod)s;
                DELETE FROM product_template WHERE id = %(tmpl)s;
                """,
                    p=self.picking_id,
                    prod=self.product_id,
                    tmpl=product.product_tmpl_id.id,
                )
            )

    def scan(self, env, code):
        picking = env["stock.picking"].browse(self.picking_id)
        return picking.serial_dispatch_scan(code, str(uuid.uuid4()))

    def _concurrent(self, code_a, code_b):
        """A scans and keeps its transaction open; B scans in another thread and
        must finish (and commit) before A commits."""
        results = []

        def run_b():
            try:
                with self.registry.cursor() as cr:
                    results.append(
                        self.scan(api.Environment(cr, SUPERUSER_ID, {}), code_b)
                    )
            except Exception as error:  # noqa: BLE001 - reported by the test
                results.append(error)

        with self.registry.cursor() as cr_a:
            first = self.scan(api.Environment(cr_a, SUPERUSER_ID, {}), code_a)
            self.assertEqual(first["status"], "ok", first)
            thread = threading.Thread(target=run_b, name="second scanner")
            thread.start()
            thread.join(timeout=20)
            self.assertFalse(
                thread.is_alive(),
                "the second scan waited for the first one's transaction",
            )
        self.assertEqual(len(results), 1)
        self.assertIsInstance(results[0], dict, results[0])
        self.assertEqual(results[0]["status"], "ok", results[0])
        self.assertRecorded({code_a, code_b})

    def assertRecorded(self, codes):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
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
        with self.registry.cursor() as cr_b:
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            cr_b.execute("SELECT 1 FROM res_users LIMIT 1")  # B's snapshot
            with self.registry.cursor() as cr_a:
                first = self.scan(api.Environment(cr_a, SUPERUSER_ID, {}), self.free[0])
                self.assertEqual(first["status"], "ok", first)
            second = self.scan(env_b, self.free[1])
            self.assertEqual(second["status"], "ok", second)
        self.assertRecorded({self.free[0], self.free[1]})
