from collections import defaultdict

from odoo import fields, models
from odoo.tools import SQL, split_every

from odoo.addons.stock.models.stock_move_line import (
    StockMoveLine as OdooStockMoveLine,
)

from ..tools import (
    columns,
    constraints,
    lot_vals,
    pending,
    transfer_date,
    unit_state,
)

# Lines of a fast receipt done together: units, lines and quants of one chunk at a
# time (the background validation reports its progress after each).
FAST_RECEIPT_CHUNK = 10000


class SerialFastReceiptMixin(models.AbstractModel):
    """The fast path of validating big receipts of serial units: the part of
    ``stock.move.line`` (which inherits this mixin) that does Odoo's
    ``_action_done`` batch by batch for receipts whose outcome per unit is known in
    advance (see :meth:`_serial_fast_receipt_lines`). Holds no fields."""

    _name = "serial.fast.receipt.mixin"
    _description = "Serial Fast Receipt Validation"

    def _serial_fast_receipt_lines(self, rows=None):
        """``{line id: id of its existing unit or None}`` when every line of ``self``
        qualifies for the fast path, else ``None`` (Odoo's own path).

        A line qualifies when its outcome in Odoo's loop is known without running it:
        one unit (quantity 1 in the product's own unit) of a storable product tracked
        by serial, from a location that bypasses reservation (vendor, customer,
        inventory, production) into an internal one, with a serial (unit or name, the
        name unique in the batch), no package, no owner, not an inventory line, on a
        move of an operation type that creates serials; and its unit has no quant
        anywhere yet (a unit that was in stock before, a return, goes Odoo's way), nor
        the product a positive untracked quant at the source (Odoo would compensate
        with it). One company per batch."""
        if rows is None:  # else: the common checks' rows, already read
            rows = self._serial_fast_common_checks()
        if rows is None:
            return None
        if not self._serial_fast_crossing(rows, into_stock=True):
            return None
        moves = self.env["stock.move"].browse({row.move_id for row in rows})
        if not all(move.picking_type_id.use_create_lots for move in moves):
            return None
        names = defaultdict(set)
        for row in rows:
            if row.lot_id:
                if row.lot_product_id != row.product_id:
                    return None
                continue
            if not row.lot_name or row.lot_name in names[row.product_id]:
                return None
            names[row.product_id].add(row.lot_name)
        # Serial names of existing units name those units, as in Odoo's loop.
        company = self.company_id
        existing = {}
        for product_id, product_names in names.items():
            for lot in self.env["stock.lot"].search_fetch(
                [
                    "|",
                    ("company_id", "=", False),
                    ("company_id", "=", company.id),
                    ("product_id", "=", product_id),
                    ("name", "in", list(product_names)),
                ],
                ["name"],
            ):
                existing[product_id, lot.name] = lot.id
        lots_by_line = {
            row.id: row.lot_id or existing.get((row.product_id, row.lot_name))
            for row in rows
        }
        used = [lot_id for lot_id in lots_by_line.values() if lot_id]
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
        if Quant._serial_lotless_stock(
            names.keys() | {row.product_id for row in rows},
            {row.location_id for row in rows},
        ):
            return None
        return lots_by_line

    def _serial_fast_receipt_done(self, lots_by_line):
        """Odoo's ``_action_done`` for lines that qualify (see
        :meth:`_serial_fast_receipt_lines`), with the same result, batch by batch:

        - lines named after an existing unit take it, the other names become new units
          in one ``create`` of the values Odoo gives them
          (``_prepare_new_lot_vals``), created already in the state and location
          that the end of the validation gives them (the refresh of unit states
          then corrects at most their receipt date, which is the lines' date of
          transfer, a moment later), and all lines get their unit
          (:meth:`_serial_write_lots`);
        - each unit gets the two quants Odoo's loop creates for it (-1 at the source,
          +1 at the destination, both entered now), in one ``create``;
        - the lines' date is set in one ``write``, as Odoo's loop ends.

        The moment it starts is the date of transfer of the whole validation
        (``tools/transfer_date.py``): the new units are created with it as their
        receipt date, which the refresh of their state after the transfer then
        finds right (a rewrite of 100,000 units' dates costs seconds).

        Done :data:`FAST_RECEIPT_CHUNK` lines at a time; in a background
        validation (context ``serial_validation_progress``: the transfer's id) the
        units done so far are reported on the transfer after each chunk.
        """
        now = transfer_date.pin(self.env, fields.Datetime.now())
        lines = self.browse(list(lots_by_line))
        if any(not lot_id for lot_id in lots_by_line.values()):
            self._serial_lock_products(self.product_id)
        # Chunk by chunk: the background validation shows its progress per unit.
        progress = self.env.context.get("serial_validation_progress")
        done = 0
        # Serial uniqueness is checked once for the units of every chunk (each
        # check reads every unit of the product).
        new_lot_ids = []
        chunks = self.with_context(serial_unique_deferred=new_lot_ids)
        for chunk_ids in split_every(FAST_RECEIPT_CHUNK, lines.ids, list):
            chunk = chunks.browse(chunk_ids)
            chunk._serial_fast_receipt_chunk(
                {line_id: lots_by_line[line_id] for line_id in chunk_ids}, now
            )
            done += len(chunk_ids)
            if progress:
                self.env["serial.validation.progress"]._serial_report([progress], done)
        if new_lot_ids:
            self.env["stock.lot"]._serial_check_unique_sql(new_lot_ids)
        self.write({"date": now})

    def _serial_fast_receipt_chunk(self, lots_by_line, now):
        """One chunk of :meth:`_serial_fast_receipt_done`: units, lines, quants."""
        lines = self.browse(list(lots_by_line))
        to_create = lines.browse(
            [line_id for line_id, lot_id in lots_by_line.items() if not lot_id]
        )
        new_lot_ids = set()
        if to_create:
            Lot = self.env["stock.lot"]
            sources = columns.cache_values(to_create, "location_id")
            usage = {
                loc.id: loc.usage
                for loc in self.env["stock.location"].browse(set(sources))
            }
            states = {
                source_id: unit_state.unit_values(
                    True, False, (usage[source_id], None, None, now, None)
                )["unit_state"]
                for source_id in usage
            }
            vals_list = [
                {
                    **vals,
                    "unit_state": states[source_id],
                    "receipt_date": now,
                    "location_id": dest_id,
                }
                for vals, source_id, dest_id in zip(
                    lot_vals.new_lot_vals(to_create),
                    sources,
                    columns.cache_values(to_create, "location_dest_id"),
                    strict=True,
                )
            ]
            if Lot._serial_can_create_as_odoo():
                new_lots = Lot._serial_create_as_odoo(vals_list)
                # Their one move is this line's (into our stock, from outside):
                # the refresh after the transfer would give them these values.
                transfer_date.settle(self.env, new_lots.ids)
            else:
                new_lots = Lot.create(vals_list)
            new_lot_ids = set(new_lots.ids)
            for line, lot_id in zip(to_create.ids, new_lots.ids, strict=True):
                lots_by_line[line] = lot_id
        lines._serial_write_lots(lots_by_line)
        lines._serial_check_company()
        quant_vals = []
        for line_id, product_id, source_id, dest_id in zip(
            lines._ids,
            *(
                columns.cache_values(lines, fname)
                for fname in ("product_id", "location_id", "location_dest_id")
            ),
            strict=True,
        ):
            common = {
                "product_id": product_id or False,
                "lot_id": lots_by_line[line_id],
                "package_id": False,
                "owner_id": False,
                "in_date": now,
            }
            quant_vals.append({**common, "location_id": source_id, "quantity": -1.0})
            quant_vals.append({**common, "location_id": dest_id, "quantity": 1.0})
        # As superuser, like Odoo's _update_available_quantity.
        self.env["stock.quant"].sudo()._serial_create_batch(quant_vals)
        # A new unit's one positive quant is at the location it was created with:
        # its location (stock's compute from its quants) stays what it is.
        self.env.remove_to_compute(
            self.env["stock.lot"]._fields["location_id"],
            self.env["stock.lot"].browse(new_lot_ids),
        )

    def _serial_write_lots(self, lots_by_line):
        """What ``line.lot_id = lot`` does on each not yet done receipt line
        (``lots_by_line``: line id -> unit id), without a write per line: on such a
        line (source that bypasses reservation) Odoo's ``write`` changes no quant, so
        what remains is the field's own write (cache and pending update, flushed
        with the lines' other pending updates) and what depends on it, which the ORM
        is told by ``modified()``.

        Odoo's stored dependents in 19.0 are the lines' expiration and removal dates
        (product_expiry). Their computation leaves a line as it is when neither its
        product uses expiration dates nor the line or its unit has such a date: those
        lines are not recomputed (100,000 recomputations cost seconds)."""
        lines = self.browse(list(lots_by_line))
        field = self._fields["lot_id"]
        Lot = self.env["stock.lot"]
        assign = [
            (line_id, lot_id)
            for line_id, current, lot_id in zip(
                lines._ids,
                columns.cache_values(lines, "lot_id"),
                lots_by_line.values(),
                strict=True,
            )
            if (current or False) != lot_id
        ]
        if not assign:
            return
        lines = self.browse([line_id for line_id, _lot_id in assign])
        lines.check_access("write")
        lines.modified(["lot_id"], before=True)
        if self.pool.field_inverses[field]:
            for line_id, lot_id in assign:
                field.write(lines.browse(line_id), Lot.browse(lot_id))
        else:
            # The field's write per line, for all lines at once: no inverse
            # one2many to update, the lines' cached values differ (see above).
            self.env.remove_to_compute(field, lines)
            cache = field._get_cache(self.env)
            for line_id, lot_id in assign:
                cache[line_id] = lot_id
            self.env._field_dirty[field].update(lines._ids)
        lines.modified(["lot_id"])
        pending.skip_idle_dates(lines)
        lines._serial_validate_lots()

    def _serial_validate_lots(self):
        """``_validate_fields(["lot_id"])`` of the lines ``self`` once their unit is
        set: Odoo's check that a line's unit is of its product and the core's that
        it is of its company read only those four values, so they run once per
        distinct (product, company, unit's product, unit's company) (see
        :func:`~odoo.addons.serial_tracking.tools.constraints.validate_fields`);
        the units' values in one query."""
        # Imported here: that module defines stock.lot's extension, which needs
        # the mixins of this package registered first.
        from .stock_move_line import StockMoveLine

        lot_ids = columns.cache_values(self, "lot_id")
        units = self.env["stock.lot"]._serial_product_company(
            {lot_id for lot_id in lot_ids if lot_id}
        )
        keys = {
            line_id: (product_id or False, company_id or False, units.get(lot_id))
            for line_id, product_id, company_id, lot_id in zip(
                self._ids,
                columns.cache_values(self, "product_id"),
                columns.cache_values(self, "company_id"),
                lot_ids,
                strict=True,
            )
        }
        constraints.validate_fields(
            self,
            ["lot_id"],
            {
                OdooStockMoveLine._check_lot_product: keys.__getitem__,
                StockMoveLine._check_lot_company: keys.__getitem__,
            },
        )

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
