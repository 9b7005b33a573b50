"""The lifecycle of a serial unit as plain data: its states, the ones that block a
unit, and the usages of locations that decide where a unit is. The one source of
these facts (``models/stock_lot.py`` re-exports them for the other addons)."""

UNIT_STATES = [
    ("draft", "Not received"),
    ("in_stock", "In stock"),
    ("reserved", "Reserved"),
    ("delivered", "Delivered"),
    ("returned", "Returned"),
    ("scrapped", "Scrapped"),
    ("consumed", "Consumed"),
    ("quarantined", "Quarantined"),
    ("recalled", "Recalled"),
]
# Set by quality decisions (quarantine, recall), never by stock moves; such units are
# blocked: no flow may reserve, scan or ship them. The one list of them.
BLOCKED_UNIT_STATES = ("quarantined", "recalled")
# States of a move, move line or transfer that no flow changes any more.
CLOSED_STATES = ("done", "cancel")
# Location usages that are our stock: a unit there is in stock (or reserved).
INTERNAL_USAGES = ("internal", "transit")
# Where a unit that left our stock ended, by the usage of its last destination.
STATE_BY_EXIT_USAGE = {
    "customer": "delivered",
    "supplier": "delivered",
    "inventory": "scrapped",
    "production": "consumed",
}
HOLDER_USAGES = ("customer", "supplier")


def unit_values(in_stock, reserved, history):
    """State, holder and dates of one unit (the values ``stock.lot`` stores) from
    its facts: ``in_stock`` (it has a positive quantity in our stock),
    ``reserved`` (a line not done reserves it there) and ``history``, its done moves
    across the border of our stock summed up: ``(usage the last entry came from,
    usage the last exit went to, partner of that exit, first entry date, last
    delivery date)``, or ``None`` when it never crossed it."""
    in_usage, out_usage, partner_id, received, delivered = history or (None,) * 5
    if in_stock:
        if reserved:
            state = "reserved"
        else:
            state = "returned" if in_usage == "customer" else "in_stock"
        holder = False
    elif out_usage:
        state = STATE_BY_EXIT_USAGE.get(out_usage, "delivered")
        holder = partner_id if out_usage in HOLDER_USAGES else False
    else:
        state, holder = "draft", False
    return {
        "unit_state": state,
        "customer_id": holder or False,
        "receipt_date": received,
        "delivery_date": delivered,
    }


def summarize_history(moves):
    """The history of units (as :func:`unit_values` takes it) from their done
    moves: ``moves`` yields ``(unit id, date, line id, move id, source usage,
    destination usage, partner id)``, in any order. Moves that do not cross the
    border of our stock are left out; the last entry or exit is the greatest
    ``(date, line id)``. Returns ``({unit id: history}, {unit id: move of its last
    delivery to a customer})``."""
    # Per unit: [last entry (key, usage), last exit (key, usage, partner),
    #            first entry date, last delivery (key, date, move)]
    found = {}
    for lot_id, date, line_id, move_id, src, dst, partner_id in moves:
        inward = dst in INTERNAL_USAGES
        if (src in INTERNAL_USAGES) == inward:
            continue
        unit = found.setdefault(lot_id, [None, None, None, None])
        key = (date, line_id)
        if inward:
            if unit[0] is None or key > unit[0][0]:
                unit[0] = (key, src)
            if unit[2] is None or date < unit[2]:
                unit[2] = date
            continue
        if unit[1] is None or key > unit[1][0]:
            unit[1] = (key, dst, partner_id)
        if dst == "customer" and (unit[3] is None or key > unit[3][0]):
            unit[3] = (key, date, move_id)
    history, delivery_moves = {}, {}
    for lot_id, (entry, exit_, received, delivery) in found.items():
        history[lot_id] = (
            entry and entry[1],
            exit_ and exit_[1],
            exit_ and exit_[2],
            received,
            delivery and delivery[1],
        )
        delivery_moves[lot_id] = delivery and delivery[2]
    return history, delivery_moves
