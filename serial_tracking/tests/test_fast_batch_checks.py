from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SerialTrackingCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestFastBatchChecks(SerialTrackingCommon):
    """The batch creation of quants checks Odoo's constraints of quants on one quant
    per combination of the values they read: a bad row among good ones is still
    refused, in Odoo's words."""

    def _quant_vals(self, lots, location):
        return [
            {
                "product_id": lot.product_id.id,
                "lot_id": lot.id,
                "location_id": location.id,
                "quantity": 1.0,
            }
            for lot in lots
        ]

    def _units(self, product, count, prefix):
        return self.env["stock.lot"].create(
            [{"name": f"{prefix}{i}", "product_id": product.id} for i in range(count)]
        )

    def test_good_batch(self):
        lots = self._units(self.scanner, 5, "QOK")
        quants = (
            self.env["stock.quant"]
            .sudo()
            ._serial_create_batch(self._quant_vals(lots, self.stock_location))
        )
        self.assertEqual(len(quants), 5)
        self.assertEqual(quants.mapped("quantity"), [1.0] * 5)
        self.assertEqual(quants.lot_id, lots)

    def test_unit_of_another_product(self):
        lots = self._units(self.scanner, 5, "QLP")
        stray = self._units(self.printer, 1, "QLP-PRINTER")
        vals_list = self._quant_vals(lots, self.stock_location)
        # The printer's unit on a quant of the scanner, among good rows.
        vals_list.insert(3, dict(vals_list[0], lot_id=stray.id))
        with self.assertRaisesRegex(ValidationError, "linked to another product"):
            self.env["stock.quant"].sudo()._serial_create_batch(vals_list)

    def test_view_location(self):
        lots = self._units(self.scanner, 4, "QVW")
        vals_list = self._quant_vals(lots[:3], self.stock_location)
        vals_list += self._quant_vals(lots[3:], self.stock_location.location_id)
        self.assertEqual(self.stock_location.location_id.usage, "view")
        with self.assertRaisesRegex(ValidationError, 'type "view"'):
            self.env["stock.quant"].sudo()._serial_create_batch(vals_list)

    def test_line_with_unit_of_another_product(self):
        """The units written on a receipt's lines: Odoo's check that a line's unit
        is of its product runs once per combination, and still refuses the one
        bad line among good ones."""
        picking = self._create_receipt(self.scanner, 4)
        lines = picking.move_line_ids.sorted("id")
        lots = self._units(self.scanner, 3, "LLP")
        stray = self._units(self.printer, 1, "LLP-PRINTER")
        lots_by_line = dict(zip(lines.ids, (lots | stray).ids, strict=True))
        with self.assertRaisesRegex(ValidationError, "incompatible with this product"):
            lines._serial_write_lots(lots_by_line)
        good = dict(zip(lines[:3].ids, lots.ids, strict=True))
        lines[:3]._serial_write_lots(good)
        self.assertEqual(lines[:3].lot_id, lots)
