"""The scan engine's one SQL helper: a scanned unit put on a delivery's move line.

A dispatch scan changes one reserved move line: it is picked (the scanned unit
was the one reserved) or its unit is replaced by the scanned one (a swap). Through
``stock.move.line.write`` that costs about thirty queries (quant gathering twice,
reads of the line, picking, move, product, locations, the unit refresh); a scan
must cost a few. :func:`write_scanned_line` leaves exactly what that ``write``
leaves, in one batch of statements:

* the line's columns (``lot_id``, ``location_id``, ``package_id``, ``owner_id``,
  ``picked``; ``date`` when it becomes picked, as Odoo's ``write`` sets it);
* for a swap, the reservation moved by one unit from the quant of the released
  unit to the quant of the scanned one (what ``_synchronize_quant`` does twice);
* the two units' states (``stock.lot._unit_state_reservation_sql``, the core's
  reservation-only derivation of ``_refresh_unit_state``);
* then the caches are invalidated and the ORM is told by ``modified()``, before
  and after, like ``write`` tells it: the stored fields Odoo or another addon
  derives from these columns (product_expiry's expiration and removal dates...)
  are recomputed by their own compute methods at flush, and the constraints on
  the written fields run (``_validate_fields``).

It is only used when :func:`sql_write_allowed` says the methods it stands for are
the ones it reproduces (an addon overriding one of them gets Odoo's ``write``), and
callers check the line's shape (one unit in the product's unit, not done, its
reservation held by exactly one quant with stock).
``tests/test_scan_sql_equivalence.py`` runs the same scans through the ORM and
through this helper and compares every stored field of the move lines, quants,
moves and units they leave.

Concurrency: it writes the rows Odoo's ``write`` writes (the line, the two quants,
the two units), nothing on the delivery or its moves (``stock.move.picked`` stays
with the caller, see ``serial.scan.dispatch._scan_mark_move_picked``).
"""

from odoo import fields, models
from odoo.tools import SQL

# Context key: always take Odoo's write (the equivalence test's reference path).
ORM_ONLY_KEY = "serial_scan_orm_only"

_CORE = "odoo.addons.serial_tracking.models"
# Per (model, method): the modules whose definition the helper reproduces.
REPRODUCED = {
    ("stock.move.line", "write"): (
        f"{_CORE}.stock_move_line",
        "odoo.addons.stock_account.models.stock_move_line",
        "odoo.addons.mrp.models.stock_move_line",
        "odoo.addons.stock.models.stock_move_line",
        "odoo.orm.models",
    ),
    ("stock.move.line", "_synchronize_quant"): (
        "odoo.addons.stock.models.stock_move_line",
    ),
    ("stock.quant", "write"): (
        "odoo.addons.stock.models.stock_quant",
        "odoo.orm.models",
    ),
    ("stock.quant", "_update_available_quantity"): (
        "odoo.addons.stock.models.stock_quant",
    ),
    ("stock.quant", "_update_reserved_quantity"): (
        # The core's override acts only under the context key of its batch
        # reservation (stock.move.line._serial_create_reserved_lines), never here.
        f"{_CORE}.stock_quant",
        "odoo.addons.stock.models.stock_quant",
    ),
    ("stock.quant", "_gather"): ("odoo.addons.stock.models.stock_quant",),
    ("stock.quant", "_get_gather_domain"): (
        "odoo.addons.stock.models.stock_quant",
        # Sell by scan's exclusion applies only while a move reserves (its
        # context key), never to a line's write: the same result here.
        "odoo.addons.serial_tracking_sale_scan.models.stock_quant",
    ),
    ("stock.lot", "_refresh_unit_state"): (f"{_CORE}.serial_unit_state_mixin",),
    ("stock.lot", "_write_unit_values"): (f"{_CORE}.serial_unit_state_mixin",),
}
LINE_FIELDS = ("lot_id", "location_id", "package_id", "owner_id", "picked")
# The transaction's timestamp, as the ORM stamps write_date (``cr.now()``), without
# the query that reads it.
NOW = SQL("(NOW() AT TIME ZONE 'UTC')")

