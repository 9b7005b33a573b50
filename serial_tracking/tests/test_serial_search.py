from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SerialTrackingCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestSerialSearch(SerialTrackingCommon):
    """Find a unit by serial, manufacturer serial or a GS1 barcode encoding it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Lot = cls.env["stock.lot"]
        cls.unit, cls.other = Lot.create(
            [
                {
                    "name": "ABC123",
                    "product_id": cls.scanner.id,
                    "manufacturer_serial": "MFR-77",
                },
                {"name": "ABC123", "product_id": cls.printer.id},
            ]
        )

    def search_code(self, code):
        return self.env["stock.lot"].search([("serial_code", "ilike", code)])

    def test_by_serial_and_manufacturer_serial(self):
        self.assertEqual(self.search_code("ABC123"), self.unit | self.other)
        self.assertEqual(self.search_code("MFR-77"), self.unit)
        self.assertEqual(self.search_code("mfr-7"), self.unit)
        names = self.env["stock.lot"].name_search("MFR-77")
        self.assertEqual([row[0] for row in names], [self.unit.id])

    def test_by_gs1_forms(self):
        gtin = "05410000000019"  # EAN-13 of the scanner as GTIN-14
        for code in (
            f"(01){gtin}(21)ABC123",
            f"01{gtin}21ABC123",
            f"]d201{gtin}21ABC123\x1d10BATCH1",
            f"https://id.example.com/01/{gtin}/21/ABC123",
        ):
            with self.subTest(code=code):
                self.assertEqual(self.search_code(code), self.unit)
        # The GTIN tells the two "ABC123" units apart.
        self.assertEqual(self.search_code("(01)08712345678913(21)ABC123"), self.other)

    def test_gs1_of_manufacturer_serial(self):
        self.assertEqual(self.search_code("(01)05410000000019(21)MFR-77"), self.unit)

    def test_malformed_gs1_finds_nothing_and_does_not_fail(self):
        self.assertFalse(
            self.search_code("(01)05901234123450(21)ABC123")
        )  # bad check digit
        self.assertFalse(self.search_code("(17)261399(21)ABC123"))  # impossible date

    def test_duplicate_manufacturer_serial_refused(self):
        with self.assertRaisesRegex(ValidationError, "MFR-77"):
            self.env["stock.lot"].create(
                {
                    "name": "ABC999",
                    "product_id": self.scanner.id,
                    "manufacturer_serial": "MFR-77",
                }
            )
        # The same manufacturer serial on another product is fine.
        self.env["stock.lot"].create(
            {
                "name": "ABC999",
                "product_id": self.printer.id,
                "manufacturer_serial": "MFR-77",
            }
        )

    def test_duplicate_manufacturer_serial_in_one_batch_refused(self):
        with self.assertRaisesRegex(ValidationError, "MFR-88"):
            self.env["stock.lot"].create(
                [
                    {
                        "name": f"X{i}",
                        "product_id": self.scanner.id,
                        "manufacturer_serial": "MFR-88",
                    }
                    for i in range(2)
                ]
            )
