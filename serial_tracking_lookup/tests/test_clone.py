from datetime import datetime, timedelta

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import LookupHttpCommon

JSON = {"Accept": "application/json"}


@tagged("post_install", "-at_install", "serial_tracking")
class TestCloneFlag(LookupHttpCommon):
    """A unit looked up from many client addresses in a short time is flagged."""

    def setUp(self):
        super().setUp()
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("serial_tracking_lookup.clone_addresses", 3)
        params.set_param("serial_tracking_lookup.clone_hours", 24)

    def _lookup_from(self, serial, *sources):
        for source in sources:
            status, _headers, body = self.raw_request(
                "GET", self.page_path(serial), JSON, source=source
            )
            self.assertEqual(status, 200, body)

    def test_flagged_from_many_addresses(self):
        self._lookup_from("LK-SOLD-1", "127.0.0.1", "127.0.0.2", "127.0.0.1")
        self.assertFalse(self.unit_sold.lookup_clone_date)
        # other units and unverified lookups do not add up
        self._lookup_from("LK-STOCK-1", "127.0.0.3")
        self._lookup_from("LK-SOLD-9", "127.0.0.4")
        self.unit_sold.invalidate_recordset()
        self.assertFalse(self.unit_sold.lookup_clone_date)
        self._lookup_from("LK-SOLD-1", "127.0.0.5")
        self.unit_sold.invalidate_recordset()
        self.assertTrue(self.unit_sold.lookup_clone_date)
        event = self.unit_sold.event_ids.filtered(
            lambda e: e.event_type == "clone_suspected"
        )
        self.assertEqual(len(event), 1)
        self.assertIn("3 different addresses", event.description)
        self.assertFalse(self.unit_stock.lookup_clone_date)
        # more lookups: flagged once
        self._lookup_from("LK-SOLD-1", "127.0.0.6")
        self.unit_sold.invalidate_recordset()
        self.assertEqual(
            len(
                self.unit_sold.event_ids.filtered(
                    lambda e: e.event_type == "clone_suspected"
                )
            ),
            1,
        )
        self.assertTrue(
            self.env["stock.lot"].search(
                [("lookup_clone_date", "!=", False), ("id", "=", self.unit_sold.id)]
            )
        )
        self.assertEqual(self.unit_sold.lookup_count, 5)

    def test_old_lookups_do_not_count(self):
        lookup = self.env["serial.lookup"]
        old = datetime.now() - timedelta(hours=30)
        self.env["serial.lookup.log"].sudo().create(
            [
                {
                    "date": old,
                    "verdict": "genuine",
                    "lot_id": self.unit_sold.id,
                    "client_hash": lookup._client_key(f"192.0.2.{index}"),
                    "serial": "LK-SOLD-1",
                }
                for index in range(5)
            ]
        )
        self._lookup_from("LK-SOLD-1", "127.0.0.1")
        self.unit_sold.invalidate_recordset()
        self.assertFalse(self.unit_sold.lookup_clone_date)

    def test_clear_the_flag(self):
        self._lookup_from("LK-SOLD-1", "127.0.0.1", "127.0.0.2", "127.0.0.3")
        self.unit_sold.invalidate_recordset()
        self.assertTrue(self.unit_sold.lookup_clone_date)
        user = new_test_user(self.env, "lk_stock_user", groups="stock.group_stock_user")
        with self.assertRaises(AccessError):
            self.unit_sold.with_user(user).action_clear_clone_flag()
        self.unit_sold.action_clear_clone_flag()
        self.assertFalse(self.unit_sold.lookup_clone_date)
        self.assertIn(
            "alert cleared", self.unit_sold.event_ids.sorted("id")[-1].description
        )

    def test_disabled(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "serial_tracking_lookup.clone_addresses", 0
        )
        self._lookup_from("LK-SOLD-1", "127.0.0.1", "127.0.0.2", "127.0.0.3")
        self.unit_sold.invalidate_recordset()
        self.assertFalse(self.unit_sold.lookup_clone_date)
