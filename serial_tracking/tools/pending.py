"""Pending recomputations whose outcome a fast path knows, done or dropped in bulk.

When a validation marks its moves done, the ORM marks stored fields of every
move line that depend on the move's state for recomputation, and computes them
record by record: for 10,000 lines each costs a tenth of a second or more,
for values known in advance. The helpers here give the ORM those values for all
lines at once, or drop a computation that cannot change anything, only where
the field's compute is Odoo's own.
"""

from odoo.fields import Field
from odoo.tools import SQL

from odoo.addons.stock.models.stock_move_line import (
    StockMoveLine as OdooStockMoveLine,
)

from .columns import cache_values


def skip_picked(lines):
    """Drop the pending recomputation of ``picked`` on the move lines ``lines``
    that are picked already.

    Odoo's compute (``stock.move.line._compute_picked``, on a change of the
    line's state) only ever sets ``picked`` to True (a line of a done move, or
    of a picked move with ``allow_parent_move_picked_reset``) and leaves the
    value as it is otherwise: on a line picked already it changes nothing. No
    constraint checks ``picked``. Kept when the compute is not Odoo's own."""
    field = lines._fields["picked"]
    if (
        not lines
        or field.compute != "_compute_picked"
        or type(lines)._compute_picked is not OdooStockMoveLine._compute_picked
    ):
        return
    env = lines.env
    pending = set(env.records_to_compute(field)._ids)
    if not pending:
        return
    cache = field._get_cache(env)
    idle = [
        line_id
        for line_id in lines._ids
        if line_id in pending and cache.get(line_id) is True
    ]
    if idle:
        env.remove_to_compute(field, lines.browse(idle))


def line_states(moves):
    """Compute now the pending ``state`` of the move lines of ``moves`` as the
    ORM would: Odoo's stored related field ``move_id.state``, each line its
    move's state, written into the cache (and the pending update) by the field's
    own ``write``, one call per move instead of one per line; then the lines'
    constraints on ``state``, as after a computation. The lines of other moves
    stay pending. Computed by the ORM when the field is not that plain related
    field."""
    env = moves.env
    Line = env["stock.move.line"]
    field = Line._fields["state"]
    if (
        field.related != "move_id.state"
        or not field.store
        or type(field)._compute_related is not Field._compute_related
        or type(field)._process_related is not Field._process_related
    ):
        moves.move_line_ids.mapped("state")
        return
    pending = set(env.records_to_compute(field)._ids)
    if not pending:
        return
    computed = []
    # As the related field: computed as superuser.
    for move in moves.sudo():
        ids = [line_id for line_id in move.move_line_ids._ids if line_id in pending]
        if ids:
            field.write(Line.browse(ids), move.state)
            computed += ids
    Line.browse(computed)._validate_fields(["state"])


def skip_idle_dates(records):
    """Drop the pending recomputation of the expiration and removal dates
    (product_expiry) of the move lines ``records`` on which it changes nothing: their
    product does not use expiration dates and neither the line nor its unit has
    such a date (then Odoo's computation leaves them empty). Recomputing
    100,000 lines for nothing costs seconds; it is asked for when their unit is
    set and again when their move is done (the transfer's scheduled date)."""
    Lot = records.env["stock.lot"]
    dates = [
        fname
        for fname in ("expiration_date", "removal_date")
        if fname in records._fields and fname in Lot._fields
    ]
    if not dates or not records:
        return
    fields_ = [records._fields[fname] for fname in dates]
    todo = set()
    for field in fields_:
        todo.update(records.env.records_to_compute(field)._ids)
    lines = records.browse([line_id for line_id in records._ids if line_id in todo])
    if not lines:
        return
    dated_lines = _ids_with_any(lines, dates)
    line_lots = cache_values(lines, "lot_id")
    lots = Lot.browse({lot_id for lot_id in line_lots if lot_id})
    # Units whose dates are being computed are read (computed) by the ORM; the
    # others as written so far, without reading 100,000 units into the cache.
    computing = set()
    for fname in dates:
        computing.update(records.env.records_to_compute(Lot._fields[fname])._ids)
    pending_lots = lots.browse([lot_id for lot_id in lots._ids if lot_id in computing])
    dated_lots = set(
        pending_lots.filtered(lambda lot: any(lot[fname] for fname in dates))._ids
    )
    dated_lots |= _ids_with_any(lots - pending_lots, dates)
    line_products = cache_values(lines, "product_id")
    expiring = {
        product.id
        for product in records.env["product.product"].browse(
            {product_id for product_id in line_products if product_id}
        )
        if product.use_expiration_date
    }
    idle = lines.browse(
        [
            line_id
            for line_id, lot_id, product_id in zip(
                lines._ids, line_lots, line_products, strict=True
            )
            if not (
                line_id in dated_lines or lot_id in dated_lots or product_id in expiring
            )
        ]
    )
    for field in fields_:
        records.env.remove_to_compute(field, idle)


def _ids_with_any(records, fnames):
    """Ids of ``records`` on which one of the stored fields ``fnames`` is set, as
    written so far: pending writes from the cache, the rest from the database,
    without flushing nor computing what is pending."""
    env = records.env
    fields_ = [records._fields[fname] for fname in fnames]
    dirty = set()
    for field in fields_:
        dirty.update(env._field_dirty.get(field, ()))
    ids = set(records._ids)
    found = {
        record_id
        for record_id in ids & dirty
        if any(field._get_cache(env).get(record_id) for field in fields_)
    }
    rest = [record_id for record_id in ids if record_id not in dirty]
    if not rest:
        return found
    return found | {
        record_id
        for (record_id,) in env.execute_query(
            SQL(
                "SELECT id FROM %s WHERE id = ANY(%s) AND (%s)",
                SQL.identifier(records._table),
                rest,
                SQL(" OR ").join(
                    SQL("%s IS NOT NULL", SQL.identifier(fname)) for fname in fnames
                ),
            )
        )
    }
