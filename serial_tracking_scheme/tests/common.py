from odoo.tests import TransactionCase, new_test_user


class SchemeCommon(TransactionCase):
    """Fixtures of the serial scheme tests.

    - ``company``, ``warehouse`` (code ``WH``), ``supplier_location``,
      ``stock_location``;
    - ``category`` (serial code ``PUMPS``) and its child ``sub_category``;
    - ``product`` (internal reference ``PMP``, EAN-13 ``9506000134352``) and
      ``product_b`` (``VLV``, in ``sub_category``), both tracked by serial;
    - ``stock_user`` and ``stock_manager``;
    - :meth:`make_receipt` builds a confirmed receipt of N units.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.warehouse.code = "WH"
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.supplier_location = cls.env.ref("stock.stock_location_suppliers")
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
        cls.stock_user = new_test_user(
            cls.env, "st_scheme_user", groups="stock.group_stock_user"
        )
        cls.stock_manager = new_test_user(
            cls.env, "st_scheme_manager", groups="stock.group_stock_manager"
        )

    @classmethod
    def make_scheme(cls, pattern, **vals):
        return cls.env["serial.scheme"].create(
            {"name": pattern, "pattern": pattern, **vals}
        )

    def make_receipt(self, quantity, product=None, confirm=True):
        product = product or self.product
        picking = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "location_id": self.supplier_location.id,
                "location_dest_id": self.stock_location.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "location_id": self.supplier_location.id,
                            "location_dest_id": self.stock_location.id,
                        },
                    )
                ],
            }
        )
        if confirm:
            picking.action_confirm()
        return picking
