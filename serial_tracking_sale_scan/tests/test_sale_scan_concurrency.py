from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.serial_tracking.tests.committed import CommittedCase


@tagged("post_install", "-at_install", "serial_tracking")
class TestSaleScanConcurrency(CommittedCase):
    """The same unit scanned onto two quotations at the same moment, two real
    transactions (``CommittedCase``): exactly one order gets it, the other is
    answered at once and keeps nothing."""

    def setUp(self):
        super().setUp()
        with self.committed({"tracking_disable": True}) as env:
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", env.company.id)], limit=1
            )
            product = env["product.product"].create(
                {
                    "name": f"Race Phone {self.tag}",
                    "is_storable": True,
                    "tracking": "serial",
                    "list_price": 10,
                }
            )
            lot = env["stock.lot"].create(
                {"name": f"SELL-{self.tag}", "product_id": product.id}
            )
            env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, 1, lot_id=lot
            )
            partner = env["res.partner"].create({"name": f"Race buyer {self.tag}"})
            orders = env["sale.order"].create(
                [{"partner_id": partner.id, "warehouse_id": warehouse.id}] * 2
            )
            self.order_ids = orders.ids
            self.code = lot.name
        self.purge_products(
            [product.id],
            before=[SQL("DELETE FROM sale_order WHERE id = ANY(%s)", orders.ids)],
            after=[SQL("DELETE FROM res_partner WHERE id = %s", partner.id)],
        )

    def _scanner(self, order_id):
        def scan(env):
            return env["sale.order"].browse(order_id).action_scan_unit(self.code)

        return scan

    def _held(self):
        with self.committed() as env:
            held = env["sale.scan.unit"].search([("lot_id.name", "=", self.code)])
            lines = env["sale.order"].browse(self.order_ids).order_line
            return held.order_id.ids, lines.order_id.ids

    def test_one_after_the_other(self):
        first_id, second_id = self.order_ids
        with self.committed() as env_a:
            first = self._scanner(first_id)(env_a)
            self.assertEqual(first["status"], "ok", first)
            run = self.in_thread(self._scanner(second_id))
            with self.assertRaises(AssertionError, msg="the second waits"):
                run.join(timeout=1.0)
        second = run.join()
        self.assertEqual(second["reason"], "just_taken", second)
        self.assertEqual(self._held(), ([first_id], [first_id]))

    def test_same_moment(self):
        results = self.together(
            [self._scanner(order_id) for order_id in self.order_ids]
        )
        self.assertEqual(
            sorted(result["status"] for result in results), ["error", "ok"], results
        )
        winner = self.order_ids[[r["status"] for r in results].index("ok")]
        self.assertEqual(self._held(), ([winner], [winner]), "the loser kept nothing")
