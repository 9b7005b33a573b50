import threading
import time
import uuid
from functools import partial

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import SQL


@tagged("post_install", "-at_install", "serial_tracking")
class TestDispatchConcurrency(BaseCase):
    """Two scanners, two real transactions: exactly one scan of a serial wins.

    The data is committed (each transaction must see it) and removed in ``cleanup``.
    Transaction A scans and keeps its transaction open; transaction B scans the same
    serial in a thread and must block on the database (not on timing); A commits; B
    must then report "already scanned". B runs through ``retrying``, exactly as Odoo
    runs every HTTP request, since a serialization failure is answered by a retry.
    """

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            warehouse = env["stock.warehouse"].search([], limit=1)
            product = env["product.product"].create(
                {"name": f"Race Drill {tag}", "is_storable": True, "tracking": "serial"}
            )
            lots = env["stock.lot"].create(
                [
                    {"name": f"RACE-{tag}-{i}", "product_id": product.id}
                    for i in range(3)
                ]
            )
            for lot in lots:
                env["stock.quant"]._update_available_quantity(
                    product, warehouse.lot_stock_id, 1, lot_id=lot
                )
            pickings = env["stock.picking"].create(
                [
                    {
                        "picking_type_id": warehouse.out_type_id.id,
                        "location_id": warehouse.lot_stock_id.id,
                        "location_dest_id": env.ref(
                            "stock.stock_location_customers"
                        ).id,
                        "move_ids": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "product_uom_qty": 1,
                                    "location_id": warehouse.lot_stock_id.id,
                                    "location_dest_id": env.ref(
                                        "stock.stock_location_customers"
                                    ).id,
                                }
                            )
                        ],
                    }
                    for _i in range(2)
                ]
            )
            pickings.action_confirm()
            pickings.do_unreserve()  # every serial is free to scan
            self.product_id, self.lot_names = product.id, lots.mapped("name")
            self.picking_ids = pickings.ids
        self.addCleanup(self.cleanup)

    def cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            product = env["product.product"].browse(self.product_id)
            cr.execute(
                SQL(
                    """
                DELETE FROM serial_dispatch_scan WHERE picking_id = ANY(%(p)s);
                DELETE FROM stock_move_line WHERE product_id = %(prod)s;
                DELETE FROM stock_move WHERE product_id = %(prod)s;
                DELETE FROM stock_picking WHERE id = ANY(%(p)s);
                DELETE FROM stock_quant WHERE product_id = %(prod)s;
                DELETE FROM stock_lot WHERE product_id = %(prod)s;
                DELETE FROM product_product WHERE id = %(prod)s;
                DELETE FROM product_template WHERE id = %(tmpl)s;
                """,
                    p=self.picking_ids,
                    prod=self.product_id,
                    tmpl=product.product_tmpl_id.id,
                )
            )

    def _scan_in_thread(self, picking_id, code, results):
        def run():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                picking = env["stock.picking"].browse(picking_id)
                scan = partial(picking.serial_dispatch_scan, code, str(uuid.uuid4()))
                try:
                    results.append(retrying(scan, env))
                except Exception as error:  # noqa: BLE001 - reported by the test
                    results.append(error)

        thread = threading.Thread(target=run, name="second scanner")
        thread.start()
        return thread

    def _race(self, picking_a, picking_b, code):
        results = []
        with self.registry.cursor() as cr_a:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            first = (
                env_a["stock.picking"]
                .browse(picking_a)
                .serial_dispatch_scan(code, str(uuid.uuid4()))
            )
            self.assertEqual(first["status"], "ok", first)
            thread = self._scan_in_thread(picking_b, code, results)
            time.sleep(1.0)
            self.assertTrue(
                thread.is_alive(),
                "the second scan must wait for the first transaction (database lock)",
            )
            cr_a.commit()
        thread.join(timeout=60)
        self.assertFalse(thread.is_alive())
        self.assertEqual(len(results), 1)
        second = results[0]
        self.assertIsInstance(second, dict, second)
        self.assertEqual(second["status"], "error", second)
        self.assertEqual(second["reason"], "already_scanned", second["message"])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
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
