"""Fixtures and helpers shared by the label tests."""

import io
from datetime import datetime

import zxingcpp
from PIL import Image

from odoo.addons.serial_tracking.tests.common import SerialTrackingCommon


def decode_image(image, formats=None):
    """Every barcode zxing-cpp finds in a PIL image: ``[(format name, content)]``.

    ``content`` is the decoded bytes as Latin-1 text: exactly what a scanner sends,
    so GS1 separators show as GS (``\\x1d``), without the symbology identifier (checked
    apart through ``symbology_identifier`` where it matters).
    """
    kwargs = {"formats": formats} if formats else {}
    return [
        (
            result.format.name,
            result.bytes.decode("latin-1"),
            result.symbology_identifier,
        )
        for result in zxingcpp.read_barcodes(image, **kwargs)
    ]


def decode_png(data, formats=None):
    return decode_image(Image.open(io.BytesIO(data)), formats)


class SerialLabelCommon(SerialTrackingCommon):
    """Serial products and units for label tests, on top of
    :class:`SerialTrackingCommon`.

    * ``product_gtin``: serial product, EAN-13 barcode 8712345000011, reference LBL-1;
    * ``product_upc``: serial product, UPC-A barcode 036000291452;
    * ``product_no_gtin``: serial product without barcode;
    * ``product_bad_ean``: serial product whose EAN-13 has a wrong check digit;
    * ``batch``: batch B_12/7 of ``product_gtin`` expiring 2027-03-31;
    * ``lots``: 5 units of ``product_gtin`` in ``batch`` (SN-0001/A ... SN-0005/A),
      ``lot_upc``, ``lot_no_gtin``, ``lot_bad_ean``: one unit of each other product.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.tz = "UTC"
        Product = cls.env["product.product"]
        base = {"is_storable": True, "tracking": "serial"}
        cls.product_gtin, cls.product_upc, cls.product_no_gtin, cls.product_bad_ean = (
            Product.create(
                [
                    dict(
                        base,
                        name="Label Widget",
                        default_code="LBL-1",
                        barcode="8712345000011",
                        use_expiration_date=True,
                    ),
                    dict(base, name="UPC Gadget", barcode="036000291452"),
                    dict(base, name="Plain Thing"),
                    dict(base, name="Broken EAN", barcode="8712345000012"),
                ]
            )
        )
        cls.batch = cls.env["serial.batch"].create(
            {
                "name": "B_12/7",
                "product_id": cls.product_gtin.id,
                "expiration_date": datetime(2027, 3, 31, 12, 0),
            }
        )
        Lot = cls.env["stock.lot"]
        cls.lots = Lot.create(
            [
                {
                    "name": f"SN-{i:04d}/A",
                    "product_id": cls.product_gtin.id,
                    "batch_id": cls.batch.id,
                    "expiration_date": datetime(2027, 3, 31, 12, 0),
                }
                for i in range(1, 6)
            ]
        )
        cls.lot_upc, cls.lot_no_gtin, cls.lot_bad_ean = Lot.create(
            [
                {"name": "UPC-1", "product_id": cls.product_upc.id},
                {"name": "PLAIN-1", "product_id": cls.product_no_gtin.id},
                {"name": "BAD-1", "product_id": cls.product_bad_ean.id},
            ]
        )
        cls.env["ir.config_parameter"].sudo().set_param(
            "serial_tracking_label.digital_link_base_url", "https://id.example.com"
        )

    def expected_gs1(self, serial, batch="B_12/7"):
        """The GS1 element string a scanner returns for a unit of ``product_gtin``."""
        return f"01087123450000111727033110{batch}\x1d21{serial}"
