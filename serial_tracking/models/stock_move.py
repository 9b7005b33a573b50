from collections import defaultdict

from odoo import models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from ..tools import bulk_update, pending, transfer_date
from ..tools.columns import cache_values

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

    def write(self, vals):
        if vals.get("state") == "done":
            # The date of transfer of a fast validation (see tools/transfer_date.py).
            vals = transfer_date.with_pinned(self.env, vals, "date")
        res = super().write(vals)
        if vals.get("state") == "done" and self.env.context.get("serial_defer_refresh"):
            # Done lines take their move's state (a stored related field, computed
            # at the next flush): computed now, it goes to the database with the
            # lines' other pending updates of the validation (their unit, date...),
            # in one UPDATE of every line instead of two.
            if transfer_date.pinned(self.env):
                # A fast path: one cache write per move; the lines, picked
                # already, stay picked (see tools/pending.py).
                pending.line_states(self)
                pending.skip_picked(self.move_line_ids)
            else:
                self.move_line_ids.mapped("state")
        if vals.get("state") == "done" or "date" in vals:
            # The date of done moves (validation, then the transfer's date of
            # transfer) changes the transfer's scheduled date (computed now, as
            # the next flush would), which the lines' expiration dates depend on:
            # those are not recomputed where that changes nothing.
            done = self.filtered(lambda move: move.state == "done")
            if done:
                done.picking_id.mapped("scheduled_date")
                pending.skip_idle_dates(done.move_line_ids)
        return res

    def _check_quantity(self):
        # Odoo's check (no serial twice in the destinations) builds and reads
        # every quant of the moves' units: one query tells first whether it can
        # find anything, which it then does and reports in its own words.
        if self._serial_quantity_clear():
            return None
        return super()._check_quantity()

    def _serial_quantity_clear(self):
        """Whether Odoo's ``_check_quantity`` of ``self`` is sure to find nothing:
        no (product, location, unit) of its quants (the moves' products tracked by
        serial and the units of their lines, in their destinations and below) holds
        more than one unit either way. The quants that Odoo's check groups (units
        of lines with a quantity) are among these, by the same key, so with the
        same sums; a unit more only widens the search. One query, rules
        aside as Odoo's check (superuser); the quants are looked up unit by unit
        from an array of the units (``OFFSET 0`` keeps PostgreSQL from flattening
        the lookup: as a filter or a join, statistics that do not know the new
        quants yet made it read every quant of the table)."""
        if not self:
            return True
        # The lines' units from the cache, where the validation left them (the
        # lines go to the database once, with their date of transfer), read for
        # all lines at once.
        moves = self.sudo()
        lot_ids = list(
            {lot_id for lot_id in cache_values(moves.move_line_ids, "lot_id") if lot_id}
        )
        # The products tracked by serial, read by the ORM: joined in SQL, stale
        # statistics made PostgreSQL read every product for each quant.
        products = moves.product_id.filtered(lambda p: p.tracking == "serial")
        if not products or not lot_ids:
            return True
        self.env["stock.quant"].flush_model(
            ["product_id", "location_id", "lot_id", "quantity"]
        )
        self.env["stock.location"].flush_model(["parent_path"])
        return not self.env.execute_query(
            SQL(
                """
                SELECT 1
                  FROM unnest(%(lots)s::int[]) AS u(lot_id)
                 CROSS JOIN LATERAL (
                       SELECT product_id, location_id, lot_id, quantity
                         FROM stock_quant
                        WHERE lot_id = u.lot_id
                       OFFSET 0
                       ) q
                  JOIN stock_location l ON l.id = q.location_id
                 WHERE q.product_id = ANY(%(products)s)
                   AND EXISTS (SELECT 1 FROM stock_location d
                                WHERE d.id = ANY(%(dests)s)
                                  AND l.parent_path LIKE d.parent_path || '%%')
                 GROUP BY q.product_id, q.location_id, q.lot_id
                HAVING abs(sum(q.quantity)) > 1
                 LIMIT 1
                """,
                products=products.ids,
                lots=lot_ids,
                dests=self.location_dest_id.ids,
            )
        )

    def _action_done(self, cancel_backorder=False):
        # Unit states are refreshed once for the whole validation below, not on every
        # move line write Odoo makes on the way.
        ctx = {"serial_defer_refresh": True}
        if transfer_date.KEY not in self.env.context:
            # Where a fast path pins the date of transfer (see tools/transfer_date.py).
            ctx[transfer_date.KEY] = {}
        moves = super(StockMove, self.with_context(**ctx))._action_done(
            cancel_backorder=cancel_backorder
        )
        later = self.env.context.get("serial_units_after_transfer")
        if later is not None:
            # Validated by their transfer: done once it has its date of transfer
            # (see stock.picking._action_done).
            later.extend(moves.ids)
        else:
            moves._serial_units_done()
        return moves.with_env(self.env)

    def _serial_units_done(self):
        """The timeline events and unit states of the done moves ``self``."""
        lines = self._serial_done_unit_lines()
        if lines:
            lines._serial_log_done_events()
            # Units a fast path created settled need no refresh (their state,
            # holder and dates are those the refresh would compute).
            settled = transfer_date.settled(self.env)
            lots = lines.lot_id
            lots.browse(
                [lot_id for lot_id in lots._ids if lot_id not in settled]
            )._serial_refresh_existing_units()

    def _serial_done_unit_lines(self):
        """The done lines of ``self`` that moved a serial unit (a unit, a positive
        quantity, a product tracked by serial), in two queries."""
        MoveLine = self.env["stock.move.line"]
        # The validation's pending line updates (unit, state, date...), in bulk.
        bulk_update.flush_model(MoveLine, ["move_id", "state", "lot_id", "quantity"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id, lot_id FROM stock_move_line
                 WHERE move_id = ANY(%s) AND state = 'done'
                   AND lot_id IS NOT NULL AND quantity > 0
                 ORDER BY id
                """,
                list(self.ids),
            )
        )
        units = set(
            self.env["stock.lot"]
            .browse({lot_id for _line_id, lot_id in rows})
            ._serial_existing_units()
            .ids
        )
        return MoveLine.browse(line_id for line_id, lot_id in rows if lot_id in units)

    # ---- bulk engine: serials onto move lines, shared by capture and schemes ------
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
        :meth:`_serial_line_state`) take the values by one UPDATE (its lines also
        picked by ``id = ANY``: joined on the arrays alone, the planner reads the
        whole table for a big receipt), after checking the
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
                     WHERE ml.id = v.id AND ml.id = ANY(%(line_ids)s)
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
