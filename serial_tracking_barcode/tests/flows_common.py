import uuid

from odoo import Command

from .common import SerialDispatchCommon


class SerialFlowsCommon(SerialDispatchCommon):
    """Fixtures of the receive and transfer flows, on ``SerialDispatchCommon``.

    * ``product_lot``: storable, tracked by lot with expiry, barcode ``GTIN_LOT``;
    * ``receipt``: from a vendor into WH/Stock, confirmed: 3 x ``product_serial``
      (serial), 2 x ``product_plain`` (untracked), 4 x ``product_lot`` (lot);
    * ``shelf_a`` / ``shelf_b``: internal locations under WH/Stock with barcodes
      ``LOC-A`` / ``LOC-B``; serial ``DSP0008`` is on shelf A;
    * ``manager``: a stock manager.
    """

    GTIN_LOT = "7612345001043"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = cls._stock_user(
            "st_flows_manager", groups="stock.group_stock_manager"
        )
        cls.product_lot = cls.env["product.product"].create(
            {
                "name": "Flow Reagent",
                "is_storable": True,
                "tracking": "lot",
                "use_expiration_date": True,
                "expiration_time": 365,
                "barcode": cls.GTIN_LOT,
            }
        )
        cls.shelf_a, cls.shelf_b = cls.env["stock.location"].create(
            [
                {
                    "name": "Shelf A",
                    "barcode": "LOC-A",
                    "location_id": cls.stock_location.id,
                },
                {
                    "name": "Shelf B",
                    "barcode": "LOC-B",
                    "location_id": cls.stock_location.id,
                },
            ]
        )
        lot = cls.lots.filtered(lambda lot: lot.name == "DSP0008")
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(
            cls.product_serial, cls.stock_location, -1, lot_id=lot
        )
        Quant._update_available_quantity(cls.product_serial, cls.shelf_a, 1, lot_id=lot)
        lot._refresh_unit_state()
        cls.receipt = cls._make_receipt(
            [(cls.product_serial, 3), (cls.product_plain, 2), (cls.product_lot, 4)]
        )

    @classmethod
    def _make_receipt(cls, lines):
        warehouse = cls.warehouse
        supplier = cls.env.ref("stock.stock_location_suppliers")
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": warehouse.in_type_id.id,
                "location_id": supplier.id,
                "location_dest_id": cls.stock_location.id,
                "partner_id": cls.env.user.partner_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "location_id": supplier.id,
                            "location_dest_id": cls.stock_location.id,
                        }
                    )
                    for product, qty in lines
                ],
            }
        )
        picking.action_confirm()
        return picking

    def receive(self, code, picking=None, move_id=False, user=None, scan_uid=None):
        flow = self.env["serial.scan.receive"].with_user(user or self.user)
        return flow.serial_receive_scan(
            (picking or self.receipt).id, code, scan_uid or str(uuid.uuid4()), move_id
        )

    def transfer(self, code, picking=None, role=False, user=None):
        flow = self.env["serial.scan.transfer"].with_user(user or self.user)
        picking = picking or self.open_transfer(user)
        return flow.serial_transfer_scan(picking.id, code, str(uuid.uuid4()), role)

    def open_transfer(self, user=None):
        flow = self.env["serial.scan.transfer"].with_user(user or self.user)
        return self.env["stock.picking"].browse(flow.serial_transfer_state()["id"])

    def assertRefused(self, result, reason, text=None):
        self.assertEqual(result["status"], "error", result)
        self.assertEqual(result["reason"], reason, result["message"])
        if text:
            self.assertIn(text, result["message"])
