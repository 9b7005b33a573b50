from datetime import datetime
from functools import partial

from odoo.tests import tagged

from ..tools.scan_decision import Move, MoveLine
from ..tools.scan_receive import (
    decide_receive_count,
    decide_receive_serial,
    decide_transfer_unit,
)
from . import decision_common
from .decision_common import BLOCKED, NOW, DecisionCase

RECEIPT = 30
MOVES = (Move(40, 2),)
# a unit not received yet: no state of stock, no quant
unit = partial(decision_common.unit, unit_state="draft", quant_id=None)


@tagged("post_install", "-at_install", "serial_tracking")
class TestScanReceiveDecision(DecisionCase):
    """The receive and transfer flows' decisions, in plain Python: no database."""

    def test_receive_serial(self):
        decision = decide_receive_serial("S1", "Drill", MOVES, own_picking=RECEIPT)
        self.assertEqual((decision.kind, decision.move_id), ("receive", 40))
        self.assertEqual(
            decide_receive_serial("S1", "Drill", MOVES, unit()).move_id, 40
        )

    def test_receive_serial_refusals(self):
        decide = decide_receive_serial
        self.assertRefusal("product_not_in_order", decide, "S1", "Drill", ())
        self.assertRefusal("line_complete", decide, "S1", "Drill", (Move(40, 0),))
        self.assertRefusal(
            "already_scanned", decide, "S1", "Drill", MOVES, unit(scanned_on=31)
        )
        self.assertRefusal(
            "already_scanned", decide, "S1", "Drill", MOVES, None, RECEIPT, RECEIPT
        )
        refusal = self.assertRefusal(
            "pending_elsewhere", decide, "S1", "Drill", MOVES, None, 31, RECEIPT
        )
        self.assertEqual(refusal.params["picking_id"], 31)
        for state in ("in_stock", "reserved"):
            self.assertRefusal(
                "already_in_stock", decide, "S1", "Drill", MOVES, unit(unit_state=state)
            )
        # Held in our stock whatever its state (a quarantined unit on a shelf).
        self.assertRefusal(
            "already_in_stock",
            decide,
            *("S1", "Drill", MOVES),
            unit(unit_state="quarantined", quant_id=5),
        )
        # A unit delivered or returned before may come back in, recalled or not.
        self.assertTrue(decide("S1", "Drill", MOVES, unit(unit_state="recalled")))
        self.assertTrue(decide("S1", "Drill", MOVES, unit(unit_state="delivered")))

    def test_receive_count(self):
        self.assertEqual(decide_receive_count("Cable", MOVES, "none").kind, "count")
        self.assertEqual(
            decide_receive_count("Reagent", MOVES, "lot", "B1").move_id, 40
        )
        self.assertRefusal(
            "batch_required", decide_receive_count, "Reagent", MOVES, "lot"
        )
        self.assertRefusal(
            "product_barcode", decide_receive_count, "Drill", MOVES, "serial"
        )
        self.assertRefusal(
            "product_not_in_order", decide_receive_count, "Saw", (), "none"
        )

    def test_transfer_unit(self):
        in_stock = unit(unit_state="in_stock", quant_id=5)
        self.assertEqual(decide_transfer_unit(in_stock, BLOCKED, NOW).kind, "move")
        expired = unit(
            unit_state="in_stock", quant_id=5, expiration_date=datetime(2026, 1, 1)
        )
        self.assertEqual(decide_transfer_unit(expired, BLOCKED, NOW).kind, "move")
        self.assertRefusal(
            "unit_blocked",
            decide_transfer_unit,
            unit(unit_state="recalled", quant_id=5),
            BLOCKED,
            NOW,
        )
        self.assertRefusal("not_in_stock", decide_transfer_unit, unit(), BLOCKED, NOW)
        self.assertRefusal(
            "already_scanned",
            decide_transfer_unit,
            unit(quant_id=5, scanned_on=9),
            BLOCKED,
            NOW,
        )
        reserved = unit(quant_id=5, lines=(MoveLine(3, 8, 4, False),))
        refusal = self.assertRefusal(
            "reserved_elsewhere", decide_transfer_unit, reserved, BLOCKED, NOW
        )
        self.assertEqual(refusal.params["picking_id"], 8)
        self.assertRefusal(
            "reserved",
            decide_transfer_unit,
            unit(quant_id=5, reserved_quantity=1.0),
            BLOCKED,
            NOW,
        )
