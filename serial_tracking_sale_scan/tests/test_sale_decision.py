from dataclasses import replace
from datetime import datetime, timedelta

from odoo.tests import BaseCase, tagged

from odoo.addons.serial_tracking_barcode.tools.scan_decision import (
    MoveLine,
    Refusal,
    Unit,
    UnitScan,
    decide_sale,
)

NOW = datetime(2026, 6, 1, 12, 0)
BLOCKED = ("quarantined", "recalled")
ORDER = 5


UNIT = Unit(id=1, name="S1", product_id=7, unit_state="in_stock", quant_id=100)


def unit(**values):
    """The in-stock serial ``UNIT`` with other ``values``."""
    return replace(UNIT, **values)


@tagged("post_install", "-at_install", "serial_tracking")
class TestSaleDecision(BaseCase):
    """The sell flow's decision (``decide_sale``), in plain Python."""

    def decide(self, the_unit, tracking="serial", held_by=None, line_id=None):
        return decide_sale(
            ORDER, the_unit, tracking, BLOCKED, NOW, held_by, line_id, "WH/Stock"
        )

    def assertRefusal(self, reason, *args, **kwargs):
        with self.assertRaises(Refusal) as caught:
            self.decide(*args, **kwargs)
        self.assertEqual(caught.exception.reason, reason)
        return caught.exception.params

    def test_accepted_on_the_products_line(self):
        self.assertEqual(self.decide(unit()), UnitScan("sell", 7, lot_id=1))
        self.assertEqual(
            self.decide(unit(), line_id=30), UnitScan("sell", 7, lot_id=1, line_id=30)
        )

    def test_refusals(self):
        self.assertRefusal("not_a_serial", unit(), tracking="lot")
        params = self.assertRefusal("unit_blocked", unit(unit_state="recalled"))
        self.assertEqual(params["lot_id"], 1)
        params = self.assertRefusal("not_in_stock", unit(quant_id=None))
        self.assertEqual(params["location"], "WH/Stock")
        expired = unit(expiration_date=NOW - timedelta(days=1))
        self.assertRefusal("unit_expired", expired)
        self.assertRefusal("on_this_order", unit(), held_by=ORDER)
        params = self.assertRefusal("on_other_order", unit(), held_by=6)
        self.assertEqual(params["order_id"], 6)
        reserved = unit(lines=(MoveLine(40, 9, 41, False),))
        params = self.assertRefusal("reserved_elsewhere", reserved)
        self.assertEqual(params["picking_id"], 9)
