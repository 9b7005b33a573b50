from collections import defaultdict

from odoo import fields, models
from odoo.tools import SQL


class SerialFastReceiptMixin(models.AbstractModel):
    """The fast path of validating big receipts of serial units: the part of
    ``stock.move.line`` (which inherits this mixin) that does Odoo's
    ``_action_done`` batch by batch for receipts whose outcome per unit is known in
    advance (see :meth:`_serial_fast_receipt_lines`). Holds no fields."""

    _name = "serial.fast.receipt.mixin"
    _description = "Serial Fast Receipt Validation"

    def _serial_fast_receipt_lines(self):
        """``{line: existing unit or None}`` when every line of ``self`` qualifies for
        the fast path, else ``None`` (Odoo's own path).

        A line qualifies when its outcome in Odoo's loop is known without running it:
        one unit (quantity 1 in the product's own unit) of a storable product tracked
        by serial, from a location that bypasses reservation (vendor, customer,
        inventory, production) into an internal one, with a serial (unit or name, the
        name unique in the batch), no package, no owner, not an inventory line, on a
        move of an operation type that creates serials; and its unit has no quant
        anywhere yet (a unit that was in stock before, a return, goes Odoo's way), nor
        the product a positive untracked quant at the source (Odoo would compensate
        with it). One company per batch."""
        if not self._serial_fast_common_checks():
            return None
        products = self.product_id
        if any(
            loc.usage != "internal" or loc.should_bypass_reservation()
            for loc in self.location_dest_id
        ) or not all(loc.should_bypass_reservation() for loc in self.location_id):
            return None
        if not all(move.picking_type_id.use_create_lots for move in self.move_id):
            return None
        names = defaultdict(set)
        for line in self:
            if line.lot_id:
                if line.lot_id.product_id != line.product_id:
                    return None
                continue
            if not line.lot_name or line.lot_name in names[line.product_id]:
                return None
            names[line.product_id].add(line.lot_name)
        # Serial names of existing units name those units, as in Odoo's loop.
        company = self.company_id
        existing = {}
        for product, product_names in names.items():
            for lot in self.env["stock.lot"].search(
                [
                    "|",
                    ("company_id", "=", False),
                    ("company_id", "=", company.id),
                    ("product_id", "=", product.id),
                    ("name", "in", list(product_names)),
                ]
            ):
                existing[product.id, lot.name] = lot
        lots_by_line = {}
        for line in self:
            lots_by_line[line] = line.lot_id or existing.get(
                (line.product_id.id, line.lot_name)
            )
        used = [lot.id for lot in lots_by_line.values() if lot]
        if len(used) != len(set(used)):
            return None
        Quant = self.env["stock.quant"]
        Quant.flush_model(["lot_id", "product_id", "location_id", "quantity"])
        if used and self.env.execute_query(
            SQL(
                "SELECT 1 FROM stock_quant WHERE lot_id = ANY(%s) LIMIT 1",
                used,
            )
        ):
            return None
        if self.env.execute_query(
            SQL(
                """
                SELECT 1 FROM stock_quant
                 WHERE product_id = ANY(%s) AND location_id = ANY(%s)
                   AND lot_id IS NULL AND quantity > 0
                 LIMIT 1
                """,
                products.ids,
                self.location_id.ids,
            )
        ):
            return None
        return lots_by_line

    def _serial_fast_receipt_done(self, lots_by_line):
        """Odoo's ``_action_done`` for lines that qualify (see
        :meth:`_serial_fast_receipt_lines`), with the same result, batch by batch:

        - lines named after an existing unit take it, the other names become new units
          in one ``create`` of the values Odoo gives them
          (``_prepare_new_lot_vals``), and all lines get their unit in one UPDATE
          (:meth:`_serial_write_lots`);
        - each unit gets the two quants Odoo's loop creates for it (-1 at the source,
          +1 at the destination, both entered now), in one ``create``;
        - the lines' date is set in one ``write``, as Odoo's loop ends.
        """
        to_create = [line for line, lot in lots_by_line.items() if not lot]
        if to_create:
            self._serial_lock_products(self.product_id)
            Lot = self.env["stock.lot"]
            vals_list = [line._prepare_new_lot_vals() for line in to_create]
            if Lot._serial_can_create_as_odoo():
                new_lots = Lot._serial_create_as_odoo(vals_list)
            else:
                new_lots = Lot.create(vals_list)
            for line, lot in zip(to_create, new_lots, strict=True):
                lots_by_line[line] = lot
        assign = [
            (line, lot) for line, lot in lots_by_line.items() if line.lot_id != lot
        ]
        if assign:
            self._serial_write_lots(assign)
        self._serial_check_company()
        now = fields.Datetime.now()
        quant_vals = []
        for line, lot in lots_by_line.items():
            common = {
                "product_id": line.product_id.id,
                "lot_id": lot.id,
                "package_id": False,
                "owner_id": False,
                "in_date": now,
            }
            quant_vals.append(
                {**common, "location_id": line.location_id.id, "quantity": -1.0}
            )
            quant_vals.append(
                {**common, "location_id": line.location_dest_id.id, "quantity": 1.0}
            )
        # As superuser, like Odoo's _update_available_quantity.
        self.env["stock.quant"].sudo()._serial_create_batch(quant_vals)
        self.write({"date": fields.Datetime.now()})

    def _serial_write_lots(self, assign):
        """What ``line.lot_id = lot`` does on each not yet done receipt line of
        ``assign`` (pairs of line, unit), in one UPDATE: on such a line (source that
        bypasses reservation) Odoo's ``write`` changes no quant, so the field, the
        cache and what depends on it remain: the ORM is told by ``modified()``.

        Odoo's stored dependents in 19.0 are the lines' expiration and removal dates
        (product_expiry). Their computation leaves a line as it is when neither its
        product uses expiration dates nor the line or its unit has such a date: those
        lines are not recomputed (100,000 recomputations cost seconds)."""
        lines = self.browse([line.id for line, _lot in assign])
        lines.check_access("write")
        self.flush_model(["lot_id"])
        self.env.execute_query(
            SQL(
                """
                UPDATE stock_move_line ml
                   SET lot_id = v.lot_id,
                       write_uid = %(uid)s, write_date = now() at time zone 'UTC'
                  FROM unnest(%(line_ids)s::int[], %(lot_ids)s::int[]) AS v(id, lot_id)
                 WHERE ml.id = v.id
                """,
                uid=self.env.uid,
                line_ids=lines.ids,
                lot_ids=[lot.id for _line, lot in assign],
            )
        )
        dates = [
            self._fields[fname]
            for fname in ("expiration_date", "removal_date")
            if fname in self._fields
        ]
        undated = lines.filtered(
            lambda line: (
                not (
                    line.product_id.use_expiration_date
                    or any(line[field.name] for field in dates)
                )
            )
        )
        lines.invalidate_recordset(["lot_id", "write_uid", "write_date"])
        lines.modified(["lot_id"])
        undated = undated.filtered(
            lambda line: not any(line.lot_id[field.name] for field in dates)
        )
        for field in dates:
            self.env.remove_to_compute(field, undated)
        lines._validate_fields(["lot_id"])

    def _serial_lock_products(self, products):
        """Serialise the creation of units of ``products`` between transactions: the
        unique-serial check only sees committed units, so two receipts naming the
        same serial at the same time would both pass it. Each fast receipt
        rewrites its products' rows (values unchanged): a second transaction doing
        the same waits for the first, then fails with a serialisation error that
        Odoo retries (request or cron), and its retry sees the first one's units."""
        self.env["product.product"].flush_model()
        self.env.execute_query(
            SQL(
                "UPDATE product_product SET write_date = write_date WHERE id = ANY(%s)",
                products.ids,
            )
        )
