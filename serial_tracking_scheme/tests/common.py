from odoo.addons.serial_tracking.tests.common import SerialTrackingCommon


def generate_dialog_context(move):
    """The context Odoo's "Generate Serials" dialog of ``move`` (a receipt move)
    passes to ``stock.move.action_generate_lot_line_vals``."""
    return {
        "default_product_id": move.product_id.id,
        "default_location_dest_id": move.location_dest_id.id,
        "default_location_id": move.location_id.id,
        "default_tracking": "serial",
        "default_quantity": move.product_qty,
        "default_picking_id": move.picking_id.id,
        "default_move_id": move.id,
        "default_company_id": move.company_id.id,
        "default_picking_type_id": move.picking_type_id.id,
    }


class SchemeCommon(SerialTrackingCommon):
    """Fixtures of the serial scheme tests, on top of :class:`SerialTrackingCommon`.

    The scheme tests work in the company's main warehouse (code ``WH``), so that the
    ``{site}`` of their serials reads ``WH``: ``warehouse``, ``stock_location``,
    ``picking_type_in`` and ``picking_type_out`` are its own (the core's receipt and
    delivery helpers use them), and it stays the company's first warehouse (the
    default site), before stock's ``warehouse_1``.

    - ``company``, ``warehouse``, ``supplier_location``, ``stock_location``;
    - ``category`` (serial code ``PUMPS``) and its child ``sub_category``;
    - ``product`` (internal reference ``PMP``, EAN-13 ``9506000134352``) and
      ``product_b`` (``VLV``, in ``sub_category``), both tracked by serial;
    - ``stock_user`` and ``stock_manager`` (stock's ``user_stock_user`` and
      ``user_stock_manager``);
    - :meth:`make_scheme` creates a scheme; :meth:`make_receipt` builds a receipt of
      N units (the core's ``_create_receipt``); :func:`generate_dialog_context` is what
      Odoo's "Generate Serials" dialog sends for a move.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.warehouse = cls.env.ref("stock.warehouse0")
        cls.warehouse.write({"code": "WH", "sequence": 1})
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.picking_type_in = cls.warehouse.in_type_id
        cls.picking_type_out = cls.warehouse.out_type_id
        cls.category = cls.env["product.category"].create(
            {"name": "Pumps", "serial_code": "PUMPS"}
        )
        cls.sub_category = cls.env["product.category"].create(
            {"name": "Valves", "parent_id": cls.category.id, "serial_code": "VLV"}
        )
        cls.product, cls.product_b = cls.env["product.product"].create(
            [
                {
                    "name": "Pump",
                    "default_code": "PMP",
                    "barcode": "9506000134352",
                    "is_storable": True,
                    "tracking": "serial",
                    "categ_id": cls.category.id,
                },
                {
                    "name": "Valve",
                    "default_code": "VLV",
                    "is_storable": True,
                    "tracking": "serial",
                    "categ_id": cls.sub_category.id,
                },
            ]
        )
        cls.stock_user = cls.user_stock_user
        cls.stock_manager = cls.user_stock_manager

    @classmethod
    def make_scheme(cls, pattern, **vals):
        return cls.env["serial.scheme"].create(
            {"name": pattern, "pattern": pattern, **vals}
        )

    def make_receipt(self, quantity, product=None, confirm=True):
        return self._create_receipt(product or self.product, quantity, confirm=confirm)
