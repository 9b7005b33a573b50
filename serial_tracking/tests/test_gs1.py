from datetime import date

from odoo.tests import BaseCase, tagged

from ..tools import gs1


@tagged("post_install", "-at_install", "serial_tracking")
class TestGs1(BaseCase):
    """The plain-Python GS1 reader (biip underneath)."""

    def test_forms(self):
        expected = gs1.Gs1Data(
            gtin="09506000134352",
            serial="ABC123",
            batch="B1",
            expiry_date=date(2027, 12, 31),
        )
        for text in (
            "(01)09506000134352(21)ABC123(10)B1(17)271231",
            "01095060001343521727123121ABC123\x1d10B1",
            "]C101095060001343521727123121ABC123\x1d10B1",
            "https://id.gs1.org/01/09506000134352/21/ABC123?10=B1&17=271231",
        ):
            with self.subTest(text=text):
                self.assertEqual(gs1.decode(text), expected)

    def test_gtin_normalised(self):
        self.assertEqual(gs1.decode("(01)00012345678905(21)X").gtin, "00012345678905")

    def test_errors(self):
        for text in ("", "not a barcode", "(01)09506000134351(21)X", "(17)271399(21)X"):
            with self.subTest(text=text), self.assertRaises(gs1.Gs1Error):
                gs1.decode(text)

    def test_looks_like_gs1(self):
        self.assertTrue(gs1.looks_like_gs1("(01)09506000134352(21)X"))
        self.assertTrue(gs1.looks_like_gs1("https://example.com/01/09506000134352"))
        self.assertFalse(gs1.looks_like_gs1("SN-0001"))

    def test_gtin_variants_drop_leading_zeros_only(self):
        self.assertEqual(
            gs1.gtin_variants("09506000134352"), ["09506000134352", "9506000134352"]
        )
        # 506000134352 is another product's GTIN-12, never a short form of this one.
        self.assertNotIn("506000134352", gs1.gtin_variants("09506000134352"))
        self.assertEqual(
            gs1.gtin_variants("00012345678905"),
            ["00012345678905", "0012345678905", "012345678905"],
        )
        self.assertEqual(
            gs1.gtin_variants("00000096385074"),
            ["00000096385074", "0000096385074", "000096385074", "96385074"],
        )
