import json

from odoo.tests import HttpCase, tagged

from .common import SerialTrackingCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestStockLotApi(HttpCase, SerialTrackingCommon):
    """Units over Odoo's own JSON-2 API: ``/json/2/stock.lot/lookup_units`` and
    ``unit_history`` with an API key, as the key's user (rights and record rules)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        _picking, units = cls._receive(cls.scanner, ["API-1", "API-2"])
        cls.units = units.sorted("name")
        cls.units[0].manufacturer_serial = "MFR-API-1"
        # units of a product of no company are every company's: these are ours
        cls.units.company_id = cls.env.company
        cls.api_user = cls._stock_user("serial_api_user")
        cls.company_b = cls.env["res.company"].create({"name": "API Company B"})
        cls.user_b = cls._stock_user("serial_api_user_b", cls.company_b)
        cls.key = cls._api_key(cls.api_user)
        cls.key_b = cls._api_key(cls.user_b)

    def _call(self, method, key, **params):
        response = self.url_open(
            f"/json/2/stock.lot/{method}",
            data=json.dumps(params),
            headers={
                "Content-Type": "application/json",
                "Authorization": f"bearer {key}",
            },
        )
        return response

    def test_lookup_by_serial(self):
        response = self._call("lookup_units", self.key, serial="API-1")
        self.assertEqual(response.status_code, 200, response.text)
        (unit,) = response.json()
        self.assertEqual(unit["id"], self.units[0].id)
        self.assertEqual(unit["unit_state"], "in_stock")
        self.assertEqual(unit["product_id"][0], self.scanner.id)
        self.assertEqual(unit["manufacturer_serial"], "MFR-API-1")

    def test_lookup_by_gtin_and_serial(self):
        for gtin in ("05410000000019", "5410000000019"):
            response = self._call("lookup_units", self.key, gtin=gtin, serial="API-2")
            self.assertEqual([u["id"] for u in response.json()], self.units[1].ids)
        other = self._call(
            "lookup_units", self.key, gtin="8712345678913", serial="API-2"
        )
        self.assertEqual(other.json(), [])

    def test_lookup_by_manufacturer_serial_and_code(self):
        response = self._call("lookup_units", self.key, manufacturer_serial="MFR-API-1")
        self.assertEqual([u["id"] for u in response.json()], self.units[0].ids)
        code = "(01)05410000000019(21)API-2"
        response = self._call("lookup_units", self.key, code=code)
        self.assertEqual([u["id"] for u in response.json()], self.units[1].ids)

    def test_bad_input_is_a_clear_error(self):
        for params in ({}, {"gtin": "5410000000019"}, {"gtin": "abc", "serial": "X"}):
            response = self._call("lookup_units", self.key, **params)
            self.assertEqual(response.status_code, 422, params)
            self.assertEqual(response.json()["name"], "odoo.exceptions.UserError")

    def test_history(self):
        self._deliver(self.units[0])
        response = self._call("unit_history", self.key, ids=self.units[0].ids)
        self.assertEqual(response.status_code, 200, response.text)
        (history,) = response.json()
        self.assertEqual(
            [event["event_type"] for event in history["events"]],
            ["received", "delivered"],
        )
        self.assertEqual(history["events"][1]["partner_id"][0], self.customer.id)

    def test_other_company_and_no_key(self):
        response = self._call("lookup_units", self.key_b, serial="API-1")
        self.assertEqual(response.json(), [])
        response = self._call("unit_history", self.key_b, ids=self.units[0].ids)
        self.assertEqual(response.status_code, 403)
        response = self._call("lookup_units", "not-a-key", serial="API-1")
        self.assertEqual(response.status_code, 401)

    def test_private_helpers_are_not_callable(self):
        response = self._call("_refresh_unit_state", self.key, ids=self.units.ids)
        self.assertEqual(response.status_code, 403)
