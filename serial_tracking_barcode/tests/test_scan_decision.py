from datetime import datetime

from odoo.tests import tagged

from ..tools.scan_decision import (
    Decision,
    Move,
    MoveLine,
    decide_count,
    decide_dispatch,
)
from .decision_common import BLOCKED, NOW, DecisionCase, unit

DELIVERY = 10
ONE_LINE = (Move(20, 3),)


@tagged("post_install", "-at_install", "serial_tracking")
class TestScanDecision(DecisionCase):
    """The scan engine's decisions, in plain Python: no database."""

    def decide(self, the_unit, moves=ONE_LINE, allow_expired=False):
        return decide_dispatch(
            DELIVERY, the_unit, list(moves), "Drill", BLOCKED, NOW, allow_expired
        )

    def test_reserved_unit_is_picked_on_its_own_line(self):
        reserved = unit(lines=(MoveLine(50, DELIVERY, 21, False),))
        decision = self.decide(reserved, moves=(Move(20, 3), Move(21, 1)))
        self.assertEqual(decision, Decision("pick", 21, line_id=50))

    def test_free_unit_takes_a_line_of_the_first_open_move(self):
        decision = self.decide(unit(), moves=(Move(20, 0), Move(21, 2)))
        self.assertEqual(decision, Decision("take", 21))

    def test_refusals(self):
        self.assertRefusal("product_not_in_order", self.decide, unit(), moves=())
        self.assertRefusal("unit_blocked", self.decide, unit(unit_state="recalled"))
        self.assertRefusal("not_in_stock", self.decide, unit(quant_id=None))
        refusal = self.assertRefusal(
            "already_scanned", self.decide, unit(scanned_on=11)
        )
        self.assertEqual(refusal.params["picking_id"], 11)
        self.assertRefusal(
            "reserved_elsewhere",
            self.decide,
            unit(lines=(MoveLine(50, 99, 98, False),)),
        )
        self.assertRefusal("line_complete", self.decide, unit(), moves=(Move(20, 0),))

    def test_blocked_comes_before_everything_else(self):
        refusal = self.assertRefusal(
            "unit_blocked",
            self.decide,
            unit(unit_state="quarantined", quant_id=None, scanned_on=11),
        )
        self.assertEqual(refusal.params["lot_id"], 1)

    def test_expired_unit_is_refused_with_its_date_unless_overridden(self):
        expired = unit(expiration_date=datetime(2026, 5, 31))
        refusal = self.assertRefusal("unit_expired", self.decide, expired)
        self.assertEqual(refusal.params["date"], datetime(2026, 5, 31))
        decision = self.decide(expired, allow_expired=True)
        self.assertTrue(decision.expired_override)
        fresh = self.decide(unit(expiration_date=datetime(2026, 6, 2)))
        self.assertFalse(fresh.expired_override)

    def test_count(self):
        self.assertEqual(
            decide_count([Move(5, 2)], "Cable", "none"), Decision("count", 5)
        )
        self.assertRefusal("serial_required", decide_count, [Move(5, 2)], "D", "serial")
        self.assertRefusal("product_not_in_order", decide_count, [], "D", "none")
        self.assertRefusal("line_complete", decide_count, [Move(5, 0)], "D", "lot")
