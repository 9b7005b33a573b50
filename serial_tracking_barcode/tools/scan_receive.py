"""What a scan means on a receipt or an internal transfer, decided in plain Python.

Like :mod:`.scan_decision` (dispatch), these functions get the facts the scan
service read and answer a :class:`~.scan_decision.Decision` or raise
:class:`~.scan_decision.Refusal`; they are tested without a database
(``tests/test_scan_receive_decision.py``).
"""

from .scan_decision import Decision, Refusal, check_unit_can_leave, first_open_move

# A unit in one of these states is in our stock already: it cannot be received.
IN_STOCK_STATES = ("in_stock", "reserved")


def receive_moves(moves, product_name):
    """Refuse a product the receipt does not expect."""
    if not moves:
        raise Refusal("product_not_in_order", product=product_name)
    return moves


def decide_receive_serial(
    serial, product_name, moves, unit=None, pending_on=None, own_picking=None
):
    """Which move of the receipt a scanned serial goes on.

    ``moves``: the receipt's open moves of the product; ``unit``: the existing unit of
    that serial (:class:`~.scan_decision.Unit`) or None for a new one;
    ``pending_on``: the receipt (id) another open receipt line already carries the
    serial on (``stock.move.line._serial_pending_receipts``); ``own_picking``: this
    receipt's id. Refused: a product not on the receipt, a serial already on this or
    another receipt, a unit already in stock (by its state, or a quant of an
    internal location holds it: ``unit.quant_id``), a complete line (over quantity).
    """
    receive_moves(moves, product_name)
    if unit and unit.scanned_on:
        raise Refusal("already_scanned", serial=serial, picking_id=unit.scanned_on)
    if pending_on:
        if pending_on == own_picking:
            raise Refusal("already_scanned", serial=serial, picking_id=pending_on)
        raise Refusal("pending_elsewhere", serial=serial, picking_id=pending_on)
    # In stock by its state, or held in one of our locations whatever its state
    # (a quarantined unit on a shelf), as capture checks it.
    if unit and (unit.unit_state in IN_STOCK_STATES or unit.quant_id):
        raise Refusal("already_in_stock", serial=serial)
    move_id = first_open_move(moves, product_name)
    return Decision("receive", move_id)


def decide_receive_count(product_name, moves, tracking, batch=None):
    """A product barcode (untracked) or a GS1 batch (lot-tracked) counts one more
    unit on the first open move of the product; a serial-tracked product needs its
    unit's serial label, a lot-tracked one its batch."""
    receive_moves(moves, product_name)
    if tracking == "serial":
        raise Refusal("product_barcode", product=product_name)
    if tracking == "lot" and not batch:
        raise Refusal("batch_required", product=product_name)
    return Decision("count", first_open_move(moves, product_name))


def decide_transfer_unit(unit, blocked_states, now, location_name=""):
    """May the scanned unit move to another internal location? Not when it is not
    in stock here, blocked (quarantine, recall...), reserved on another operation
    (a delivery) or already scanned on one. Expired units may be moved."""
    if unit.unit_state in blocked_states:
        check_unit_can_leave(unit, blocked_states, now, True, location_name)
    if not unit.quant_id:
        raise Refusal("not_in_stock", serial=unit.name, location=location_name)
    if unit.scanned_on:
        raise Refusal("already_scanned", serial=unit.name, picking_id=unit.scanned_on)
    if unit.lines:
        raise Refusal(
            "reserved_elsewhere", serial=unit.name, picking_id=unit.lines[0].picking_id
        )
    if unit.reserved_quantity > 0:
        raise Refusal("reserved", serial=unit.name)
    return Decision("move", 0)
