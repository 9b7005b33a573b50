from odoo.tests import tagged

from .common import SerialTrackingCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestProductBarcode(SerialTrackingCommon):
    """``product.product._serial_barcode_products``: a product's barcode, in any GTIN
    form, is never a unit's serial."""

    def test_every_gtin_form_and_plain_barcodes(self):
        upc = self.env["product.product"].create(
            {"name": "UPC thing", "barcode": "036000291452", "active": False}
        )
        plain = self.env["product.product"].create(
            {"name": "Coded thing", "barcode": "BOX-7"}
        )
        Product = self.env["product.product"]
        with self.assertQueryCount(1):
            found = Product._serial_barcode_products(
                [
                    "5410000000019",  # the scanner's EAN-13
                    "05410000000019",  # the same as GTIN-14
                    "0036000291452",  # UPC-A as EAN-13, archived product
                    "00036000291452",
                    "BOX-7",
                    "410000000019",  # not a GTIN form: only leading zeros go
                    "SN-0001",
                    "",
                ]
            )
        self.assertEqual(
            found,
            {
                "5410000000019": self.scanner,
                "05410000000019": self.scanner,
                "0036000291452": upc,
                "00036000291452": upc,
                "BOX-7": plain,
            },
        )
