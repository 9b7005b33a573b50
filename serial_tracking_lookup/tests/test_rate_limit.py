import json
import time
from datetime import datetime, timedelta

from odoo.tests import tagged
from odoo.tools import config

from .common import LookupHttpCommon

JSON = {"Accept": "application/json"}


@tagged("post_install", "-at_install", "serial_tracking")
class TestRateLimit(LookupHttpCommon):
    """The per-client limit, in one server (the two-worker proof is in
    test_rate_limit_workers.py)."""

    def setUp(self):
        super().setUp()
        self.env["ir.config_parameter"].sudo().set_param(
            "serial_tracking_lookup.rate_limit", 3
        )

    def test_limit_per_client_address(self):
        target = self.page_path("LK-SOLD-1")
        for _attempt in range(3):
            status, _headers, body = self.raw_request("GET", target, JSON)
            self.assertEqual(status, 200, body)
        status, headers, body = self.raw_request("GET", target, JSON)
        self.assertEqual(status, 429)
        self.assertEqual(json.loads(body)["error"], "too_many_requests")
        retry_after = int(headers["Retry-After"])
        self.assertTrue(0 < retry_after <= 86400, retry_after)
        self.assertNotIn(b"genuine", body)
        status, headers, body = self.raw_request("GET", target)  # HTML client
        self.assertEqual(status, 429)
        self.assertTrue(headers["Content-Type"].startswith("text/plain"))
        self.assertIn(b"Too many lookups", body)
        # another address is not affected, and has its own limit
        for _attempt in range(3):
            status, _headers, body = self.raw_request(
                "GET", target, JSON, source="127.0.0.2"
            )
            self.assertEqual(status, 200, body)
        status, _headers, _body = self.raw_request(
            "GET", target, JSON, source="127.0.0.2"
        )
        self.assertEqual(status, 429)
        # the refused lookups were not logged; the counters hold hashes, no address
        self.assertEqual(self.env["serial.lookup.log"].search_count([]), 6)
        counters = self.env["serial.lookup.counter"].search([])
        self.assertEqual(sorted(counters.mapped("hits")), [4, 5])
        for counter in counters:
            self.assertNotIn("127.0.0", counter.client_key)

    def test_resolver_redirects_are_not_limited(self):
        for _attempt in range(5):
            response = self.url_open(self.dl_path("LK-SOLD-1"), allow_redirects=False)
            self.assertOk(response, 307)

    def test_past_windows_do_not_count(self):
        lookup = self.env["serial.lookup"]
        key = lookup._client_key("127.0.0.1")
        self.env["serial.lookup.counter"].sudo().create(
            {
                "client_key": key,
                "window_start": datetime.now() - timedelta(days=2),
                "hits": 999,
            }
        )
        self.assertOk(self.lookup("LK-SOLD-1", json=True))

    def test_no_limit(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "serial_tracking_lookup.rate_limit", 0
        )
        for _attempt in range(6):
            self.assertOk(self.lookup("LK-SOLD-1", json=True))

    def test_behind_a_proxy(self):
        """With --proxy-mode, the client is the address the proxy forwards
        (X-Forwarded-For, with X-Forwarded-Host as Odoo requires)."""
        old = config["proxy_mode"]
        config["proxy_mode"] = True
        self.addCleanup(config.__setitem__, "proxy_mode", old)

        def via_proxy(address):
            return self.raw_request(
                "GET",
                self.page_path("LK-SOLD-1"),
                {
                    **JSON,
                    "X-Forwarded-For": address,
                    "X-Forwarded-Host": "id.example.com",
                    "X-Forwarded-Proto": "https",
                },
            )

        for _attempt in range(3):
            status, headers, _body = via_proxy("198.51.100.7")
            self.assertEqual(status, 200)
        self.assertIn("https://id.example.com/01/", headers["Link"])
        self.assertEqual(via_proxy("198.51.100.7")[0], 429)
        self.assertEqual(via_proxy("198.51.100.8")[0], 200)
        # the socket peer (the proxy) itself was never counted
        self.assertOk(self.lookup("LK-SOLD-1", json=True))

    def test_retry_after_is_the_end_of_the_window(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "serial_tracking_lookup.rate_window", 3600
        )
        for _attempt in range(3):
            self.lookup("LK-SOLD-1", json=True)
        before = time.time()
        response = self.lookup("LK-SOLD-1", json=True)
        self.assertOk(response, 429)
        end = (before // 3600 + 1) * 3600
        self.assertAlmostEqual(
            int(response.headers["Retry-After"]), end - before, delta=2
        )


@tagged("post_install", "-at_install", "serial_tracking")
class TestClientKey(LookupHttpCommon):
    def test_client_key(self):
        lookup = self.env["serial.lookup"]
        key = lookup._client_key("203.0.113.9")
        self.assertEqual(len(key), 32)
        self.assertEqual(key, lookup._client_key("203.0.113.9"))
        self.assertNotEqual(key, lookup._client_key("203.0.113.10"))
        self.assertEqual(key, lookup._client_key("::ffff:203.0.113.9"))
        # one IPv6 subscriber (a /64) is one client
        self.assertEqual(
            lookup._client_key("2001:db8:1:2::1"),
            lookup._client_key("2001:db8:1:2::ff"),
        )
        self.assertNotEqual(
            lookup._client_key("2001:db8:1:2::1"), lookup._client_key("2001:db8:1:3::1")
        )
        # salted with the database secret
        self.env["ir.config_parameter"].sudo().set_param("database.secret", "other")
        self.assertNotEqual(key, lookup._client_key("203.0.113.9"))
