from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.serial_tracking.models.stock_lot import CLOSED_STATES

# How _serial_fill_lines writes each field on the move lines: SET clause, type of the
# array of values, fields written.
FILL_LINE_SQL = {
    "lot_name": (SQL("lot_name = v.value"), SQL("varchar"), ["lot_name"]),
    "lot_id": (
        SQL("lot_id = v.value, lot_name = NULL"),
        SQL("int"),
        ["lot_id", "lot_name"],
    ),
}


class StockMove(models.Model):
    _inherit = "stock.move"

    # ---- Odoo's "Generate Serials" dialog and helpers --------------------------------
    @api.model
    def action_generate_lot_line_vals(
        self, context_data, mode, first_lot, count, lot_text
    ):
        """With "First SN" left empty, the dialog draws serials from the scheme."""
        product = self.env["product.product"].browse(
            context_data.get("default_product_id")
        )
        if (
            mode == "generate"
            and not first_lot
            and product.tracking == "serial"
            and count
        ):
            location = self.env["stock.location"].browse(
                context_data.get("default_location_dest_id")
            )
            company = self.env["res.company"].browse(
                context_data.get("default_company_id")
            )
            # The dialog sends no company: the destination's, as the move's.
            scheme = product._serial_scheme(
                company or location.company_id or self.env.company
            )
            if scheme:
                names = scheme._generate_names(
                    product, count, warehouse=location.warehouse_id
                )
                return super(
                    StockMove, self.with_context(serial_scheme_lot_names=names)
                ).action_generate_lot_line_vals(
                    context_data, mode, first_lot, count, lot_text
                )
        return super().action_generate_lot_line_vals(
            context_data, mode, first_lot, count, lot_text
        )

    def _generate_serial_numbers(
        self, next_serial, next_serial_count=False, location_id=False
    ):
        self.ensure_one()
        count = next_serial_count or self.next_serial_count
        if not next_serial and count and self.product_id.tracking == "serial":
            scheme = self.product_id._serial_scheme(self.company_id)
            if scheme:
                names = self._serial_scheme_names(scheme, {self: count})[self]
                return super(
                    StockMove, self.with_context(serial_scheme_lot_names=names)
                )._generate_serial_numbers(next_serial, count, location_id)
        return super()._generate_serial_numbers(
            next_serial, next_serial_count, location_id
        )

    # ---- fast path: generate and assign every missing serial of a receipt ------------
    def _serial_scheme_names(self, scheme, count_by_move):
        """New serials per move, all counters of ``scheme`` drawn in one query."""
        total = sum(count_by_move.values())
        has_counter = scheme._compiled().has_counter
        for move in count_by_move:
            scheme._check_renderable(
                move.product_id,
                when=move.picking_id.scheduled_date or move.date,
                warehouse=move.location_dest_id.warehouse_id or move.warehouse_id,
            )
        counters = iter(scheme._next_counters(total) if has_counter else [])
        names = {}
        for move, count in count_by_move.items():
            move_counters = (
                [next(counters) for _i in range(count)] if has_counter else []
            )
            names[move] = scheme._render_for(
                move.product_id,
                move_counters,
                count,
                when=move.picking_id.scheduled_date or move.date,
                warehouse=move.location_dest_id.warehouse_id or move.warehouse_id,
            )
        return names

    def _serial_line_state(self):
        """One query over the move lines of ``self``: ``(free, other, assigned)`` where
        ``free[move]`` are the ids of its lines without serial and of quantity 1,
        ``other`` the ids of lines without serial and another quantity, and
        ``assigned[move]`` the number of lines that have a serial (lot or name)."""
        self.env["stock.move.line"].flush_model(
            ["lot_id", "lot_name", "quantity", "move_id"]
        )
        groups = self.env["stock.move.line"]._read_group(
            [("move_id", "in", self.ids)],
            ["move_id"],
            [
                "id:array_agg",
                "quantity:array_agg",
                "lot_id:array_agg",
                "lot_name:array_agg",
            ],
        )
        free, other, assigned = defaultdict(list), [], defaultdict(int)
        for move, ids, quantities, lot_ids, lot_names in groups:
            for line_id, qty, lot_id, lot_name in zip(
                ids, quantities, lot_ids, lot_names, strict=True
            ):
                if lot_id or lot_name:
                    assigned[move] += 1
                elif qty == 1:
                    free[move].append(line_id)
                else:
                    other.append(line_id)
        return free, other, assigned

    def _serial_missing_counts(self, line_state=None):
        """``{move: units still without serial}`` of the serial moves of ``self``."""
        _free, _other, assigned = line_state or self._serial_line_state()
        need = {}
        for move in self:
            missing = int(move.product_qty) - assigned[move]
            if missing > 0:
                need[move] = missing
        return need

    def action_serial_generate_from_scheme(self, create_units=True):
        """Give every unit still without serial on these moves a new serial from its
        product's scheme: one query per scheme for the counters, then

        - ``create_units=True`` (the receipt button): one bulk insert of the units, so
          they exist (labels, timeline) before the receipt is validated, one UPDATE of
          the existing move lines and one ``create`` for the missing ones;
        - ``create_units=False``: like Odoo's "Generate Serials" dialog, only the
          serial numbers go on the move lines (one UPDATE of ``lot_name``); Odoo
          creates the units when the receipt is validated.

        Nothing is written if any product lacks a scheme."""
        moves = self.filtered(
            lambda m: (
                m.product_id.tracking == "serial"
                and m.state not in CLOSED_STATES
                and m.picking_type_id.use_create_lots
            )
        )
        if not moves:
            raise UserError(
                self.env._("No serial-tracked product to generate serials for.")
            )
        line_state = moves._serial_line_state()
        need = moves._serial_missing_counts(line_state)
        if not need:
            raise UserError(
                self.env._("Every unit of these moves has a serial already.")
            )
        by_scheme = defaultdict(dict)
        missing_scheme = []
        for company, company_moves in (
            self.browse([m.id for m in need]).grouped("company_id").items()
        ):
            schemes = self.env["serial.scheme"]._for_products(
                company_moves.product_id, company
            )
            for move in company_moves:
                scheme = schemes.get(move.product_id)
                if not scheme:
                    missing_scheme.append(move.product_id.display_name)
                else:
                    by_scheme[scheme][move] = need[move]
        if missing_scheme:
            raise UserError(
                self.env._(
                    "No serial scheme applies to: %(products)s",
                    products=", ".join(sorted(set(missing_scheme))),
                )
            )
        names = {}
        for scheme, count_by_move in by_scheme.items():
            names.update(moves._serial_scheme_names(scheme, count_by_move))
        if not create_units:
            moves._serial_assign_names(names, line_state)
            return self.env["stock.lot"]
        vals_list = []
        for move, move_names in names.items():
            product_id, company_id = move.product_id.id, move.company_id.id
            vals_list += [
                {"name": name, "product_id": product_id, "company_id": company_id}
                for name in move_names
            ]
        lots = self.env["stock.lot"]._serial_bulk_create(vals_list)
        lot_ids = iter(lots.ids)
        moves._serial_assign_lots(
            {
                move: [next(lot_ids) for _name in move_names]
                for move, move_names in names.items()
            },
            line_state=line_state,
            # Units get dates only from products that use expiration dates.
            dated=any(moves.product_id.mapped("use_expiration_date")),
        )
        return lots

    def _serial_assign_names(self, names_by_move, line_state=None):
        """Put the serial numbers ``names_by_move[move]`` on the moves' lines as
        ``lot_name`` (units are created at validation, as Odoo does): free lines by
        one UPDATE (``lot_name`` is not indexed: PostgreSQL updates the rows in
        place), missing lines by one ``create``."""

        def updated(lines, _names):
            lines.modified(["lot_name"])

        self._serial_fill_lines("lot_name", names_by_move, line_state, updated)
        return True

    def _serial_assign_lots(self, lot_ids_by_move, line_state=None, dated=True):
        """Put the units ``lot_ids_by_move[move]`` (ids, in order) on the moves, one
        unit per move line: free move lines (no serial, quantity 1) take them by one
        UPDATE, lot-less lines of another quantity are removed, the remaining units go
        on new move lines (one ``create``). ``dated=False`` says no unit carries
        expiration dates (nothing computed from them to refresh on the lines)."""

        def updated(lines, lot_ids):
            self._serial_check_line_lots(lines.ids)
            if dated:
                self._serial_lines_modified(lines.ids, lot_ids)
            # Reservations from internal locations change the units' state.
            internal = self.filtered(
                lambda m: m.location_id.usage in ("internal", "transit")
            )
            if internal:
                self.env["stock.lot"].browse(
                    [
                        lot_id
                        for move in internal
                        for lot_id in lot_ids_by_move.get(move, [])
                    ]
                )._refresh_unit_state()

        self._serial_fill_lines("lot_id", lot_ids_by_move, line_state, updated)
        return True

    def _serial_fill_lines(self, fname, values_by_move, line_state, updated):
        """What :meth:`_serial_assign_names` and :meth:`_serial_assign_lots` share:
        give each value of ``values_by_move[move]`` (in order) to one line of the move,
        in field ``fname`` (``lot_name`` or ``lot_id``, which also clears
        ``lot_name``).

        The move's free lines (no serial, quantity 1; from ``line_state``, see
        :meth:`_serial_line_state`) take the values by one UPDATE, after checking the
        user may write them (the UPDATE bypasses the ORM); their cache is then
        invalidated and ``updated(lines, values)`` tells the ORM what changed. Lines
        without serial of another quantity are removed, the values left over go on
        new lines (one ``create``)."""
        free_lines, to_unlink, _assigned = line_state or self._serial_line_state()
        updates, new_lines = [], []
        for move, values in values_by_move.items():
            spare = iter(sorted(free_lines.get(move, [])))
            for value in values:
                line_id = next(spare, None)
                if line_id:
                    updates.append((line_id, value))
                else:
                    new_lines.append(
                        {**move._prepare_move_line_vals(quantity=1), fname: value}
                    )
        MoveLine = self.env["stock.move.line"]
        if to_unlink:
            MoveLine.browse(to_unlink).unlink()
        if updates:
            line_ids, values = zip(*updates, strict=True)
            lines = MoveLine.browse(line_ids)
            # The UPDATE below bypasses the ORM: check the user may write the lines.
            lines.check_access("write")
            assignments, array_type, written = FILL_LINE_SQL[fname]
            self.env.execute_query(
                SQL(
                    """
                    UPDATE stock_move_line ml
                       SET %(assignments)s,
                           write_uid = %(uid)s, write_date = now() at time zone 'UTC'
                      FROM unnest(%(line_ids)s::int[], %(values)s::%(array_type)s[])
                           AS v(id, value)
                     WHERE ml.id = v.id
                    """,
                    assignments=assignments,
                    uid=self.env.uid,
                    line_ids=list(line_ids),
                    values=list(values),
                    array_type=array_type,
                )
            )
            lines.invalidate_recordset([*written, "write_uid", "write_date"])
            updated(lines, values)
        if new_lines:
            MoveLine.create(new_lines)
        self.invalidate_recordset(["move_line_ids"])

    def _serial_check_line_lots(self, line_ids):
        """What a write of ``lot_id`` would check (Odoo's lot/product rule and the
        core's lot/company rule), for all ``line_ids`` in one query."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT lot.name
                  FROM stock_move_line ml
                  JOIN stock_lot lot ON lot.id = ml.lot_id
                 WHERE ml.id = ANY(%s)
                   AND (lot.product_id != ml.product_id
                        OR (lot.company_id IS NOT NULL
                            AND ml.company_id IS NOT NULL
                            AND lot.company_id != ml.company_id))
                 LIMIT 20
                """,
                list(line_ids),
            )
        )
        if rows:
            raise ValidationError(
                self.env._(
                    "These units are of another product or company than their move "
                    "line: %(units)s",
                    units=", ".join(name for (name,) in rows),
                )
            )

    def _serial_lines_modified(self, line_ids, lot_ids):
        """Tell the ORM that the lines' serial changed, so stored fields computed from
        it are recomputed at the next flush. In Odoo 19 + product_expiry those are the
        lines' expiration and removal dates, which only change when the new unit has
        such dates: only those lines are marked (recomputing 100,000 lines for nothing
        costs seconds). Any other stored dependent marks every line."""
        ML = self.env["stock.move.line"]
        tree = self.env.registry.get_field_trigger_tree(ML._fields["lot_id"])
        stored = set()

        def collect(node):
            stored.update(f for f in node.root if f.store)
            for sub in node.values():
                collect(sub)

        collect(tree)
        dated_only = {ML._fields.get("expiration_date"), ML._fields.get("removal_date")}
        lines = ML.browse(line_ids)
        if stored <= dated_only:
            if not stored:
                return
            self.env["stock.lot"].flush_model(["expiration_date", "removal_date"])
            dated = {
                lot_id
                for (lot_id,) in self.env.execute_query(
                    SQL(
                        "SELECT id FROM stock_lot WHERE id = ANY(%s) AND "
                        "(expiration_date IS NOT NULL OR removal_date IS NOT NULL)",
                        list(lot_ids),
                    )
                )
            }
            lines = ML.browse(
                [
                    line_id
                    for line_id, lot_id in zip(line_ids, lot_ids, strict=True)
                    if lot_id in dated
                ]
            )
        lines.modified(["lot_id", "lot_name"])
