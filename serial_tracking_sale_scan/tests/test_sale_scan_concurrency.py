import threading
import time
import uuid

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.service.model import retrying
from odoo.tests import BaseCase, get_db_name, tagged
from odoo.tools import SQL


@tagged("post_install", "-at_install", "serial_tracking")
class TestSaleScanConcurrency(BaseCase):
    """The same unit scanned onto two orders at the same moment, two real
    transactions: exactly one order gets it. Data is committed and removed after."""

    def setUp(self):
        super().setUp()
        self.registry = Registry(get_db_name())
        tag = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", env.company.id)], limit=1
            )
            product = env["product.product"].create(
                {
                    "name": f"Race Phone {tag}",
                    "is_storable": True,
                    "tracking": "serial",
                    "list_price": 10,
                }
            )
            lot = env["stock.lot"].create(
                {"name": f"SELL-{tag}", "product_id": product.id}
            )
            env["stock.quant"]._update_available_quantity(
                product, warehouse.lot_stock_id, 1, lot_id=lot
            )
            partner = env["res.partner"].create({"name": f"Race buyer {tag}"})
            orders = env["sale.order"].create(
                [{"partner_id": partner.id, "warehouse_id": warehouse.id}] * 2
            )
            self.ids = {
                "product": product.id,
                "tmpl": product.product_tmpl_id.id,
                "partner": partner.id,
                "orders": orders.ids,
            }
            self.code = lot.name
        self.addCleanup(self.cleanup)

    def cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute(
                SQL(
                    """DELETE FROM sale_order WHERE id = ANY(%(o)s);
                   DELETE FROM stock_quant WHERE product_id = %(p)s;
                   DELETE FROM stock_lot WHERE product_id = %(p)s;
                   DELETE FROM product_product WHERE id = %(p)s;
                   DELETE FROM product_template WHERE id = %(t)s;
                   DELETE FROM res_partner WHERE id = %(c)s;""",
                    o=self.ids["orders"],
                    p=self.ids["product"],
                    t=self.ids["tmpl"],
                    c=self.ids["partner"],
                )
            )

    def test_same_unit_on_two_orders(self):
        first_id, second_id = self.ids["orders"]
        results = []

        def second():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                order = env["sale.order"].browse(second_id)
                results.append(retrying(lambda: order.action_scan_unit(self.code), env))

        with self.registry.cursor() as cr_a:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            first = env_a["sale.order"].browse(first_id).action_scan_unit(self.code)
            self.assertEqual(first["status"], "ok", first)
            thread = threading.Thread(target=second, name="second seller")
            thread.start()
            time.sleep(1.0)
            self.assertTrue(thread.is_alive(), "the second scan waits for the first")
            cr_a.commit()
        thread.join(timeout=60)
        self.assertFalse(thread.is_alive())
        self.assertEqual(results[0]["status"], "error", results[0])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            held = env["sale.scan.unit"].search([("lot_id.name", "=", self.code)])
            self.assertEqual(held.order_id.ids, [first_id])
            second_order = env["sale.order"].browse(second_id)
            self.assertFalse(second_order.order_line, "the refused scan wrote nothing")
