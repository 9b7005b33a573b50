"""Pending recomputations whose outcome a fast path knows, done or dropped in bulk.

When a validation marks its moves done, the ORM marks stored fields of every
move line that depend on the move's state for recomputation, and computes them
record by record: for 10,000 lines each costs a tenth of a second or more,
for values known in advance. The helpers here give the ORM those values for all
lines at once, or drop a computation that cannot change anything, only where
the field's compute is Odoo's own.
"""

from odoo.fields import Field

from odoo.addons.stock.models.stock_move_line import (
    StockMoveLine as OdooStockMoveLine,
)


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
