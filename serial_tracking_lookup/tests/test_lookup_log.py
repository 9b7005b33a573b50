from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import LookupHttpCommon

JSON = {"Accept": "application/json"}


@tagged("post_install", "-at_install", "serial_tracking")
class TestLookupLog(LookupHttpCommon):
    """The lookup log and counters: who may read them, per company, and purging."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_b = cls.env["res.company"].create({"name": "Lookup Company B"})
        cls.product_b = cls.env["product.product"].create(
            {
                "name": "B Drill",
                "is_storable": True,
                "tracking": "serial",
                "barcode": "4012345678901",
                "company_id": cls.company_b.id,
                "warranty_months": 12,
            }
        )
        cls.unit_b = cls.env["stock.lot"].create(
            {
                "name": "LK-B-1",
                "product_id": cls.product_b.id,
                "company_id": cls.company_b.id,
            }
        )
        cls.company_b.serial_lookup_intro = "Company B says hello."
        cls.manager_a = new_test_user(
            cls.env,
            "lk_manager_a",
            groups="stock.group_stock_manager",
            company_id=cls.env.company.id,
            company_ids=[cls.env.company.id],
        )
        cls.manager_b = new_test_user(
            cls.env,
            "lk_manager_b",
            groups="stock.group_stock_manager",
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )
        cls.stock_user = new_test_user(
            cls.env, "lk_stock_user", groups="stock.group_stock_user"
        )

    def test_units_of_every_company_and_their_texts(self):
        page = self.lookup("LK-B-1", gtin="04012345678901")
        self.assertIn("Genuine product", page.text)
        self.assertIn("Lookup Company B", page.text)
        self.assertIn("Company B says hello.", page.text)
        self.lookup("LK-SOLD-1", json=True)
        self.lookup("LK-NONE-1", json=True, gtin="09506000134352")
        Log = self.env["serial.lookup.log"]
        log_b = Log.search([("serial", "=", "LK-B-1")])
        self.assertEqual(log_b.company_id, self.company_b)
        self.assertEqual(log_b.lot_id, self.unit_b)
        unmatched = Log.search([("serial", "=", "LK-NONE-1")])
        self.assertFalse(unmatched.company_id)
        # each company reads its own lookups and those of shared products (the
        # scanner has no company) or that matched nothing
        self.assertFalse(Log.search([("serial", "=", "LK-SOLD-1")]).company_id)
        self.assertEqual(
            sorted(Log.with_user(self.manager_a).search([]).mapped("serial")),
            ["LK-NONE-1", "LK-SOLD-1"],
        )
        self.assertEqual(
            sorted(Log.with_user(self.manager_b).search([]).mapped("serial")),
            ["LK-B-1", "LK-NONE-1", "LK-SOLD-1"],
        )

    def test_access(self):
        self.lookup("LK-SOLD-1", json=True)
        log = self.env["serial.lookup.log"].search([])
        with self.assertRaises(AccessError):
            log.with_user(self.stock_user).read(["serial"])
        with self.assertRaises(AccessError):
            log.with_user(self.manager_a).write({"verdict": "recalled"})
        with self.assertRaises(AccessError):
            self.env["serial.lookup.log"].with_user(self.manager_a).create(
                {"date": datetime.now(), "verdict": "genuine"}
            )
        with self.assertRaises(AccessError):
            self.env["serial.lookup.counter"].with_user(self.manager_a).search([])
        log.with_user(self.manager_a).unlink()  # erasure on request
        self.assertFalse(log.exists())

    def test_autovacuum(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "serial_tracking_lookup.log_days", 30
        )
        Log = self.env["serial.lookup.log"].sudo()
        Counter = self.env["serial.lookup.counter"].sudo()
        now = datetime.now()
        Log.create(
            [
                {
                    "date": now - timedelta(days=31),
                    "verdict": "genuine",
                    "serial": "OLD",
                },
                {
                    "date": now - timedelta(days=29),
                    "verdict": "genuine",
                    "serial": "NEW",
                },
            ]
        )
        Counter.create(
            [
                {"client_key": "a", "window_start": now - timedelta(days=2), "hits": 4},
                {
                    "client_key": "a",
                    "window_start": now - timedelta(seconds=30),
                    "hits": 1,
                },
            ]
        )
        self.assertEqual(Log._gc_lookup_logs(), (1, False))
        self.assertEqual(Log.search([]).mapped("serial"), ["NEW"])
        self.assertEqual(Counter._gc_lookup_counters(), (1, False))
        self.assertEqual(Counter.search([]).mapped("hits"), [1])
        # a retention of 0 keeps everything
        self.env["ir.config_parameter"].sudo().set_param(
            "serial_tracking_lookup.log_days", 0
        )
        Log.create({"date": now - timedelta(days=4000), "verdict": "genuine"})
        self.assertEqual(Log._gc_lookup_logs(), (0, False))
        self.assertEqual(Log.search_count([]), 2)
