"""Fixtures of the lookup tests: units in every state the public lookup tells apart,
and a customer whose data no answer may show."""

import http.client
from datetime import datetime, timedelta
from urllib.parse import quote

from freezegun import freeze_time

from odoo import fields
from odoo.tests import HttpCase
from odoo.tests.common import TEST_CURSOR_COOKIE_NAME

from odoo.addons.serial_tracking.tests.common import SerialTrackingCommon

SCANNER_GTIN = "05410000000019"  # cls.scanner's EAN-13 5410000000019 as GTIN-14
PRINTER_GTIN = "08712345678913"
UNKNOWN_GTIN = "09506000134352"  # valid check digit, no product has it
AUTH_GTIN = "04006381333931"
# What no answer may ever contain: the delivered unit's customer, its documents,
# prices, places and notes.
CUSTOMER = {
    "name": "Zebulon Quartermaine",
    "email": "zebulon.quartermaine@example.org",
    "street": "17 Rue des Lilas Secretes",
    "phone": "+32 470 55 19 83",
    "order": "S-LOOKUP-00042",
    "price": "1234.56",
    "cost": "987.65",
    "note": "Internal note LKP-9A7",
    "handling": "Handle with LKP-44 gloves",
}


class LookupCommon(SerialTrackingCommon):
    """Units in every state the public lookup tells apart (on SerialTrackingCommon).

    - ``cls.buyer``: a customer with name, e-mail, street and phone (``CUSTOMER``);
    - ``cls.unit_sold``: a scanner delivered to ``buyer`` today (under warranty), by
      ``cls.delivery`` whose origin is an order number; the scanner has a price, a
      cost and the unit an internal note and handling instructions;
    - ``cls.unit_expired``: a printer delivered to ``buyer`` 400 days ago by
      ``cls.delivery_old`` (its 12-month warranty has expired);
    - ``cls.unit_stock``: a scanner in stock (not yet sold);
    - ``cls.unit_recalled``: a delivered scanner, then recalled;
    - ``cls.unit_scrapped``: a scanner scrapped;
    - ``cls.auth_product`` (GTIN ``AUTH_GTIN``) with a scheme ``AU-{counter:4}{auth:6}``
      and ``cls.unit_auth``, a unit named by it;
    - lookup limits high enough for the tests (``rate_limit`` 1000).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        params = cls.env["ir.config_parameter"].sudo()
        params.set_param("serial_tracking_lookup.rate_limit", 1000)
        params.set_param("serial_tracking_lookup.rate_window", 86400)
        cls.scanner.write(
            {"list_price": float(CUSTOMER["price"]), "standard_price": 987.65}
        )
        cls.buyer = cls.env["res.partner"].create(
            {
                "name": CUSTOMER["name"],
                "email": CUSTOMER["email"],
                "street": CUSTOMER["street"],
                "phone": CUSTOMER["phone"],
            }
        )
        lots = cls._receive_units(
            cls.scanner, ["LK-SOLD-1", "LK-STOCK-1", "LK-RECALL-1", "LK-SCRAP-1"]
        )
        cls.unit_sold, cls.unit_stock, cls.unit_recalled, cls.unit_scrapped = lots
        cls.unit_expired = cls._receive_units(cls.printer, ["LK-OLD-1"])
        cls.unit_sold.write(
            {
                "note": f"<p>{CUSTOMER['note']}</p>",
                "handling_instructions": CUSTOMER["handling"],
                "manufacture_date": fields.Date.to_date("2026-01-15"),
            }
        )
        cls.delivery = cls._deliver_units(cls.unit_sold | cls.unit_recalled, cls.buyer)
        with freeze_time(datetime.now() - timedelta(days=400)):
            cls.delivery_old = cls._deliver_units(cls.unit_expired, cls.buyer)
        cls.unit_recalled.sudo()._set_sticky_state("recalled", "recalled")
        scrap = cls.env["stock.scrap"].create(
            {
                "product_id": cls.scanner.id,
                "lot_id": cls.unit_scrapped.id,
                "scrap_qty": 1,
                "location_id": cls.stock_location.id,
            }
        )
        scrap.action_validate()
        cls.auth_product = cls.env["product.product"].create(
            {
                "name": "Signed Meter",
                "is_storable": True,
                "tracking": "serial",
                "barcode": AUTH_GTIN,
                "warranty_months": 6,
            }
        )
        cls.auth_scheme = cls.env["serial.scheme"].create(
            {
                "name": "Signed",
                "pattern": "AU-{counter:4}{auth:6}",
                "product_id": cls.auth_product.id,
            }
        )
        cls.unit_auth = cls.env["stock.lot"].create(
            {
                "product_id": cls.auth_product.id,
                "name": cls.auth_scheme._generate_names(cls.auth_product, 1)[0],
            }
        )

    @classmethod
    def _receive_units(cls, product, names):
        """Units of ``names`` received into stock by a validated receipt, in order."""
        lots = cls._receive(product, names)[1]
        by_name = {lot.name: lot for lot in lots}
        return cls.env["stock.lot"].concat(*(by_name[name] for name in names))

    @classmethod
    def _deliver_units(cls, lots, partner):
        """A validated delivery of ``lots`` to ``partner``, for an order number."""
        return cls._deliver(lots, partner, vals={"origin": CUSTOMER["order"]})

    def assertOk(self, response, status=200):
        self.assertEqual(response.status_code, status, response.text[:500])


class LookupHttpCommon(HttpCase, LookupCommon):
    """:class:`LookupCommon` with helpers to call the public routes."""

    @staticmethod
    def dl_path(serial, gtin=SCANNER_GTIN, batch=None, prefix=""):
        path = f"{prefix}/01/{gtin}"
        if batch:
            path += f"/10/{quote(batch, safe='')}"
        return f"{path}/21/{quote(serial, safe='')}"

    def page_path(self, serial, **kwargs):
        return self.dl_path(serial, prefix="/serial-lookup", **kwargs)

    def lookup(self, serial, json=False, **kwargs):
        """GET the lookup page of a serial (HTML, or JSON)."""
        headers = {"Accept": "application/json" if json else "text/html"}
        headers.update(kwargs.pop("headers", {}))
        return self.url_open(self.page_path(serial, **kwargs), headers=headers)

    def raw_request(self, method, target, headers=None, source="127.0.0.1"):
        """Send ``target`` exactly as written (no client-side normalisation of
        ``..`` or escapes), from the loopback address ``source``; returns
        ``(status, headers, body)``. Like Odoo's test opener: the transaction is
        flushed first, and the request carries the test's cookie (the test server
        ignores requests of other tests)."""
        self.cr.flush()
        self.cr.clear()
        with self.allow_requests():
            cookie = self.opener.cookies.get(TEST_CURSOR_COOKIE_NAME)
            headers = {
                "Cookie": f"{TEST_CURSOR_COOKIE_NAME}={cookie}",
                **(headers or {}),
            }
            connection = http.client.HTTPConnection(
                "127.0.0.1", self.http_port(), timeout=12, source_address=(source, 0)
            )
            try:
                connection.putrequest(method, target, skip_accept_encoding=True)
                for name, value in headers.items():
                    connection.putheader(name, value)
                connection.endheaders()
                response = connection.getresponse()
                return response.status, dict(response.getheaders()), response.read()
            finally:
                connection.close()
