"""The equivalence harness of the fast validation path.

The same receipt (or delivery) is built twice, on two products configured alike, and
validated once through Odoo's own path (context ``serial_fast_off``) and once through
the fast path, everything at the same frozen time.
:meth:`FastValidationCommon._snapshot` reads every stored field of the rows the
validation writes and normalises what legitimately differs (ids, the product, the
transfer's name, write timestamps), so the two snapshots must be equal row by row.
"""

from freezegun import freeze_time

from .common import SerialTrackingCommon

FROZEN = "2026-03-02 09:30:00"
# Columns that differ between two identical validations by construction.
SKIPPED = {
    "id",
    "create_date",
    "write_date",
    "create_uid",
    "write_uid",
    "display_name",
    "__last_update",
    # account.move: the journal's sequence runs on from one side to the other
    "sequence_number",
    # mail.message: random by design
    "message_id",
}


class FastValidationCommon(SerialTrackingCommon):
    """Builds twin products, receipts and deliveries, validates them through either
    path and compares their snapshots:

    - ``_twins(**vals)``: two storable serial products with the same ``vals``;
    - ``_named_receipt(product, names)``: a confirmed receipt whose lines carry
      ``names`` as serial names (what Odoo's "Generate Serials" leaves), picked;
    - ``_validate(picking, fast)``: ``button_validate`` at ``FROZEN``, through the
      fast path (asserting it qualified) or Odoo's own;
    - ``_snapshot(product)``: normalised rows of everything a validation writes for
      ``product``; ``assertSameResult(odoo_product, fast_product)`` compares them.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Every batch may take the fast path in these tests, however small.
        cls.env["ir.config_parameter"].sudo().set_param(
            "serial_tracking.fast_validation_min_lines", "1"
        )

    def setUp(self):
        super().setUp()
        # Both sides are built and validated at the same frozen time.
        freezer = freeze_time(FROZEN)
        freezer.start()
        self.addCleanup(freezer.stop)
        self.maxDiff = None

    @classmethod
    def _twins(cls, **vals):
        return cls.env["product.product"].create(
            [
                {
                    "name": "Twin Meter",
                    "is_storable": True,
                    "tracking": "serial",
                    **vals,
                }
                for _i in range(2)
            ]
        )

    def _named_receipt(self, product, names, partner=None):
        picking = self._create_receipt(product, len(names), partner=partner)
        move = picking.move_ids
        lines = move.move_line_ids.sorted("id")
        self.assertEqual(len(lines), len(names))
        for line, name in zip(lines, names, strict=True):
            line.lot_name = name
        move.picked = True
        return picking

    def _validate(self, picking, fast):
        lines = picking.move_ids.move_line_ids
        if fast:
            qualify = {
                "incoming": lines._serial_fast_receipt_lines,
                "internal": lines._serial_fast_internal_lines,
            }.get(picking.picking_type_id.code, lines._serial_fast_delivery_lines)
            self.assertIsNotNone(qualify(), "the batch should take the fast path")
        # With the chatter on (tests often run without), which Odoo writes per unit.
        res = picking.with_context(
            serial_fast_off=not fast,
            skip_expired=True,
            tracking_disable=False,
            mail_create_nolog=False,
            mail_notrack=False,
        ).button_validate()
        self.env.flush_all()
        return res

    # ---- snapshots -----------------------------------------------------------
    def _rows(self, records, tokens, replace=()):
        """Normalised stored values of ``records``, sorted: relations to records of
        one side become tokens, texts lose that side's names."""
        names = [
            name
            for name, field in records._fields.items()
            if field.store
            and name not in SKIPPED
            and field.type
            not in (
                "one2many",
                "many2many",
                "binary",
                "properties",
                "properties_definition",
            )
        ]
        rows = []
        for record in records:
            row = []
            for name in names:
                value = record[name]
                field = records._fields[name]
                if field.type == "many2one":
                    row.append((name, tokens.get((value._name, value.id), value.id)))
                    continue
                if field.type == "many2one_reference":
                    key = (record[field.model_field], value)
                    row.append((name, tokens.get(key, value)))
                    continue
                if isinstance(value, str):
                    for old, new in replace:
                        value = value.replace(old, new)
                row.append((name, str(value)))
            rows.append(tuple(row))
        return sorted(rows)

    def _snapshot(self, product, replace=()):
        """``replace``: more (text, token) pairs that differ by side (e.g. the
        name of a recall that made the transfer)."""
        env = self.env
        env.invalidate_all()
        moves = env["stock.move"].search([("product_id", "=", product.id)])
        lines = env["stock.move.line"].search([("product_id", "=", product.id)])
        lots = env["stock.lot"].search([("product_id", "=", product.id)])
        quants = env["stock.quant"].search([("product_id", "=", product.id)])
        pickings = moves.picking_id.sorted("id")
        tokens = {("product.product", product.id): "PRODUCT"}
        tokens[("product.template", product.product_tmpl_id.id)] = "TEMPLATE"
        for i, picking in enumerate(pickings.sorted("id")):
            tokens[("stock.picking", picking.id)] = f"PICKING{i}"
        for i, move in enumerate(moves.sorted("id")):
            tokens[("stock.move", move.id)] = f"MOVE{i}"
        for lot in lots:
            tokens[("stock.lot", lot.id)] = f"LOT:{lot.name}"
        for line in lines:
            tokens[("stock.move.line", line.id)] = (
                f"LINE:{tokens.get(('stock.move', line.move_id.id))}:"
                f"{line.lot_id.name or line.lot_name}"
            )
        replace = [
            *replace,
            *((picking.name, f"PICKING{i}") for i, picking in enumerate(pickings)),
        ]
        account_moves = None
        if "account_move_id" in moves._fields:
            account_moves = moves.account_move_id.sorted("id")
            for i, account_move in enumerate(account_moves):
                tokens[("account.move", account_move.id)] = f"AM{i}"
                if account_move.name and account_move.name != "/":
                    replace.append((account_move.name, f"AM{i}"))
        snapshot = {
            "pickings": self._rows(pickings, tokens, replace),
            "moves": self._rows(moves, tokens, replace),
            "lines": self._rows(lines, tokens, replace),
            "lots": self._rows(lots, tokens, replace),
            "quants": self._rows(quants, tokens, replace),
            "events": self._rows(
                env["serial.event"].search([("lot_id", "in", lots.ids)]),
                tokens,
                replace,
            ),
            "lot_messages": self._rows(
                env["mail.message"].search(
                    [("model", "=", "stock.lot"), ("res_id", "in", lots.ids)]
                ),
                tokens,
                replace,
            ),
            "lot_followers": sorted(
                (f.partner_id.id, tokens[("stock.lot", f.res_id)])
                for f in env["mail.followers"].search(
                    [("res_model", "=", "stock.lot"), ("res_id", "in", lots.ids)]
                )
            ),
            "product": (product.qty_available, product.standard_price),
        }
        if account_moves is not None:
            snapshot["account_moves"] = self._rows(account_moves, tokens, replace)
            snapshot["account_lines"] = self._rows(
                account_moves.line_ids, tokens, replace
            )
            snapshot["values"] = self._rows(
                env["product.value"].search(
                    ["|", ("move_id", "in", moves.ids), ("lot_id", "in", lots.ids)]
                ),
                tokens,
                replace,
            )
        return snapshot

    def assertSameResult(self, odoo_product, fast_product, replace=None):
        """``replace``: ``{product: [(text, token)...]}`` for :meth:`_snapshot`."""
        replace = replace or {}
        odoo = self._snapshot(odoo_product, replace.get(odoo_product, ()))
        fast = self._snapshot(fast_product, replace.get(fast_product, ()))
        self.assertEqual(odoo.keys(), fast.keys())
        for key in odoo:
            self.assertEqual(odoo[key], fast[key], f"{key} differ")
        return odoo

    # ---- deliveries ------------------------------------------------------------
    def _delivery(self, lots, partner=None):
        """A confirmed delivery of ``lots`` with exactly these serials, picked."""
        picking = self._create_delivery(lots, partner=partner)
        picking.move_ids.picked = True
        return picking

    def _stock_lots(self, product, count):
        """Receive ``count`` units of ``product`` (Odoo's path) and return them."""
        picking = self._named_receipt(
            product, [f"SN{i:05d}" for i in range(count)], partner=self.partner_1
        )
        self._validate(picking, fast=False)
        return picking.move_line_ids.lot_id.sorted("name")