# ``stock.move.line.create`` of a delivery's undone line: the modules whose
# definition create_scanned_line reproduces. stock_account's (a move value for
# valued moves: ``is_in`` / ``is_out`` are False until the move is done), mrp's
# (done lines of a production) and mrp_subcontracting's (subcontracted receipts)
# change nothing on such a line.
CREATE_REPRODUCED = {
    ("stock.move.line", "create"): (
        f"{_CORE}.stock_move_line",
        "odoo.addons.stock_account.models.stock_move_line",
        "odoo.addons.mrp.models.stock_move_line",
        "odoo.addons.mrp_subcontracting.models.stock_move_line",
        "odoo.addons.stock.models.stock_move_line",
        "odoo.orm.models",
    ),
}


def sql_write_allowed(env, reproduced=None):
    """Whether :func:`write_scanned_line` gives what Odoo's ``write`` gives here:
    no installed addon overrides a method it stands for (``reproduced``, by
    default :data:`REPRODUCED`)."""
    if env.context.get(ORM_ONLY_KEY):
        return False
    for (model, method), modules in (reproduced or REPRODUCED).items():
        for cls in type(env[model]).__mro__:
            if method in vars(cls) and cls.__module__ not in modules:
                return False
    return True


# product_expiry's dates of a move line, derived from its unit: when these compute
# methods are product_expiry's own and the operation type creates no lots, a swap
# sets them in its UPDATE (what those methods compute there) instead of the ORM
# reading the unit, the operation and its type again to recompute them.
EXPIRY_DATES = ("expiration_date", "removal_date")
EXPIRY_REPRODUCED = {
    ("stock.move.line", "_compute_expiration_date"): (
        "odoo.addons.product_expiry.models.stock_move_line",
    ),
    ("stock.move.line", "_compute_removal_date"): (
        "odoo.addons.product_expiry.models.stock_move_line",
    ),
}


def expiry_dates_in_sql(env, use_create_lots):
    """Whether a swap's UPDATE sets the line's expiry dates (see
    :data:`EXPIRY_DATES`): product_expiry's fields exist with their own
    computations and the operation type creates no lots (``use_create_lots``),
    where those computations take the unit's dates when it has them and leave
    the line's otherwise."""
    fields_ = env["stock.move.line"]._fields
    return (
        not use_create_lots
        and all(name in fields_ for name in EXPIRY_DATES)
        and sql_write_allowed(env, EXPIRY_REPRODUCED)
    )


