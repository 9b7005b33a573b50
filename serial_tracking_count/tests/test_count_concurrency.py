import threading
import time
import uuid

from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import SQL


@tagged("post_install", "-at_install", "serial_tracking")
class TestCountConcurrency(BaseCase):
    """A count applied while a delivery ships one of the counted units, in two
    real transactions, in both orders. Delivery first: the count waits on the
    unit's quant row, fails to serialize, and runs again through ``retrying`` as
    Odoo runs every request, now seeing the unit shipped after it was scanned.
    Count first: Odoo's delivery skips the locked quant and writes a new one.
    Either way nothing is lost and nothing is counted twice. Data is committed
    on a shelf of its own and removed after."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", env.company.id)], limit=1
            )
            shelf = env["stock.location"].create(
                {"name": f"Race shelf {tag}", "location_id": warehouse.lot_stock_id.id}
            )
            product = env["product.product"].create(
                {"name": f"Race Meter {tag}", "is_storable": True, "tracking": "serial"}
            )
            lots = env["stock.lot"].create(
                [{"name": f"CNT-{tag}-{i}", "product_id": product.id} for i in range(3)]
            )
            for lot in lots:
                env["stock.quant"]._update_available_quantity(
                    product, shelf, 1, lot_id=lot
                )
            lots._refresh_unit_state()
            count = env["serial.count"].create({"location_id": shelf.id})
            for lot in lots:
                assert count.action_scan(lot.name)["status"] == "ok"
            customers = env.ref("stock.stock_location_customers")
            picking = env["stock.picking"].create(
                {
                    "picking_type_id": warehouse.out_type_id.id,
                    "location_id": shelf.id,
                    "location_dest_id": customers.id,
                    "move_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": 1,
                                "location_id": shelf.id,
                                "location_dest_id": customers.id,
                            }
                        )
                    ],
                }
            )
            picking.action_confirm()
            picking.action_assign()
            picking.move_line_ids.lot_id = lots[0]
            picking.move_ids.picked = True
            self.ids = {
                "product": product.id,
                "tmpl": product.product_tmpl_id.id,
                "shelf": shelf.id,
                "count": count.id,
                "picking": picking.id,
                "lots": lots.ids,
            }
        self.addCleanup(self.cleanup)

    def cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    """DELETE FROM serial_count WHERE id = %(c)s;
                   DELETE FROM stock_move_line WHERE product_id = %(p)s;
                   DELETE FROM stock_move WHERE product_id = %(p)s;
                   DELETE FROM stock_picking WHERE id = %(k)s;
                   DELETE FROM stock_quant WHERE product_id = %(p)s;
                   DELETE FROM stock_lot WHERE product_id = %(p)s;
                   DELETE FROM product_product WHERE id = %(p)s;
                   DELETE FROM product_template WHERE id = %(t)s;
                   DELETE FROM stock_location WHERE id = %(s)s;""",
                    c=self.ids["count"],
                    p=self.ids["product"],
                    k=self.ids["picking"],
                    t=self.ids["tmpl"],
                    s=self.ids["shelf"],
                )
            )

    def _apply(self, env):
        return env["serial.count"].browse(self.ids["count"]).action_apply()

    def _ship(self, env):
        return env["stock.picking"].browse(self.ids["picking"]).button_validate()

    def _race(self, first, second, must_wait=True):
        errors = []

        def run():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                try:
                    retrying(lambda: second(env), env)
                except Exception as error:  # noqa: BLE001 - reported by the test
                    errors.append(error)

        with self.registry.cursor() as cr_a:
            first(api.Environment(cr_a, SUPERUSER_ID, {}))
            thread = threading.Thread(target=run, name="second transaction")
            thread.start()
            time.sleep(1.0)
            if must_wait:
                self.assertTrue(thread.is_alive(), "the second waits for the first")
            cr_a.commit()
        thread.join(timeout=60)
        self.assertFalse(thread.is_alive())
        self.assertEqual(errors, [])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            lots = env["stock.lot"].browse(self.ids["lots"])
            picking = env["stock.picking"].browse(self.ids["picking"])
            self.assertEqual(picking.state, "done")
            self.assertEqual(lots[0].unit_state, "delivered")
            self.assertEqual(lots[1:].mapped("unit_state"), ["in_stock"] * 2)
            inventory = env["stock.move"].search(
                [("product_id", "=", self.ids["product"]), ("is_inventory", "=", True)]
            )
            self.assertFalse(inventory, "no unit lost or counted in again")
            on_hand = {
                (lot.id, location.usage): quantity
                for lot, location, quantity in env["stock.quant"]._read_group(
                    [("product_id", "=", self.ids["product"])],
                    ["lot_id", "location_id"],
                    ["quantity:sum"],
                )
                if quantity
            }
            lot_ids = self.ids["lots"]
            self.assertEqual(
                on_hand,
                {
                    (lot_ids[0], "customer"): 1,
                    (lot_ids[1], "internal"): 1,
                    (lot_ids[2], "internal"): 1,
                },
                "every unit once, where it is",
            )
            count = env["serial.count"].browse(self.ids["count"])
            self.assertEqual(count.state, "done")
            return dict(count.applied_counts)

    def test_delivery_ships_while_count_applies(self):
        applied = self._race(self._ship, self._apply)
        self.assertEqual(applied["found"], 2, "the shipped unit left")

    def test_count_applies_while_delivery_ships(self):
        # Odoo's delivery does not wait: a quant another transaction holds is
        # skipped (FOR NO KEY UPDATE SKIP LOCKED) and the move writes a new one.
        applied = self._race(self._apply, self._ship, must_wait=False)
        self.assertEqual(applied["found"], 3)
