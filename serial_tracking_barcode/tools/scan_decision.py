"""What a scan means, decided in plain Python (no ORM, no database).

The scan service (``serial.scan.service``) reads the facts of a scan in one query —
the unit or product the code names, the operation's open lines of that product, the
move lines reserving the unit — and hands them to the functions below. They answer a
:class:`Decision` (which line, what changes) or raise :class:`Refusal` with a stable
reason code; the service turns reasons into translated messages and writes the
decision through the ORM. Everything here is tested without a database
(``tests/test_scan_decision.py``).
"""

from dataclasses import dataclass, field
from datetime import datetime


class Refusal(Exception):
    """A scan that must not be recorded: ``reason`` is a stable code, ``params`` the
    values its message names."""

    def __init__(self, reason, **params):
        super().__init__(reason)
        self.reason = reason
        self.params = params


@dataclass(frozen=True)
class Move:
    """An open line (``stock.move``) of the operation: ``missing`` units to scan."""

    id: int
    missing: float
    picked: bool = False  # the move's own flag (stock.move.picked)


@dataclass(frozen=True)
class MoveLine:
    """An open move line reserving or carrying the unit."""

    id: int
    picking_id: int
    move_id: int
    picked: bool
    company_id: int | None = None


@dataclass(frozen=True)
class Unit:
    """A serial unit (``stock.lot``) as the lookup query reads it."""

    id: int
    name: str
    product_id: int
    unit_state: str
    scanned_on: int | None = None  # operation an open scan holds it for
    quant_id: int | None = None  # quant holding it in the source location
    reserved_quantity: float = 0.0
    expiration_date: datetime | None = None
    lines: tuple = field(default_factory=tuple)  # MoveLine, open ones


@dataclass(frozen=True)
class Decision:
    """What to change: ``kind`` is

    * ``pick``: mark the move line ``line_id`` (already reserving the unit) picked;
    * ``take``: put the unit on a free line of ``move_id`` or a new one (the service
      picks the line under its row lock);
    * ``count``: count one more unit of an untracked / lot product on ``move_id``;
    * ``receive``: create or assign the unit on ``move_id``.
    """

    kind: str
    move_id: int
    line_id: int | None = None
    expired_override: bool = False


def first_open_move(moves, product_name, prefer=None):
    """The move a scan counts on: ``prefer`` when still open, else the first open
    one; refuse when every line of the product is complete."""
    open_ids = [move.id for move in moves if move.missing > 0]
    if not open_ids:
        raise Refusal("line_complete", product=product_name)
    return prefer if prefer in open_ids else open_ids[0]


def check_unit_can_leave(
    unit, blocked_states, now, allow_expired=False, location_name=""
):
    """Refuse a unit that must not leave (dispatch) or move (transfer).

    Returns True when the unit is expired and ``allow_expired`` overrides it.
    """
    if unit.unit_state in blocked_states:
        raise Refusal(
            "unit_blocked", serial=unit.name, state=unit.unit_state, lot_id=unit.id
        )
    if not unit.quant_id:
        raise Refusal("not_in_stock", serial=unit.name, location=location_name)
    if unit.expiration_date and unit.expiration_date <= now:
        if not allow_expired:
            raise Refusal("unit_expired", serial=unit.name, date=unit.expiration_date)
        return True
    return False


