from collections import defaultdict

from odoo import api, models
from odoo.tools import SQL, split_every

from ..tools import unit_state
from ..tools.unit_state import BLOCKED_UNIT_STATES, CLOSED_STATES, INTERNAL_USAGES

# Up to this many units, the ORM (and what it has in cache) reads them: a scan
# touches one or two units, a big receipt 100,000.
SMALL_BATCH = 100
# Units whose history one statement of the delivery-move fill reads.
FILL_CHUNK = 20000


class SerialUnitStateMixin(models.AbstractModel):
    """State, holder and dates of serial units, and their timeline events: the part
    of ``stock.lot`` (which inherits this mixin) that follows a unit's life. Holds
    no fields: it works on ``stock.lot``'s."""

    _name = "serial.unit.state.mixin"
    _description = "Serial Unit State"

    def _set_sticky_state(self, state, event_type, description=False):
        """Quarantine or recall units: a quality decision recorded on their timeline."""
        self._log_events(event_type, description=description)
        self._write_unit_values({lot.id: {"unit_state": state} for lot in self})

    def _log_events(self, event_type, values_by_lot=None, **values):
        """One timeline event per unit of ``self``, in a single create: the door every
        event that is not a stock move's goes through (moves log theirs at validation,
        see ``stock.move.line._serial_log_done_events``). ``values`` go on every
        event, ``values_by_lot`` (by unit id) on one unit's."""
        values_by_lot = values_by_lot or {}
        # Timeline events are system records: only notes may be added by hand.
        return self.env["serial.event"]._serial_create_events(
            [
                {
                    **values,
                    **values_by_lot.get(lot.id, {}),
                    "lot_id": lot.id,
                    "event_type": event_type,
                }
                for lot in self
            ]
        )

    def _refresh_unit_state(self):
        """Derive state, holder and dates of serial units from quants and done moves.

        Set-based: three queries for all units, one ``write`` per distinct values.
        Quarantined and recalled units keep their state (holder and dates move).
        """
        self._serial_existing_units()._serial_refresh_existing_units()

    def _serial_refresh_existing_units(self):
        """:meth:`_refresh_unit_state` of ``self``, units known to exist and to be
        of products tracked by serial (e.g. read so by the caller already)."""
        if not self:
            return
        lots = self
        # flush only what the query reads (a full flush would recompute unrelated fields
        # in the middle of a validation)
        self.env["stock.quant"].flush_model(["lot_id", "location_id", "quantity"])
        self.env["stock.move.line"].flush_model(
            ["lot_id", "state", "quantity", "date", "location_id", "location_dest_id"]
        )
        self.env["stock.move"].flush_model(["partner_id"])
        self.env["stock.picking"].flush_model(["partner_id"])
        self.env["stock.location"].flush_model(["usage"])
        # Three independent queries keyed by unit, combined in Python: joining them in
        # SQL let stale statistics pick nested loops over thousands of units.
        ids = lots.ids
        in_stock = dict(
            self.env.execute_query(
                SQL(
                    """
                SELECT q.lot_id, SUM(q.quantity) > 0
                  FROM stock_quant q
                  JOIN stock_location l ON l.id = q.location_id
                 WHERE q.lot_id = ANY(%(ids)s) AND l.usage IN %(internal)s
              GROUP BY q.lot_id
                """,
                    ids=ids,
                    internal=INTERNAL_USAGES,
                )
            )
        )
        reserved = {
            lot_id
            for (lot_id,) in self.env.execute_query(
                SQL(
                    """
                SELECT DISTINCT ml.lot_id
                  FROM stock_move_line ml
                  JOIN stock_location l ON l.id = ml.location_id
                 WHERE ml.lot_id = ANY(%(ids)s) AND ml.state NOT IN %(closed)s
                   AND ml.quantity > 0 AND l.usage IN %(internal)s
                    """,
                    ids=ids,
                    closed=CLOSED_STATES,
                    internal=INTERNAL_USAGES,
                )
            )
        }
        history, delivery_moves = self._serial_unit_history(ids)
        values = {
            lot_id: {
                **unit_state.unit_values(
                    in_stock.get(lot_id), lot_id in reserved, history.get(lot_id)
                ),
                "delivery_move_id": delivery_moves.get(lot_id),
            }
            for lot_id in ids
        }
        lots._write_unit_values(values)

    def _serial_unit_history(self, ids):
        """The done moves of the units ``ids`` that cross the border of our stock
        (in or out), summed up per unit (see :func:`unit_state.summarize_history`):
        ``({unit id: history}, {unit id: move of its last delivery to a
        customer})``. The done lines are read by unit alone, their locations,
        transfers and moves apart (a handful): joined in one query, statistics
        that do not know a big receipt's new units yet picked nested loops over
        every location and move for each of 100,000 lines."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT lot_id, date_trunc('second', date), id, move_id, picking_id,
                       location_id, location_dest_id
                  FROM stock_move_line
                 WHERE lot_id = ANY(%s) AND state = 'done' AND quantity > 0
                   AND move_id IS NOT NULL
                """,
                ids,
            )
        )
        if not rows:
            return {}, {}

        def column(table, name, record_ids):
            return dict(
                self.env.execute_query(
                    SQL(
                        "SELECT id, %s FROM %s WHERE id = ANY(%s)",
                        SQL.identifier(name),
                        SQL.identifier(table),
                        list(record_ids),
                    )
                )
            )

        usage = column(
            "stock_location", "usage", {loc for row in rows for loc in row[5:7]}
        )
        move_partner = column("stock_move", "partner_id", {row[3] for row in rows})
        picking_partner = column(
            "stock_picking", "partner_id", {row[4] for row in rows if row[4]}
        )
        return unit_state.summarize_history(
            (
                lot_id,
                date,
                line_id,
                move_id,
                usage[src],
                usage[dst],
                picking_partner.get(picking_id) or move_partner.get(move_id),
            )
            for lot_id, date, line_id, move_id, picking_id, src, dst in rows
        )

    def _serial_fill_delivery_moves(self):
        """Set ``delivery_move_id`` of every serial unit that was delivered, by the
        rule ``_refresh_unit_state`` follows (``_serial_unit_history``: the last
        done move line taking the unit from our stock to a customer), a chunk of
        units at a time, each chunk written in one statement: the fill of the new
        column of a database that already holds units (``stock.lot._auto_init``,
        ``bench/million_db.py``). Writes SQL only: callers run it before the ORM
        reads the field."""
        self.env.flush_all()
        ids = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
                    SELECT l.id FROM stock_lot l
                      JOIN product_product p ON p.id = l.product_id
                      JOIN product_template t ON t.id = p.product_tmpl_id
                     WHERE t.tracking = 'serial'
                  ORDER BY l.id
                    """
                )
            )
        ]
        for chunk in split_every(FILL_CHUNK, ids, list):
            _history, moves = self._serial_unit_history(chunk)
            delivered = [(lot_id, move) for lot_id, move in moves.items() if move]
            if not delivered:
                continue
            lot_ids, move_ids = zip(*delivered, strict=True)
            self.env.execute_query(
                SQL(
                    """
                    UPDATE stock_lot lot SET delivery_move_id = v.move_id
                      FROM unnest(%s::int[], %s::int[]) AS v(id, move_id)
                     WHERE lot.id = v.id
                       AND lot.delivery_move_id IS DISTINCT FROM v.move_id
                    """,
                    list(lot_ids),
                    list(move_ids),
                )
            )
        self.env["stock.lot"].invalidate_model(["delivery_move_id"])

    @api.model
    def _unit_state_reservation_sql(self, reserved_id, released_id, where=None):
        """SQL that updates unit states after one reservation moved from the unit
        ``released_id`` to the unit ``reserved_id`` (a scanner swapping serials),
        as ``_refresh_unit_state`` would derive them, restricted to what a reservation
        changes (holder and dates come from done moves, which a reservation does not
        touch): the reserved unit becomes reserved; the released one, if nothing else
        reserves it, is in stock again, or returned when it last came in from a
        customer. Quarantined and recalled units keep their state. ``where`` (SQL)
        is an extra condition both statements need.

        For the hot path of a scan: the general refresh costs more than the whole
        scan. Callers run it after the move line and quants are written, then
        invalidate ``unit_state`` of both units. ``test_refresh_agrees_with_reservation
        _sql`` checks both derivations agree.
        """
        where = where or SQL("TRUE")
        return SQL(
            """
            UPDATE stock_lot
               SET unit_state = 'reserved', write_uid = %(user)s,
                   write_date = NOW() AT TIME ZONE 'UTC'
             WHERE id = %(reserved)s AND %(where)s
               AND unit_state != 'reserved' AND unit_state NOT IN %(blocked)s;
            UPDATE stock_lot lot
               SET unit_state = CASE WHEN (
                       SELECT src.usage
                         FROM stock_move_line ml
                         JOIN stock_location src ON src.id = ml.location_id
                         JOIN stock_location dst ON dst.id = ml.location_dest_id
                        WHERE ml.lot_id = lot.id AND ml.state = 'done'
                          AND ml.quantity > 0
                          AND dst.usage IN %(internal)s
                          AND src.usage NOT IN %(internal)s
                     ORDER BY date_trunc('second', ml.date) DESC, ml.id DESC
                        LIMIT 1) = 'customer' THEN 'returned' ELSE 'in_stock' END,
                   write_uid = %(user)s, write_date = NOW() AT TIME ZONE 'UTC'
             WHERE lot.id = %(released)s AND lot.unit_state = 'reserved'
               AND %(where)s
               AND NOT EXISTS (
                   SELECT 1
                     FROM stock_move_line ml
                     JOIN stock_location l ON l.id = ml.location_id
                    WHERE ml.lot_id = lot.id AND ml.quantity > 0
                      AND ml.state NOT IN %(closed)s
                      AND l.usage IN %(internal)s);
            """,
            reserved=reserved_id,
            released=released_id,
            where=where,
            user=self.env.uid,
            blocked=BLOCKED_UNIT_STATES,
            closed=CLOSED_STATES,
            internal=INTERNAL_USAGES,
        )

    def _write_unit_values(self, values_by_lot):
        """Write per-unit values, one ``write`` per distinct set of changed values.
        The current values are read in one query (big receipts refresh 100,000
        units, most of them already right).

        Without mail's tracking (``mail_notrack``) when none of these fields is
        tracked: a write of a unit otherwise records the tracked fields of every
        unit written (its product and properties) to compare them again at commit,
        5,000 units for a big delivery, for no message."""
        fnames = {"unit_state"}.union(*values_by_lot.values())
        current = self._serial_current_values(fnames)
        release = self.env.context.get("serial_release")
        groups = defaultdict(list)
        for lot_id, now in current.items():
            vals = dict(values_by_lot.get(lot_id, {}))
            if now["unit_state"] in BLOCKED_UNIT_STATES and not release:
                vals.pop("unit_state", None)
            for fname in ("receipt_date", "delivery_date", "delivery_move_id"):
                if vals.get(fname) is None:
                    vals.pop(fname, None)
            changed = {
                fname: value for fname, value in vals.items() if now[fname] != value
            }
            if changed:
                groups[tuple(sorted(changed.items()))].append(lot_id)
        units = self
        if not set(self._track_get_fields() or ()) & fnames:
            units = self.with_context(mail_notrack=True)
        for vals, lot_ids in groups.items():
            units.browse(lot_ids).write(dict(vals))

    def _serial_current_values(self, fnames):
        """``{unit id: {field: value}}`` of the units of ``self``, values as
        raw SQL gives them (records by id, empty as False). A few units (a scan) are
        read through the ORM and its cache; many (a big receipt) in one query for
        the stored columns."""
        columns = sorted(f for f in fnames if self._fields[f].column_type)
        if len(self) <= SMALL_BATCH or not columns:
            return {
                lot.id: {fname: _plain(lot[fname]) for fname in fnames} for lot in self
            }
        self.flush_model(columns)
        current = {}
        for row in self.env.execute_query(
            SQL(
                "SELECT id, %s FROM stock_lot WHERE id = ANY(%s)",
                SQL(", ").join(SQL.identifier(fname) for fname in columns),
                list(self.ids),
            )
        ):
            current[row[0]] = {
                fname: value if value is not None else False
                for fname, value in zip(columns, row[1:], strict=True)
            }
        for lot in self.browse(current):
            for fname in set(fnames).difference(columns):
                current[lot.id][fname] = _plain(lot[fname])
        return current

    def _serial_existing_units(self):
        """The units of ``self`` that exist and are of products tracked by serial: a
        few (a scan) through the ORM and its cache, many by one query of their
        products (in the order of their ids), whose tracking the ORM reads. Not
        joined to the products in SQL: with statistics that do not know a big
        receipt's new units yet, PostgreSQL reads every product for each unit
        (10,000 units: half a second on a busy machine)."""
        if len(self) <= SMALL_BATCH:
            return self.exists().filtered(
                lambda lot: lot.product_id.tracking == "serial"
            )
        units = self._serial_product_company(self.ids)
        serial = {
            product.id
            for product in self.env["product.product"]
            .sudo()
            .browse({product_id for product_id, _company_id in units.values()})
            if product.tracking == "serial"
        }
        return self.browse(
            sorted(
                lot_id
                for lot_id, (product_id, _company_id) in units.items()
                if product_id in serial
            )
        )


def _plain(value):
    """A field value as raw SQL gives it (records by id, empty as False)."""
    if isinstance(value, models.BaseModel):
        return value.id or False
    return value or False
