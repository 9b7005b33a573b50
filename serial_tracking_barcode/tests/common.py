import uuid

from odoo import Command
from odoo.tools import SQL

from odoo.addons.mail.tests.common import mail_new_test_user
from odoo.addons.serial_tracking.tests.common import SerialTrackingCommon


def stored_rows(env, model, column, value):
    """Every stored column of the rows of ``model`` whose ``column`` is
    ``value``, as dicts, by id: what the SQL-equivalence tests compare between
    the engine's SQL helpers and Odoo's own ``write`` / ``create``."""
    Model = env[model]
    columns = sorted(
        name
        for name, field in Model._fields.items()
        if field.store and field.column_type
    )
    rows = env.execute_query(
        SQL(
            "SELECT %s FROM %s WHERE %s = %s ORDER BY id",
            SQL(", ").join(SQL.identifier(name) for name in columns),
            SQL.identifier(Model._table),
            SQL.identifier(column),
            value,
        )
    )
    return [dict(zip(columns, values, strict=True)) for values in rows]


class SerialDispatchCommon(SerialTrackingCommon):
    """Fixtures of the dispatch screen tests, on the suite's ``SerialTrackingCommon``
    (its products, ``_receive`` / ``_create_delivery`` helpers are available too).

    * ``stock_location`` (WH/Stock), ``customer_location``;
    * ``product_serial``: storable, tracked by serial, barcode (GTIN-13)
      ``GTIN_SERIAL``; ``lots``: 10 serials ``DSP0000``..``DSP0009`` in stock in
      WH/Stock;
    * ``product_plain``: storable, not tracked, barcode ``BARCODE_PLAIN``, 50 in stock;
    * ``product_other``: tracked by serial, never ordered; one serial ``OTH0001`` in
      stock;
    * ``user``: an inventory user; ``delivery``: 3 x product_serial + 2 x product_plain,
      confirmed and reserved (reserving ``DSP0000``..``DSP0002``).
    """

    GTIN_SERIAL = "7612345001012"
    BARCODE_PLAIN = "7612345001029"
    GTIN_OTHER = "7612345001036"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.env.company.id)], limit=1
        )
        cls.stock_location = cls.warehouse.lot_stock_id
        cls.customer_location = cls.env.ref("stock.stock_location_customers")
        cls.picking_type_out = cls.warehouse.out_type_id
        cls.user = mail_new_test_user(
            cls.env,
            login="st_dispatch_user",
            name="Dispatch User",
            groups="stock.group_stock_user",
        )
        cls.product_serial, cls.product_plain, cls.product_other = cls.env[
            "product.product"
        ].create(
            [
                {
                    "name": "Dispatch Drill",
                    "is_storable": True,
                    "tracking": "serial",
                    "barcode": cls.GTIN_SERIAL,
                },
                {
                    "name": "Dispatch Cable",
                    "is_storable": True,
                    "barcode": cls.BARCODE_PLAIN,
                },
                {
                    "name": "Dispatch Saw",
                    "is_storable": True,
                    "tracking": "serial",
                    "barcode": cls.GTIN_OTHER,
                },
            ]
        )
        cls.lots = cls.env["stock.lot"].create(
            [
                {"name": f"DSP{i:04d}", "product_id": cls.product_serial.id}
                for i in range(10)
            ]
        )
        cls.lot_other = cls.env["stock.lot"].create(
            {"name": "OTH0001", "product_id": cls.product_other.id}
        )
        Quant = cls.env["stock.quant"]
        for lot in cls.lots | cls.lot_other:
            Quant._update_available_quantity(
                lot.product_id, cls.stock_location, 1, lot_id=lot
            )
        Quant._update_available_quantity(cls.product_plain, cls.stock_location, 50)
        (cls.lots | cls.lot_other)._refresh_unit_state()  # quants made without moves
        cls.delivery = cls._make_delivery(
            [(cls.product_serial, 3), (cls.product_plain, 2)]
        )

    @classmethod
    def _make_delivery(cls, lines, assign=True):
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": cls.picking_type_out.id,
                "location_id": cls.stock_location.id,
                "location_dest_id": cls.customer_location.id,
                "partner_id": cls.env.user.partner_id.id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "location_id": cls.stock_location.id,
                            "location_dest_id": cls.customer_location.id,
                        }
                    )
                    for product, qty in lines
                ],
            }
        )
        picking.action_confirm()
        if assign:
            picking.action_assign()
        return picking

    def scan(self, code, picking=None, scan_uid=None, user=None):
        picking = (picking or self.delivery).with_user(user or self.user)
        return picking.serial_dispatch_scan(code, scan_uid or str(uuid.uuid4()))

    def line(self, result_or_state, product):
        return next(
            ln for ln in result_or_state["lines"] if ln["product_id"] == product.id
        )

    def move_of(self, picking, product):
        return picking.move_ids.filtered(lambda m: m.product_id == product)
