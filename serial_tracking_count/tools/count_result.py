"""What a count found, in plain Python (no ORM, no database).

``serial.count._count_result`` reads the location's quants and the count's scans
(one query each) and hands the rows to these functions; they are tested without a
database (``tests/test_count_result.py``).
"""

from collections import defaultdict
from dataclasses import dataclass

# Why a scanned unit is not one this location expected.
REASON_ELSEWHERE = "elsewhere"  # in our stock at another location: moved here
REASON_RESERVED = "reserved"  # reserved there by another transfer: left alone
REASON_NOT_IN_STOCK = "not_in_stock"  # delivered, scrapped, never received: found
REASON_UNKNOWN = "unknown"  # no unit has the serial: received if allowed
REASON_MOVED = "moved"  # left this location after it was scanned: not counted twice


@dataclass(frozen=True)
class QuantRow:
    """A quant under the counted location."""

    id: int
    lot_id: int | None
    product_id: int
    quantity: float
    tracking: str


@dataclass(frozen=True)
class ScanRow:
    """The count's scans of one (product, unit or batch, unknown name)."""

    lot_id: int | None
    product_id: int
    lot_name: str | None
    is_serial: bool
    quantity: float
    first_scan: object  # datetime of the first scan


@dataclass(frozen=True)
class Stranger:
    """A scanned serial unit not recorded here: where it is (one query)."""

    lot_id: int
    product_id: int
    quant_id: int | None  # its quant in our stock elsewhere
    reserved: bool
    left_at: object  # last time it left the counted location (done move line)


def split_serials(quants, scans):
    """``(found, missing, strangers, unknown)`` of serial units: ``found``
    ``[(lot_id, product_id)]`` scanned and recorded here, ``missing`` ``[QuantRow]``
    recorded here and not scanned, ``strangers`` ``{lot_id: first scan}`` scanned
    units not recorded here, ``unknown`` the unexpected dicts of scanned serials no
    unit has."""
    here = {
        q.lot_id: q
        for q in quants
        if q.tracking == "serial" and q.lot_id and q.quantity > 0
    }
    scanned = {s.lot_id: s for s in scans if s.is_serial and s.lot_id}
    found = [(lot_id, s.product_id) for lot_id, s in scanned.items() if lot_id in here]
    missing = [q for lot_id, q in here.items() if lot_id not in scanned]
    strangers = {
        lot_id: s.first_scan for lot_id, s in scanned.items() if lot_id not in here
    }
    unknown = [
        unexpected(False, s.product_id, REASON_UNKNOWN, lot_name=s.lot_name)
        for s in scans
        if s.is_serial and not s.lot_id
    ]
    return found, missing, strangers, unknown


def unexpected(lot_id, product_id, reason, quant_id=False, lot_name=False):
    return {
        "lot_id": lot_id,
        "product_id": product_id,
        "lot_name": lot_name,
        "reason": reason,
        "quant_id": quant_id,
    }


def stranger_reasons(strangers, scanned_at):
    """The unexpected dicts of scanned units recorded elsewhere (``Stranger``)."""
    result = []
    for row in strangers:
        # move line dates are stored to the second, scan times are not
        first = scanned_at[row.lot_id].replace(microsecond=0)
        if row.left_at and row.left_at >= first:
            reason = REASON_MOVED
        elif row.quant_id:
            reason = REASON_RESERVED if row.reserved else REASON_ELSEWHERE
        else:
            reason = REASON_NOT_IN_STOCK
        result.append(
            unexpected(row.lot_id, row.product_id, reason, row.quant_id or False)
        )
    return result


def quantities(quants, scans):
    """Per (product, batch, unknown batch name) of untracked and batch products:
    ``expected`` (recorded here) and ``counted``."""
    expected = defaultdict(float)
    for q in quants:
        if q.tracking != "serial":
            expected[q.product_id, q.lot_id or False, False] += q.quantity
    counted = defaultdict(float)
    for s in scans:
        if not s.is_serial:
            counted[s.product_id, s.lot_id or False, s.lot_name or False] += s.quantity
    return [
        {
            "product_id": key[0],
            "lot_id": key[1],
            "lot_name": key[2],
            "expected": expected.get(key, 0.0),
            "counted": counted.get(key, 0.0),
        }
        for key in sorted(expected.keys() | counted.keys(), key=str)
    ]


def summary_rows(result, product_ids=()):
    """Per product: found, missing, unexpected units, expected and counted
    quantities (``{product_id: row}``); ``product_ids`` have a row even when
    nothing of them is here."""

    def row():
        return {
            "found": 0,
            "missing": 0,
            "unexpected": 0,
            "expected_qty": 0.0,
            "counted_qty": 0.0,
        }

    rows = defaultdict(row, {product_id: row() for product_id in product_ids})
    for _lot_id, product_id in result["found"]:
        rows[product_id]["found"] += 1
    for quant in result["missing"]:
        rows[quant.product_id]["missing"] += 1
    for unit in result["unexpected"]:
        rows[unit["product_id"]]["unexpected"] += 1
    for qty in result["quantities"]:
        rows[qty["product_id"]]["expected_qty"] += qty["expected"]
        rows[qty["product_id"]]["counted_qty"] += qty["counted"]
    return rows


def inventory_targets(result_quantities, quants, here_id):
    """Batches and untracked products: the quantity each quant must hold once the
    count is applied. ``quants``: ``(id, product_id, lot_id, location_id,
    quantity)`` of the counted products under the location, without package or
    owner. The quant at the counted location holds the counted quantity, those of
    its sublocations none. Returns ``({quant_id: quantity}, [(product_id, lot_id,
    quantity)])``, the second for the quants to create here."""
    by_key = defaultdict(list)
    for quant in quants:
        by_key[quant[1], quant[2] or False].append(quant)
    targets, new = {}, []
    for qty in result_quantities:
        if qty["lot_name"] and not qty["lot_id"]:
            continue  # an unknown batch: received as found, if allowed
        key_quants = by_key[qty["product_id"], qty["lot_id"]]
        at_here = next((q for q in key_quants if q[3] == here_id), None)
        for quant in key_quants:
            if quant is not at_here and quant[4]:
                targets[quant[0]] = 0.0
        if at_here:
            targets[at_here[0]] = qty["counted"]
        elif qty["counted"]:
            new.append((qty["product_id"], qty["lot_id"], qty["counted"]))
    return targets, new
