from datetime import timedelta

from odoo.tests import tagged

from odoo.addons.serial_tracking_barcode.tests.decision_common import (
    BLOCKED,
    NOW,
    DecisionCase,
    unit,
)
from odoo.addons.serial_tracking_barcode.tools.scan_decision import (
    MoveLine,
    UnitScan,
    decide_sale,
)

ORDER = 5


@tagged("post_install", "-at_install", "serial_tracking")
class TestSaleDecision(DecisionCase):
    """The sell flow's decision (``decide_sale``), in plain Python."""

    def decide(self, the_unit, tracking="serial", held_by=None, line_id=None):
        return decide_sale(
            ORDER, the_unit, tracking, BLOCKED, NOW, held_by, line_id, "WH/Stock"
        )

    def refused(self, reason, *args, **kwargs):
        """``decide(*args, **kwargs)`` refuses for ``reason``; returns its params."""
        return self.assertRefusal(reason, self.decide, *args, **kwargs).params

    def test_accepted_on_the_products_line(self):
        self.assertEqual(self.decide(unit()), UnitScan("sell", 7, lot_id=1))
        self.assertEqual(
            self.decide(unit(), line_id=30), UnitScan("sell", 7, lot_id=1, line_id=30)
        )

    def test_refusals(self):
        self.refused("not_a_serial", unit(), tracking="lot")
        params = self.refused("unit_blocked", unit(unit_state="recalled"))
        self.assertEqual(params["lot_id"], 1)
        params = self.refused("not_in_stock", unit(quant_id=None))
        self.assertEqual(params["location"], "WH/Stock")
        expired = unit(expiration_date=NOW - timedelta(days=1))
        self.refused("unit_expired", expired)
        self.refused("on_this_order", unit(), held_by=ORDER)
        params = self.refused("on_other_order", unit(), held_by=6)
        self.assertEqual(params["order_id"], 6)
        reserved = unit(lines=(MoveLine(40, 9, 41, False),))
        params = self.refused("reserved_elsewhere", reserved)
        self.assertEqual(params["picking_id"], 9)
