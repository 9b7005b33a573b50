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

from odoo import fields
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


def sql_write_allowed(env):
    """Whether :func:`write_scanned_line` gives what Odoo's ``write`` gives here:
    no installed addon overrides a method it stands for (:data:`REPRODUCED`)."""
    if env.context.get(ORM_ONLY_KEY):
        return False
    for (model, method), modules in REPRODUCED.items():
        for cls in type(env[model]).__mro__:
            if method in vars(cls) and cls.__module__ not in modules:
                return False
    return True


def free_line_sql(move_id, candidate, lock):
    """The free lines of a delivery's move a scanned unit can take (unpicked,
    one unit in the product's unit), with, for :func:`write_scanned_line`, the
    quants of a strict gather (Odoo's ``_update_available_quantity``) of the line's
    reservation (how many; the one with stock holding it) and of the
    ``candidate`` unit's quant key (their ids). ``lock``: only the first one
    no other transaction holds, locked."""
    return SQL(
        """
        SELECT ml.id, ml.lot_id, old.n, old.id, new.ids
          FROM stock_move_line ml
          JOIN product_product pp ON pp.id = ml.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
     LEFT JOIN LATERAL (
               SELECT COUNT(*) AS n, MIN(q.id) FILTER (
                          WHERE q.quantity > 0 AND q.reserved_quantity >= 1) AS id
                 FROM stock_quant q
                WHERE q.product_id = ml.product_id AND q.lot_id = ml.lot_id
                  AND q.location_id = ml.location_id
                  AND q.package_id IS NOT DISTINCT FROM ml.package_id
                  AND q.owner_id IS NOT DISTINCT FROM ml.owner_id) old ON TRUE
     LEFT JOIN LATERAL (
               SELECT ARRAY_AGG(q.id) AS ids
                 FROM stock_quant q
                WHERE q.product_id = ml.product_id AND q.lot_id = %(lot)s
                  AND q.location_id = %(location)s
                  AND q.package_id IS NOT DISTINCT FROM %(package)s
                  AND q.owner_id IS NOT DISTINCT FROM %(owner)s) new ON TRUE
         WHERE ml.move_id = %(move)s AND NOT ml.picked
           AND ml.quantity = 1 AND ml.product_uom_id = pt.uom_id
           AND ml.lot_id IS NOT NULL
      ORDER BY ml.id
         %(lock)s
        """,
        move=move_id,
        lot=candidate["id"],
        location=candidate["location_id"],
        package=candidate["package_id"],
        owner=candidate["owner_id"],
        lock=SQL("LIMIT 1 FOR NO KEY UPDATE OF ml SKIP LOCKED") if lock else SQL(""),
    )


def write_scanned_line(line, vals, swap=None, also=None):
    """``line.write(vals)`` for a scan, in SQL (see the module's docstring).

    ``vals``: ``{"picked": True}`` (the reserved unit scanned), or every key of
    :data:`LINE_FIELDS` (a swap, ids). ``swap``: ``(old_quant_id, new_quant_id,
    old_lot_id)`` — the quant holding the line's reservation now, the quant of the
    scanned unit (the strict gather of each must be that one quant, with stock),
    and the unit released. The caller holds the line's row lock. ``also``: SQL
    statements of the caller's own, sent in the same round trip (their caches are
    the caller's business); the rows of the last one are returned.
    """
    env = line.env
    assert set(vals) <= set(LINE_FIELDS) and vals.get("picked") is True
    assert (swap is None) == (set(vals) == {"picked"})
    line.check_access("write")
    names = [*vals, "date"]
    Quant, Lot = env["stock.quant"], env["stock.lot"]
    line.flush_recordset()
    line.modified(names, before=True)
    sets = [
        SQL("%s = %s", SQL.identifier(name), value if value is not False else None)
        for name, value in vals.items()
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
            stamp=env.cr.now(),
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
                stamp=env.cr.now(),
            ),
            Lot._unit_state_reservation_sql(
                reserved_id=vals["lot_id"], released_id=old_lot
            ),
        ]
    env.cr.execute(SQL("\n").join(statements + list(also or ())))
    rows = env.cr.fetchall() if also else None
    line.invalidate_recordset([*names, "write_uid", "write_date"], flush=False)
    line.modified(names)
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
