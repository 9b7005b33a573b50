from contextlib import contextmanager
from datetime import datetime, timedelta

from odoo import Command
from odoo.tests import new_test_user

from odoo.addons.stock.tests.common import TestStockCommon


class SerialTrackingCommon(TestStockCommon):
    """Fixtures for serial unit tests, on top of stock's ``TestStockCommon``.

    - ``cls.scanner`` / ``cls.printer``: storable products tracked by serial with GTINs
      (EAN-13 barcodes) and a 24 / 12 month warranty;
    - ``cls.reagent``: a lot-tracked product with expiry (product_expiry);
    - ``cls.customer``: a customer company with a contact ``cls.customer_contact``;
    - helpers ``_receive``, ``_deliver`` and ``_return`` run real pickings end to end;
      ``_create_receipt`` / ``_set_serials`` and ``_create_delivery`` build the
      receipts and deliveries they validate, for tests that stop half-way.

    The suite's tests that need records derive from this class (or from an addon's
    common class built on it, e.g. ``SchemeCommon``, ``SerialLabelCommon``); every test
    class is tagged ``post_install``, ``-at_install`` and ``serial_tracking``
    (``--test-tags serial_tracking`` runs the whole suite).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.group_ids += cls.env.ref("stock.group_production_lot")
        cls.scanner, cls.printer, cls.reagent = cls.env["product.product"].create(
            [
                {
                    "name": "Handheld Scanner",
                    "is_storable": True,
                    "tracking": "serial",
                    "barcode": "5410000000019",
                    "default_code": "HS-200",
                    "warranty_months": 24,
                },
                {
                    "name": "Label Printer",
                    "is_storable": True,
                    "tracking": "serial",
                    "barcode": "8712345678913",
                    "warranty_months": 12,
                },
                {
                    "name": "Reagent",
                    "is_storable": True,
                    "tracking": "lot",
                    "use_expiration_date": True,
                    "expiration_time": 30,
                },
            ]
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Serial Customer", "is_company": True}
        )
        cls.customer_contact = cls.env["res.partner"].create(
            {"name": "Buyer", "parent_id": cls.customer.id}
        )

    @classmethod
    def _stock_user(
        cls,
        login,
        company=None,
        groups="stock.group_stock_user,stock.group_production_lot",
    ):
        """An inventory user who sees units (of ``company`` only, if given)."""
        if not company:
            return new_test_user(cls.env, login=login, groups=groups)
        return new_test_user(
            cls.env,
            login=login,
            groups=groups,
            company_id=company.id,
            company_ids=[Command.set(company.ids)],
        )

    @classmethod
    def _api_key(cls, user, name="test"):
        """A day-long API key of ``user`` for Odoo's JSON-2 API (bearer)."""
        return (
            cls.env["res.users.apikeys"]
            .with_user(user)
            ._generate(
                scope="rpc",
                name=name,
                expiration_date=datetime.now() + timedelta(days=1),
            )
        )

    @contextmanager
    def captureQueries(self):
        """Yield the list of SQL queries run by this cursor inside the block."""
        yield from self._patchExecute([], True)

    @classmethod
    def _create_receipt(
        cls, product, quantity, location=None, partner=None, confirm=True
    ):
        """A receipt of ``quantity`` units of ``product`` from a vendor into
        ``location`` (default ``stock_location``), confirmed unless ``confirm`` is
        False; its lines carry no serial yet."""
        location = location or cls.stock_location
        picking = cls.env["stock.picking"].create(
            {
                "picking_type_id": cls.picking_type_in.id,
                "location_id": cls.supplier_location.id,
                "location_dest_id": location.id,
                "partner_id": (partner or cls.partner_1).id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": quantity,
                            "location_id": cls.supplier_location.id,
                            "location_dest_id": location.id,
                        }
                    )
                ],
            }
        )
        if confirm:
            picking.action_confirm()
        return picking

    @classmethod
    def _set_serials(cls, move, names=(), lots=None):
        """Replace the lines of a receipt ``move`` by one unit per serial: new ones
        by ``names``, or existing units ``lots``."""
        move.move_line_ids.unlink()
        serials = [{"lot_id": lot.id} for lot in lots] if lots else []
        serials += [{"lot_name": name} for name in names]
        move.move_line_ids = [
            Command.create(
                {
                    **serial,
                    "product_id": move.product_id.id,
                    "quantity": 1,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "picking_id": move.picking_id.id,
                }
            )
            for serial in serials
        ]

    @staticmethod
    def _unit_lines(move, lots):
        """Commands creating one line of ``move`` per unit of ``lots``."""
        return [
            Command.create(
                {
                    "product_id": move.product_id.id,
                    "lot_id": lot.id,
                    "quantity": 1,
                    "location_id": move.location_id.id,
                    "location_dest_id": move.location_dest_id.id,
                    "picking_id": move.picking_id.id,
                }
            )
            for lot in lots
        ]

    @staticmethod
    def _check_done(picking):
        if picking.state != "done":
            raise AssertionError(f"{picking.name} is {picking.state}, not done")

    @classmethod
    def _receive(cls, product, names, location=None, partner=None):
        """Receive one unit per serial name from a vendor; returns (picking, lots).
        A class method, like the other builders: usable in ``setUpClass``."""
        picking = cls._create_receipt(
            product, len(names), location=location, partner=partner
        )
        move = picking.move_ids
        cls._set_serials(move, names)
        move.picked = True
        picking.button_validate()
        cls._check_done(picking)
        return picking, move.move_line_ids.lot_id

    @classmethod
    def _create_delivery(cls, lots, partner=None, location=None, vals=None):
        """A confirmed delivery of ``lots``, reserved on exactly these serials;
        ``vals``: more values of the transfer (e.g. its ``origin``)."""
        location = location or cls.stock_location
        picking = cls.env["stock.picking"].create(
            {
                **(vals or {}),
                "picking_type_id": cls.picking_type_out.id,
                "location_id": location.id,
                "location_dest_id": cls.customer_location.id,
                "partner_id": (partner or cls.customer).id,
                "move_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": len(product_lots),
                            "location_id": location.id,
                            "location_dest_id": cls.customer_location.id,
                        }
                    )
                    for product, product_lots in lots.grouped("product_id").items()
                ],
            }
        )
        picking.action_confirm()
        picking.action_assign()
        for move in picking.move_ids:
            wanted = lots.filtered(
                lambda lot, move=move: lot.product_id == move.product_id
            )
            lines = move.move_line_ids
            for line, lot in zip(lines, wanted, strict=False):
                line.lot_id = lot
            # Units Odoo did not reserve (e.g. held elsewhere): lines of their own.
            lines[len(wanted) :].unlink()
            move.move_line_ids = cls._unit_lines(move, wanted[len(lines) :])
        return picking

    @classmethod
    def _deliver(cls, lots, partner=None, vals=None):
        """Deliver exactly ``lots`` (validated); returns the delivery."""
        picking = cls._create_delivery(lots, partner=partner, vals=vals)
        picking.move_ids.picked = True
        picking.button_validate()
        cls._check_done(picking)
        return picking

    @classmethod
    def _return(cls, picking, lots=None):
        """Return all of ``picking``, validate and return the return picking."""
        wizard = (
            cls.env["stock.return.picking"]
            .with_context(active_id=picking.id, active_model="stock.picking")
            .create({"picking_id": picking.id})
        )
        for line in wizard.product_return_moves:
            line.quantity = line.move_id.quantity
        action = wizard.action_create_returns()
        returned = cls.env["stock.picking"].browse(action["res_id"])
        for move in returned.move_ids:
            origin_lots = lots or move.origin_returned_move_id.move_line_ids.lot_id
            move.move_line_ids.unlink()
            move.move_line_ids = cls._unit_lines(
                move,
                origin_lots.filtered(
                    lambda lot, move=move: lot.product_id == move.product_id
                ),
            )
            move.picked = True
        returned.button_validate()
        cls._check_done(returned)
        return returned