def write_scanned_line(
    line, vals, swap=None, also=None, expiry_sql=False, first=None, reserved=True
):
    """``line.write(vals)`` for a scan, in SQL (see the module's docstring).

    ``vals``: ``{"picked": True}`` (the reserved unit scanned), or every key of
    :data:`LINE_FIELDS` (a swap, ids). ``swap``: ``(old_quant_id, new_quant_id,
    old_lot_id)`` — the quant holding the line's reservation now, the quant of the
    scanned unit (the strict gather of each must be that one quant, with stock),
    and the unit released. The caller holds the line's row lock. ``also``: SQL
    statements of the caller's own, sent in the same round trip (their caches are
    the caller's business); the rows of the last one are returned.
    ``expiry_sql``: set the expiry dates in the UPDATE of a swap
    (:func:`expiry_dates_in_sql` says when that is what Odoo computes).
    ``first``: the caller's statements sent before the line's (a savepoint, the
    scan row), in the same round trip.
    ``reserved=False``: the line's move bypasses the reservation (a receipt from
    a vendor: ``stock.location.should_bypass_reservation``), so no quant holds
    it and its unit is set without a swap (``vals``: ``lot_id`` and ``picked``).
    """
    env = line.env
    assert set(vals) <= set(LINE_FIELDS) and vals.get("picked") is True
    assert (swap is None) == (set(vals) == {"picked"} or not reserved)
    line.check_access("write")
    names = [*vals, "date"]
    Quant, Lot = env["stock.quant"], env["stock.lot"]
    line.flush_recordset()
    # As Odoo's write: before the change, only what depends on a relation.
    relational = [name for name in names if line._fields[name].relational]
    if relational:
        line.modified(relational, before=True)
    sets = [
        SQL("%s = %s", SQL.identifier(name), value if value is not False else None)
        for name, value in vals.items()
    ]
    expiry_sql = bool(expiry_sql and swap)
    if expiry_sql:
        sets += [
            SQL(
                "%(name)s = COALESCE("
                "(SELECT %(name)s FROM stock_lot WHERE id = %(lot)s), %(name)s)",
                name=SQL.identifier(name),
                lot=vals["lot_id"],
            )
            for name in EXPIRY_DATES
        ]
    statements = [
        SQL(
            """
            UPDATE stock_move_line
               SET %(sets)s,
                   date = CASE WHEN NOT picked
                                AND state NOT IN ('draft', 'cancel', 'done')
                               THEN %(now)s ELSE date END,
                   write_uid = %(uid)s, write_date = %(stamp)s
             WHERE id = %(line)s;
            """,
            sets=SQL(", ").join(sets),
            now=fields.Datetime.now(),
            uid=env.uid,
            stamp=NOW,
            line=line.id,
        )
    ]
    quants = lots = None
    if swap:
        old_quant, new_quant, old_lot = swap
        quants = Quant.browse([old_quant, new_quant])
        lots = Lot.browse([vals["lot_id"], old_lot])
        Quant.flush_model(["reserved_quantity"])
        Lot.flush_model(["unit_state"])
        statements += [
            SQL(
                """
                UPDATE stock_quant
                   SET reserved_quantity = GREATEST(0, reserved_quantity
                           + CASE WHEN id = %(new)s THEN 1 ELSE -1 END),
                       write_uid = %(uid)s, write_date = %(stamp)s
                 WHERE id IN (%(old)s, %(new)s);
                """,
                old=old_quant,
                new=new_quant,
                uid=env.uid,
                stamp=NOW,
            ),
            Lot._unit_state_reservation_sql(
                reserved_id=vals["lot_id"], released_id=old_lot
            ),
        ]
    env.cr.execute(
        SQL("\n").join([*(first or ()), *statements, *(also or ())]),
        log_exceptions=False,
    )
    rows = env.cr.fetchall() if also else None
    dates = list(EXPIRY_DATES) if expiry_sql else []
    line.invalidate_recordset([*names, *dates, "write_uid", "write_date"], flush=False)
    for name, value in vals.items():  # what was written, known: not read again
        field = line._fields[name]
        field._insert_cache(line, [value or None if field.relational else value])
    line.modified(names + dates)
    for name in dates:  # what their computation would write is written
        env.remove_to_compute(line._fields[name], line)
    if swap:
        quants.invalidate_recordset(
            ["reserved_quantity", "write_uid", "write_date"], flush=False
        )
        quants.modified(["reserved_quantity"])
        lots.invalidate_recordset(
            ["unit_state", "write_uid", "write_date"], flush=False
        )
        lots.modified(["unit_state"])
        quants._validate_fields(["reserved_quantity"])
        lots._validate_fields(["unit_state"])
    line._validate_fields(names)
    return rows


def sql_create_allowed(env):
    """Whether :func:`create_scanned_line` gives what Odoo's ``create`` gives
    here (its methods and the quant and unit methods of :data:`REPRODUCED`)."""
    return sql_write_allowed(env, {**REPRODUCED, **CREATE_REPRODUCED})


# A new line's stored field computed from its values, which create_scanned_line
# sets in its round trip when this compute method is stock's own: the quantity
# in the product's unit (the quantity, for a line in the product's unit).
DERIVED_REPRODUCED = {
    ("stock.move.line", "_compute_quantity_product_uom"): (
        "odoo.addons.stock.models.stock_move_line",
    ),
}


