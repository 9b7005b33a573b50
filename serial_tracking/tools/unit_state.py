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
