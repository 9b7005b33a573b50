from odoo.tests import tagged

from .fast_validation_common import FastValidationCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestFastQuants(FastValidationCommon):
    """The SQL helper of the fast paths on stock_quant leaves exactly what the
    ORM's write leaves."""

    def test_empty_quants_as_orm_write(self):
        """``_serial_empty_quants`` and ``write`` of quantity and reserved quantity
        0, on the reserved quants of twin deliveries: the same quant rows (write
        date and author included), the same units' location computed from them."""
        odoo_product, fast_product = self._twins()
        quants = {}
        for product in (odoo_product, fast_product):
            lots = self._stock_lots(product, 3)
            self._delivery(lots[:2])
            quants[product] = self.env["stock.quant"].search(
                [("product_id", "=", product.id), ("reserved_quantity", "=", 1)]
            )
            self.assertEqual(len(quants[product]), 2)
        quants[odoo_product].write({"quantity": 0.0, "reserved_quantity": 0.0})
        quants[fast_product]._serial_empty_quants()
        self.env.flush_all()
        tokens = {}
        rows = {}
        for product, product_quants in quants.items():
            tokens = {("product.product", product.id): "PRODUCT"}
            tokens |= {
                ("stock.lot", quant.lot_id.id): f"LOT:{quant.lot_id.name}"
                for quant in product_quants
            }
            self.env.invalidate_all()
            rows[product] = (
                self._rows(product_quants, tokens),
                sorted(
                    (lot.name, lot.location_id.id, lot.unit_state)
                    for lot in self.env["stock.lot"].search(
                        [("product_id", "=", product.id)]
                    )
                ),
                product_quants.mapped(lambda q: (q.write_uid, q.write_date)),
            )
        self.assertEqual(rows[odoo_product], rows[fast_product])
        self.assertEqual(
            {(q.quantity, q.reserved_quantity) for q in quants[fast_product]},
            {(0.0, 0.0)},
        )
        # The units are nowhere now: no location.
        self.assertFalse(quants[fast_product].lot_id.location_id)
