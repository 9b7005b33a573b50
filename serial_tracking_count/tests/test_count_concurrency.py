from odoo.exceptions import UserError
from odoo.service.model import retrying
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.serial_tracking.tests.committed import CommittedCase


@tagged("post_install", "-at_install", "serial_tracking")
class TestCountConcurrency(CommittedCase):
    """Counts against other transactions, on committed data (``CommittedCase``):

    * a count applied while a delivery ships one of the counted units, in both
      orders. Delivery first: the count waits on the unit's quant row, fails to
      serialize, and runs again through ``retrying`` as Odoo runs every request,
      now seeing the unit shipped after it was scanned. Count first: Odoo's
      delivery skips the locked quant and writes a new one. Either way nothing is
      lost and nothing is counted twice;
    * two people scanning the same unit at the same moment: counted once;
    * a second Apply while the first runs: refused at once, not after it.
    """

    def setUp(self):
        super().setUp()
        tag = self.tag
        with self.committed({"tracking_disable": True}) as env:
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
                [{"name": f"CNT-{tag}-{i}", "product_id": product.id} for i in range(4)]
            )
            for lot in lots:
                env["stock.quant"]._update_available_quantity(
                    product, shelf, 1, lot_id=lot
                )
            lots._refresh_unit_state()
            count = env["serial.count"].create({"location_id": shelf.id})
            for lot in lots[:3]:
                assert count.action_scan(lot.name)["status"] == "ok"
            picking = self.deliveries(env, warehouse, product, [1], location=shelf)
            picking.action_assign()
            picking.move_line_ids.lot_id = lots[0]
            picking.move_ids.picked = True
            self.ids = {
                "product": product.id,
                "count": count.id,
                "picking": picking.id,
                "lots": lots.ids,
            }
        self.purge_products(
            [product.id],
            before=[SQL("DELETE FROM serial_count WHERE id = %s", count.id)],
            after=[SQL("DELETE FROM stock_location WHERE id = %s", shelf.id)],
        )

    def _apply(self, env):
        return env["serial.count"].browse(self.ids["count"]).action_apply()

    def _ship(self, env):
        return env["stock.picking"].browse(self.ids["picking"]).button_validate()

    def _race(self, first, second, must_wait=True):
        with self.committed() as env_a:
            first(env_a)
            run = self.in_thread(lambda env: retrying(lambda: second(env), env))
            if must_wait:
                with self.assertRaises(AssertionError, msg="the second waits"):
                    run.join(timeout=1.0)
        self.assertNotIsInstance(run.join(), Exception)
        with self.committed() as env:
            lots = env["stock.lot"].browse(self.ids["lots"])
            picking = env["stock.picking"].browse(self.ids["picking"])
            self.assertEqual(picking.state, "done")
            self.assertEqual(lots[0].unit_state, "delivered")
            self.assertEqual(lots[1:3].mapped("unit_state"), ["in_stock"] * 2)
            inventory = env["stock.move"].search(
                [("product_id", "=", self.ids["product"]), ("is_inventory", "=", True)]
            )
            self.assertEqual(
                inventory.lot_ids.ids, [self.ids["lots"][3]], "only the missing unit"
            )
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
                    (lot_ids[3], "inventory"): 1,
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

    def test_same_unit_scanned_by_two_at_once(self):
        code = f"CNT-{self.tag}-3"

        def scan(env):
            return env["serial.count"].browse(self.ids["count"]).action_scan(code)

        results = self.together([scan, scan])
        self.assertEqual(
            sorted(result["status"] for result in results), ["error", "ok"], results
        )
        with self.committed() as env:
            lines = env["serial.count.line"].search(
                [("count_id", "=", self.ids["count"]), ("lot_id.name", "=", code)]
            )
            self.assertEqual(len(lines), 1, "counted once")

    def test_second_apply_refused_while_the_first_runs(self):
        with self.committed() as env_a:
            env_a["serial.count"].browse(self.ids["count"])._lock_for_apply()
            second = self.in_thread(self._apply).join()
        self.assertIsInstance(second, UserError)
        self.assertIn("Someone else is applying", str(second))
