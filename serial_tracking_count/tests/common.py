from odoo.addons.serial_tracking.tests.common import SerialTrackingCommon


class SerialCountCommon(SerialTrackingCommon):
    """Count fixtures on ``SerialTrackingCommon``:

    - ``cls.here`` (Shelf 1) holds scanners ``H1``..``H5``; ``cls.there`` (Shelf 2)
      holds ``T1``, ``T2``; ``D1`` is at the customer's;
    - ``cls.bolt``: an untracked product with barcode ``2099999000011``;
      ``cls.reagent`` gets GTIN ``9506000134352`` and batch ``B1`` (10 units here);
    - ``_count()`` a new count of ``cls.here``; ``_scan(count, *codes)`` scans and
      asserts each scan was accepted.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.here, cls.there = cls.shelf_1, cls.shelf_2
        cls.bolt = cls.env["product.product"].create(
            {"name": "Bolt", "is_storable": True, "barcode": "2099999000011"}
        )
        cls.reagent.barcode = "9506000134352"
        cls.h_lots = cls._receive_class(
            cls.scanner, [f"H{i}" for i in range(1, 6)], cls.here
        )
        cls.t_lots = cls._receive_class(cls.scanner, ["T1", "T2"], cls.there)
        cls.d_lot = cls.env["stock.lot"].create(
            {"name": "D1", "product_id": cls.scanner.id}
        )
        cls.env["stock.quant"]._update_available_quantity(
            cls.scanner, cls.customer_location, 1, lot_id=cls.d_lot
        )
        cls.batch = cls._receive_class(cls.reagent, ["B1"], cls.here, qty=10)
        cls.env["stock.quant"]._update_available_quantity(cls.bolt, cls.here, 7)

    @classmethod
    def _receive_class(cls, product, names, location, qty=1):
        picking = cls._create_receipt(product, len(names) * qty, location=location)
        move = picking.move_ids
        cls._set_serials(move, names)
        move.move_line_ids.quantity = qty
        move.picked = True
        picking.button_validate()
        return move.move_line_ids.lot_id

    def _count(self, **values):
        return self.env["serial.count"].create({"location_id": self.here.id, **values})

    def _scan(self, count, *codes):
        results = [count.action_scan(code) for code in codes]
        for code, result in zip(codes, results, strict=True):
            self.assertEqual(result["status"], "ok", f"{code}: {result['message']}")
        return results
