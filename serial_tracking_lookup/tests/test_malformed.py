import json

from odoo.tests import tagged

from .common import SCANNER_GTIN, LookupHttpCommon

# (what, raw path after the prefix and query): every one is a 400
MALFORMED = [
    ("bad check digit", "/01/05410000000018/21/LK-SOLD-1"),
    ("GTIN too long", "/01/054100000000190/21/LK-SOLD-1"),
    ("GTIN not digits", "/01/0541000000001A/21/LK-SOLD-1"),
    ("serial over 20 characters", f"/01/{SCANNER_GTIN}/21/{'S' * 21}"),
    ("NUL", f"/01/{SCANNER_GTIN}/21/LK%00SOLD"),
    ("escape character", f"/01/{SCANNER_GTIN}/21/LK%1B%5B31m"),
    ("line feed", f"/01/{SCANNER_GTIN}/21/LK%0ASOLD"),
    ("zero-width space", f"/01/{SCANNER_GTIN}/21/LK-SOLD-1%E2%80%8B"),
    ("not GS1 charset", f"/01/{SCANNER_GTIN}/21/LK%20SOLD"),
    ("not UTF-8", f"/01/{SCANNER_GTIN}/21/LK%E9"),
    ("broken escape", f"/01/{SCANNER_GTIN}/21/LK%G1"),
    ("dot-dot segment", f"/01/{SCANNER_GTIN}/21/.."),
    ("dot-dot encoded", f"/01/{SCANNER_GTIN}/21/%2E%2E"),
    ("dot-dot in serial", f"/01/{SCANNER_GTIN}/21/..%2F..%2Fweb%2Flogin"),
    ("dot-dot before key", f"/01/{SCANNER_GTIN}/../21/LK-SOLD-1"),
    ("encoded slashes in the key", f"/01/{SCANNER_GTIN}%2F21%2FLK-SOLD-1"),
    ("encoded AI", f"/01/{SCANNER_GTIN}/%32%31/LK-SOLD-1"),
    ("empty segment", f"/01/{SCANNER_GTIN}//21/LK-SOLD-1"),
    ("qualifiers out of order", f"/01/{SCANNER_GTIN}/21/LK-SOLD-1/10/B1"),
    ("unknown qualifier", f"/01/{SCANNER_GTIN}/99/X/21/LK-SOLD-1"),
    ("bad date attribute", f"/01/{SCANNER_GTIN}/21/LK-SOLD-1?17=271340"),
    ("serial in the query", f"/01/{SCANNER_GTIN}/21/LK-SOLD-1?21=OTHER"),
    ("control in the query", f"/01/{SCANNER_GTIN}/21/LK-SOLD-1?utm=%07"),
    ("bad link type", f"/01/{SCANNER_GTIN}/21/LK-SOLD-1?linkType=pip%3Cx%3E"),
    ("far too long", f"/01/{SCANNER_GTIN}/21/LK?x={'a' * 1100}"),
]
VERDICT_WORDS = (b"verdict", b"Genuine", b"Not verified", b"Recalled", b"warranty")


@tagged("post_install", "-at_install", "serial_tracking")
class TestMalformed(LookupHttpCommon):
    """Malformed keys answer 400 on both routes, never something like a verdict."""

    def test_malformed_keys(self):
        for what, target in MALFORMED:
            for prefix in ("", "/serial-lookup"):
                for accept in ("text/html", "application/json"):
                    with self.subTest(what=what, prefix=prefix, accept=accept):
                        status, headers, body = self.raw_request(
                            "GET", prefix + target, {"Accept": accept}
                        )
                        self.assertEqual(status, 400, body[:300])
                        self.assertNotIn("Location", headers)
                        self.assertEqual(headers["Access-Control-Allow-Origin"], "*")
                        for word in VERDICT_WORDS:
                            self.assertNotIn(word, body)
                        if accept == "application/json":
                            self.assertEqual(json.loads(body)["error"], "bad_request")
                        else:
                            self.assertTrue(
                                headers["Content-Type"].startswith("text/plain")
                            )
        self.assertFalse(self.env["serial.lookup.log"].search([]))

    def test_key_without_serial(self):
        """A valid GTIN-only key has no unit-level links here: 404, not 400."""
        for target in (f"/01/{SCANNER_GTIN}", f"/01/{SCANNER_GTIN}/10/B1"):
            status, _headers, body = self.raw_request(
                "GET", target, {"Accept": "application/json"}
            )
            self.assertEqual(status, 404, body)
            self.assertEqual(json.loads(body)["error"], "not_found")

    def test_serial_with_html_is_escaped(self):
        serial = "<svg/onload=alert()>"
        self._receive_units(self.scanner, [serial])
        target = (
            "/serial-lookup/01/" + SCANNER_GTIN + "/21/%3Csvg%2Fonload%3Dalert()%3E"
        )
        status, headers, body = self.raw_request("GET", target)
        self.assertEqual(status, 200, body)
        self.assertIn(b"Genuine product", body)
        self.assertNotIn(b"<svg", body)
        self.assertIn(b"&lt;svg/onload=alert()&gt;", body)
        # and no script could run anyway
        self.assertIn("default-src 'none'", headers["Content-Security-Policy"])
        # unknown: echoed just as escaped
        target = "/serial-lookup/01/" + SCANNER_GTIN + "/21/%22%3E%3Cb%3Ex"
        status, _headers, body = self.raw_request("GET", target)
        self.assertEqual(status, 200)
        self.assertIn(b"Not verified", body)
        self.assertNotIn(b"<b>x", body)
        self.assertIn(b"&#34;&gt;&lt;b&gt;x", body)
        # JSON escapes nothing it need not, and is served as JSON (not sniffable)
        status, headers, body = self.raw_request(
            "GET", target, {"Accept": "application/json"}
        )
        self.assertEqual(json.loads(body)["serial"], '"><b>x')
        self.assertEqual(headers["X-Content-Type-Options"], "nosniff")