def create_scanned_line(
    env, vals, quant_id, also=None, in_product_uom=False, dates=None, move_state=None
):
    """``stock.move.line.create(vals)`` for a scanned unit on a delivery's move
    that has no line left to take, as ``(line, rows)``.

    ``vals``: the line's values (``move_id``, ``picking_id``, ``product_id``,
    ``product_uom_id``, ``lot_id``, ``location_id``, ``location_dest_id``,
    ``package_id``, ``owner_id``, ``quantity`` 1, ``picked``); ``quant_id``: the
    quant of the unit, the only one of its strict gather (the caller checks).

    The row is created by the ORM's own ``create`` (``BaseModel.create``:
    defaults, precomputed and related fields, the recomputations and constraints
    it triggers), without the ``stock.move.line.create`` overrides this stands
    for (:data:`CREATE_REPRODUCED`), whose effects on such a line follow in one
    round trip: the company of the move, the unit's quant reservation (what
    ``_update_reserved_quantity`` does), the unit's state
    (``_unit_state_reservation_sql``), then ``also(line)``, the caller's
    statements (the rows of the last one are returned). The move's state
    (``_recompute_state``) is the caller's: it is a row every scanner of the
    move shares. ``tests/test_scan_sql_equivalence.py`` compares the result
    with Odoo's ``create``.

    What the ORM would compute on the new row from its values, reading the
    product, the unit, the delivery and its type again, is set in the same round
    trip: with ``in_product_uom`` (the caller read that the line's unit is its
    product's), its quantity in the product's unit (:data:`DERIVED_REPRODUCED`);
    ``dates``: its unit's expiry dates ``{name: value}`` (:data:`EXPIRY_DATES`, as
    the lookup read them), which it takes when :func:`expiry_dates_in_sql`;
    ``move_state``: the move's state as the caller read it under the move's
    lock, the line's stored ``state`` (stock's ``related`` of it).
    """
    MoveLine, Quant, Lot = env["stock.move.line"], env["stock.quant"], env["stock.lot"]
    move = env["stock.move"].browse(vals["move_id"])
    MoveLine.check_access("create")
    vals = {**vals, "company_id": move.company_id.id}
    line = models.BaseModel.create(MoveLine, [vals])
    quant, lot = Quant.browse(quant_id), Lot.browse(vals["lot_id"])
    Quant.flush_model(["reserved_quantity"])
    Lot.flush_model(["unit_state"])
    statements = [
        SQL(
            """
            UPDATE stock_quant
               SET reserved_quantity = reserved_quantity + 1,
                   write_uid = %(uid)s, write_date = %(stamp)s
             WHERE id = %(quant)s;
            """,
            quant=quant_id,
            uid=env.uid,
            stamp=NOW,
        ),
        Lot._unit_state_reservation_sql(reserved_id=lot.id, released_id=None),
    ]
    derived = {}
    if in_product_uom and sql_write_allowed(env, DERIVED_REPRODUCED):
        derived["quantity_product_uom"] = vals["quantity"]
    derived.update(dates or {})
    if move_state and MoveLine._fields["state"].related == "move_id.state":
        derived["state"] = move_state
    if derived:
        statements.append(
            SQL(
                "UPDATE stock_move_line SET %s WHERE id = %s;",
                SQL(", ").join(
                    SQL("%s = %s", SQL.identifier(name), value)
                    for name, value in derived.items()
                ),
                line.id,
            )
        )
    statements += also(line) if also else ()
    env.cr.execute(SQL("\n").join(statements))
    rows = env.cr.fetchall() if also else None
    for name, value in derived.items():  # what their computation would write
        field = line._fields[name]
        env.remove_to_compute(field, line)
        field._update_cache(line, field.convert_to_cache(value, line))
    quant.invalidate_recordset(
        ["reserved_quantity", "write_uid", "write_date"], flush=False
    )
    quant.modified(["reserved_quantity"])
    lot.invalidate_recordset(["unit_state", "write_uid", "write_date"], flush=False)
    lot.modified(["unit_state"])
    quant._validate_fields(["reserved_quantity"])
    lot._validate_fields(["unit_state"])
    return line, rows