def decide_dispatch(
    picking_id,
    unit,
    moves,
    product_name,
    blocked_states,
    now,
    allow_expired=False,
    location_name="",
):
    """Which line of the delivery ``picking_id`` a scanned serial ``unit`` goes on.

    ``moves`` are the delivery's open lines of the unit's product. The unit must be
    in stock at the source, not blocked, not expired (unless overridden), not
    scanned already, not reserved for another operation, and a line must miss it.
    """
    if not moves:
        raise Refusal("product_not_in_order", product=product_name)
    expired = check_unit_can_leave(
        unit, blocked_states, now, allow_expired, location_name
    )
    if unit.scanned_on:
        raise Refusal("already_scanned", serial=unit.name, picking_id=unit.scanned_on)
    elsewhere = [line for line in unit.lines if line.picking_id != picking_id]
    if elsewhere:
        raise Refusal(
            "reserved_elsewhere", serial=unit.name, picking_id=elsewhere[0].picking_id
        )
    own = unit.lines[0] if unit.lines else None
    move_id = first_open_move(moves, product_name, prefer=own and own.move_id)
    if own and own.move_id == move_id and not own.picked:
        return Decision("pick", move_id, line_id=own.id, expired_override=expired)
    return Decision("take", move_id, line_id=own and own.id, expired_override=expired)


def decide_count(moves, product_name, tracking):
    """A product barcode (or a batch) counts one more unit on the first open line."""
    if not moves:
        raise Refusal("product_not_in_order", product=product_name)
    if tracking == "serial":
        raise Refusal("serial_required", product=product_name)
    return Decision("count", first_open_move(moves, product_name))


@dataclass(frozen=True)
class UnitScan:
    """What a count or an order records for one scan (no operation line):

    * ``found``: a serial unit recorded at the counted location;
    * ``unexpected``: a serial unit (``lot_id``) or an unknown serial (``lot_name``)
      scanned there but recorded elsewhere or nowhere;
    * ``quantity``: one more of an untracked product or of a batch;
    * ``sell``: a serial unit for an order's line ``line_id`` of its product (or a
      new line when ``None``).
    """

    kind: str
    product_id: int
    lot_id: int | None = None
    lot_name: str | None = None
    line_id: int | None = None

    @property
    def is_serial(self):
        return self.kind in ("found", "unexpected", "sell")


def decide_stock_count(units, product, name=None):
    """What a count of one location records for a scanned code.

    ``units``: the units or batches the code names (``Unit``, ``quant_id`` set when
    recorded at the counted location); ``product``: the code's product as a dict
    (``id``, ``product_name``, ``tracking``, ``storable``); ``name``: the serial or
    batch a GS1 code carries when no unit has it yet.
    """
    label = product["product_name"]
    if len(units) > 1:
        raise Refusal(
            "several_units", code=units[0].name, units=", ".join(u.name for u in units)
        )
    if not product.get("storable", True):
        raise Refusal("not_stored", product=label)
    tracking = product["tracking"]
    if tracking == "none":
        return UnitScan("quantity", product["id"])
    if units:
        unit = units[0]
        if tracking == "lot":
            return UnitScan("quantity", product["id"], lot_id=unit.id)
        kind = "found" if unit.quant_id else "unexpected"
        return UnitScan(kind, product["id"], lot_id=unit.id)
    if not name:
        raise Refusal("label_required", product=label, tracking=tracking)
    kind = "unexpected" if tracking == "serial" else "quantity"
    return UnitScan(kind, product["id"], lot_name=name)


def decide_sale(
    order_id,
    unit,
    tracking,
    blocked_states,
    now,
    held_by,
    line_id=None,
    location_name="",
):
    """Whether a scanned serial ``unit`` may go on the quotation ``order_id``.

    It must be a serial unit, not blocked, in stock in the order's warehouse
    (``unit.quant_id``), not expired, held by no order (``held_by``: the order an
    open scan holds it for) and reserved by no transfer (``unit.lines``).
    ``line_id``: the order's line of the unit's product, if any.
    """
    if tracking != "serial":
        raise Refusal("not_a_serial", serial=unit.name)
    check_unit_can_leave(unit, blocked_states, now, location_name=location_name)
    if held_by:
        reason = "on_this_order" if held_by == order_id else "on_other_order"
        raise Refusal(reason, serial=unit.name, order_id=held_by)
    if unit.lines:
        raise Refusal(
            "reserved_elsewhere", serial=unit.name, picking_id=unit.lines[0].picking_id
        )
    return UnitScan("sell", unit.product_id, lot_id=unit.id, line_id=line_id)
