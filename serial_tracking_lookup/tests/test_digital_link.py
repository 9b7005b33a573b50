from odoo.tests import BaseCase, tagged

from ..tools import digital_link as dl

GTIN = "09506000134352"


@tagged("post_install", "-at_install", "serial_tracking")
class TestDigitalLink(BaseCase):
    """The Digital Link path reader (plain Python, biip underneath)."""

    def test_parse(self):
        key = dl.parse(
            f"/01/{GTIN}/10/B%2F1/21/A%2FB/", "17=270331&linkType=gs1:pip&x=1"
        )
        self.assertEqual(
            key,
            dl.UnitKey(
                gtin=GTIN,
                serial="A/B",
                batch="B/1",
                attributes=(("17", "270331"),),
                link_type="gs1:pip",
                extra_query=(("x", "1"),),
            ),
        )
        self.assertEqual(key.path, f"/01/{GTIN}/10/B%2F1/21/A%2FB")
        self.assertEqual(key.query(), "?17=270331&x=1")
        self.assertEqual(key.query("linkset"), "?17=270331&x=1&linkType=linkset")
        # GTIN-13 in the path: padded; the full GS1 vocabulary URI as link type
        key = dl.parse("/01/9506000134352/21/X", f"linkType={dl.GS1_VOC}recallStatus")
        self.assertEqual((key.gtin, key.link_type), (GTIN, "gs1:recallStatus"))
        self.assertEqual(dl.parse(f"/01/{GTIN}/21/X", "linkType=all").link_type, "all")

    def test_errors(self):
        for path, query, code in [
            (f"/01/{GTIN[:-1]}3/21/X", "", "check_digit"),
            (f"/01/{GTIN}/21/{'X' * 21}", "", "syntax"),
            (f"/01/{GTIN}/21/X%00", "", "control"),
            (f"/01/{GTIN}/21/X", "a=%E2%80%8B", "control"),
            (f"/01/{GTIN}/21/..", "", "dot_segment"),
            (f"/01/{GTIN}/21/A%2F..%2FB", "", "dot_segment"),
            (f"/01/{GTIN}/21/%2e", "", "dot_segment"),
            (f"/01/{GTIN}//21/X", "", "empty_segment"),
            (f"/01/{GTIN}%2F21%2FX", "", "syntax"),
            (f"/01/{GTIN}/%32%31/X", "", "key"),
            (f"/%30%31/{GTIN}/21/X", "", "key"),
            (f"/01/{GTIN}/21/X/10/B", "", "key"),
            (f"/01/{GTIN}/21/X/21/Y", "", "key"),
            (f"/01/{GTIN}/21", "", "key"),
            (f"/01/{GTIN}/21/X%4", "", "escape"),
            (f"/01/{GTIN}/21/X%FF", "", "escape"),
            (f"/01/{GTIN}/21/X", "21=Y", "key"),
            (f"/01/{GTIN}/21/X", "17=271399", "syntax"),
            (f"/01/{GTIN}/21/X", "linkType=gs1:", "link_type"),
            (f"/01/{GTIN}/21/X", "linkType=https://example.com/x", "link_type"),
            (f"/01/{GTIN}/21/X", "x=" + "a" * 1024, "too_long"),
            (f"/01/{GTIN}", "", "no_serial"),
            (f"/01/{GTIN}/10/B", "", "no_serial"),
        ]:
            with self.subTest(path=path, query=query):
                with self.assertRaises(dl.LinkError) as caught:
                    dl.parse(path, query)
                self.assertEqual(caught.exception.code, code)

    def test_split_request_uri(self):
        self.assertEqual(
            dl.split_request_uri("/01/X/21/Y?a=1#f"), ("/01/X/21/Y", "a=1")
        )
        self.assertEqual(
            dl.split_request_uri("http://h:8069/01/X/21/Y?a=1"), ("/01/X/21/Y", "a=1")
        )
        self.assertEqual(dl.split_request_uri("/01/X/21/a%3F"), ("/01/X/21/a%3F", ""))

    def test_client_network(self):
        self.assertEqual(dl.client_network("203.0.113.9"), "203.0.113.9")
        self.assertEqual(dl.client_network("::ffff:203.0.113.9"), "203.0.113.9")
        self.assertEqual(dl.client_network("2001:db8:1:2::9"), "2001:db8:1:2::/64")
        self.assertEqual(dl.client_network("not an address"), "")
