from odoo.tests import tagged

from .common import SCANNER_GTIN, UNKNOWN_GTIN, LookupHttpCommon

VOC = "https://ref.gs1.org/voc/"


@tagged("post_install", "-at_install", "serial_tracking")
class TestResolver(LookupHttpCommon):
    """The GS1 Digital Link resolver at the labels' own paths."""

    def test_plain_request_redirects_to_the_page(self):
        response = self.url_open(
            self.dl_path("LK-SOLD-1") + "?17=271231&utm_source=box",
            allow_redirects=False,
        )
        self.assertOk(response, 307)
        self.assertEqual(
            response.headers["Location"],
            self.base_url() + self.page_path("LK-SOLD-1") + "?17=271231&utm_source=box",
        )
        self.assertEqual(response.headers["Vary"], "Accept, Accept-Language")
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], "*")
        self.assertIn('rel="linkset"', response.headers["Link"])
        self.assertIn(
            self.dl_path("LK-SOLD-1") + "?linkType=linkset", response.headers["Link"]
        )
        # followed, the browser lands on the page; a JSON client on the JSON
        page = self.url_open(self.dl_path("LK-SOLD-1"))
        self.assertIn("Genuine product", page.text)
        answer = self.url_open(
            self.dl_path("LK-SOLD-1"), headers={"Accept": "application/json"}
        ).json()
        self.assertEqual(answer["verdict"], "genuine")

    def test_trailing_slash_and_short_gtin(self):
        for path in (
            self.dl_path("LK-SOLD-1") + "/",
            "/01/5410000000019/21/LK-SOLD-1",
        ):
            response = self.url_open(path, allow_redirects=False)
            self.assertOk(response, 307)
            self.assertTrue(
                response.headers["Location"].endswith(self.page_path("LK-SOLD-1")),
                response.headers["Location"],
            )
        page = self.url_open(self.page_path("LK-SOLD-1") + "/")
        self.assertIn("Genuine product", page.text)

    def test_link_types_redirect(self):
        page = self.base_url() + self.page_path("LK-SOLD-1")
        for link_type, target in [
            ("gs1:defaultLink", page),
            ("gs1:pip", page + "#product"),
            ("gs1:verificationService", page + "#verdict"),
            ("gs1:recallStatus", page + "#recall"),
            ("gs1:serviceInfo", page + "#warranty"),
            (f"{VOC}pip", page + "#product"),
        ]:
            response = self.url_open(
                self.dl_path("LK-SOLD-1") + f"?linkType={link_type}",
                allow_redirects=False,
            )
            self.assertOk(response, 307)
            self.assertEqual(response.headers["Location"], target, link_type)
        # the query string is kept, without linkType
        response = self.url_open(
            self.dl_path("LK-SOLD-1") + "?17=271231&linkType=gs1:pip",
            allow_redirects=False,
        )
        self.assertEqual(response.headers["Location"], page + "?17=271231#product")
        missing = self.url_open(
            self.dl_path("LK-SOLD-1") + "?linkType=gs1:epcis", allow_redirects=False
        )
        self.assertOk(missing, 404)
        self.assertNotIn("Location", missing.headers)

    def test_linkset(self):
        for kwargs in (
            {"url": self.dl_path("LK-SOLD-1") + "?linkType=linkset"},
            {"url": self.dl_path("LK-SOLD-1") + "?linkType=all"},
            {
                "url": self.dl_path("LK-SOLD-1"),
                "headers": {"Accept": "application/linkset+json"},
            },
        ):
            response = self.url_open(allow_redirects=False, **kwargs)
            self.assertOk(response)
            self.assertEqual(
                response.headers["Content-Type"],
                "application/linkset+json; charset=utf-8",
            )
            self.assertIn('rel="linkset"', response.headers["Link"])
            (links,) = response.json()["linkset"]
            self.assertEqual(
                links["anchor"], self.base_url() + self.dl_path("LK-SOLD-1")
            )
            self.assertEqual(links["itemDescription"], "Handheld Scanner")
            page = self.base_url() + self.page_path("LK-SOLD-1")
            self.assertEqual(links[VOC + "defaultLink"][0]["href"], page)
            self.assertEqual(links[VOC + "pip"][0]["href"], page + "#product")
            self.assertEqual(
                [link["type"] for link in links[VOC + "verificationService"]],
                ["text/html", "application/json"],
            )
            self.assertEqual(links[VOC + "recallStatus"][0]["href"], page + "#recall")
            self.assertEqual(links[VOC + "serviceInfo"][0]["href"], page + "#warranty")
            for link in links[VOC + "pip"]:
                self.assertEqual(link["hreflang"], ["en-US"])
                self.assertTrue(link["title"])
        # a serial that exists and one that does not have the same links
        known = self.url_open(self.dl_path("LK-SOLD-1") + "?linkType=linkset").json()
        unknown = self.url_open(self.dl_path("LK-NONE-9") + "?linkType=linkset").json()
        self.assertEqual(
            str(known).replace("LK-SOLD-1", "X"), str(unknown).replace("LK-NONE-9", "X")
        )
        # an unknown GTIN has no item description
        other = self.url_open(
            self.dl_path("X1", gtin=UNKNOWN_GTIN) + "?linkType=linkset"
        ).json()
        self.assertNotIn("itemDescription", other["linkset"][0])

    def test_resolver_does_not_count_or_log(self):
        self.url_open(self.dl_path("LK-SOLD-1"), allow_redirects=False)
        self.url_open(self.dl_path("LK-SOLD-1") + "?linkType=linkset")
        self.assertFalse(self.env["serial.lookup.log"].search([]))
        self.assertFalse(self.env["serial.lookup.counter"].search([]))

    def test_head_and_options(self):
        status, headers, body = self.raw_request("HEAD", self.page_path("LK-SOLD-1"))
        self.assertEqual(status, 200)
        self.assertEqual(body, b"")
        self.assertTrue(headers["Content-Type"].startswith("text/html"))
        status, headers, body = self.raw_request("HEAD", self.dl_path("LK-SOLD-1"))
        self.assertEqual((status, body), (307, b""))
        self.assertIn("/serial-lookup/01/", headers["Location"])
        lookups = self.env["serial.lookup.log"].search_count([])
        for path in (self.dl_path("LK-SOLD-1"), self.page_path("LK-SOLD-1")):
            status, headers, body = self.raw_request(
                "OPTIONS",
                path,
                {
                    "Origin": "https://shop.example.com",
                    "Access-Control-Request-Method": "GET",
                    "Access-Control-Request-Headers": "accept",
                },
            )
            self.assertEqual(status, 204, path)
            self.assertEqual(headers["Access-Control-Allow-Origin"], "*")
            self.assertIn("GET", headers["Access-Control-Allow-Methods"])
            self.assertIn("HEAD", headers["Access-Control-Allow-Methods"])
            self.assertIn("Accept", headers["Access-Control-Allow-Headers"])
        # a preflight is no lookup
        self.assertEqual(self.env["serial.lookup.log"].search_count([]), lookups)

    def test_cors_on_answers(self):
        response = self.lookup(
            "LK-SOLD-1", json=True, headers={"Origin": "https://shop.example.com"}
        )
        self.assertEqual(response.headers["Access-Control-Allow-Origin"], "*")
        self.assertIn("Retry-After", response.headers["Access-Control-Expose-Headers"])
        self.assertEqual(response.headers["Cache-Control"], "no-store")
        self.assertNotIn("Set-Cookie", response.headers)

    def test_serial_with_slash(self):
        """A serial holding "/" is percent-encoded in the path (a server may decode
        %2F before routing): the raw path keeps it in the serial."""
        self._receive_units(self.scanner, ["LK/SLASH/2"])
        status, _headers, body = self.raw_request(
            "GET",
            f"/serial-lookup/01/{SCANNER_GTIN}/21/LK%2FSLASH%2F2",
            {"Accept": "application/json"},
        )
        self.assertEqual(status, 200, body)
        self.assertIn(b'"verdict": "genuine"', body)
        self.assertIn(b'"serial": "LK/SLASH/2"', body)
