"""How a sell scan sets the quotation's totals after its line changed (a new line,
or one more unit), shared by both writes of ``serial.scan.sale._scan_apply``.

The totals move by the line's change when they are the sums of the lines'
(:mod:`.order_totals`, taxes rounded per line), or come from the sums of the
lines' bases per set of taxes (:mod:`.order_totals_global`, taxes rounded
globally); else Odoo computes them. The fields the scan sets are protected
(``env.protecting``) while the line changes, so that Odoo does not recompute them.
"""

from . import order_totals, order_totals_global


def plan(env, info):
    """``(globally, totals)`` for the order locked in ``info``: the sums of its
    lines' bases per set of taxes when the totals come from them (else None), and
    the order's total fields the scan sets itself, to protect while its line
    changes (``[]`` when Odoo computes them)."""
    globally = order_totals_global.bases(env, info)
    totals = order_totals.total_fields(env, info) or order_totals_global.total_fields(
        env, globally
    )
    return globally, totals


def move(env, order, info, line, globally, before, change):
    """Set the order's totals (protected) after its ``line`` changed and write
    them, and say whether it did: by the line's ``change`` of subtotal and total
    when they are the sums of the lines', from the sums of the lines' bases
    ``globally`` moved by the line's change from ``before``. False when Odoo
    must compute them (:func:`compute`)."""
    if globally is not None:
        after = order_totals_global.line_base(line)
        order_totals_global.move(globally, before, after)
        moved = order_totals_global.set_totals(order, globally)
    elif order_totals.total_fields(env, info):
        order_totals.add_line_change(order, info, *change)
        moved = True
    else:
        moved = False
    if moved:
        env.flush_all()
    return moved


def compute(env, order, totals, moved):
    """Unless the scan set them (``moved``), let Odoo compute the order's
    ``totals`` fields, protected while the line changed, and write all."""
    if not moved:
        for field in totals:
            env.add_to_compute(field, order)
    env.flush_all()
