"""The date of transfer of a validation, pinned by a fast path.

Odoo dates a validation's moves and transfer when its code reaches them
(``stock.move._action_done``, then ``stock.picking._action_done``), seconds after
the units of a big receipt were created: the units' receipt date, which is that
date, would then have to be written again on every unit. A fast path instead
pins the moment it starts (:func:`pin`) in a dict of the context that
``stock.move._action_done`` and ``stock.picking._action_done`` provide
(:data:`KEY`), and their ``write`` give that date (:func:`pinned`) to the moves
and the transfer: every row of the validation carries one date of transfer.

The same dict holds the units a fast path creates already settled
(:func:`settle`): with the state, holder and dates that the end of the
validation gives them, which their refresh after the transfer then need not
recompute (:func:`settled`).
"""

KEY = "serial_transfer_date"


def pin(env, now):
    """The date of transfer of the validation running in ``env``: ``now`` the first
    time it is asked, pinned for the rest of the validation; ``now`` outside a
    validation (no :data:`KEY` in the context)."""
    holder = env.context.get(KEY)
    if holder is None:
        return now
    return holder.setdefault("date", now)


def pinned(env):
    """The date of transfer :func:`pin` gave the validation running in ``env``,
    or ``None``."""
    return (env.context.get(KEY) or {}).get("date")


def with_pinned(env, vals, fname):
    """``vals`` with the date of transfer :func:`pin` gave the validation running
    in ``env`` as ``fname``, when ``vals`` writes ``fname`` (for ``write``)."""
    date = pinned(env)
    if date and vals.get(fname):
        return {**vals, fname: date}
    return vals


def settle(env, lot_ids):
    """Record that the units ``lot_ids`` were created by the validation running in
    ``env`` with the state, holder and dates its end gives them (see
    ``serial.fast.receipt.mixin``); nothing outside a validation."""
    holder = env.context.get(KEY)
    if holder is not None:
        holder.setdefault("settled", set()).update(lot_ids)


def settled(env):
    """The ids of the units :func:`settle` recorded for the validation running in
    ``env`` (a set, empty outside a validation)."""
    return (env.context.get(KEY) or {}).get("settled", set())
