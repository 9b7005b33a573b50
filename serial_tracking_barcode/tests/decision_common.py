"""Test data of the scan decisions' pure tests (dispatch, count, receive, transfer,
sell): no database."""

from dataclasses import replace
from datetime import datetime

from odoo.tests import BaseCase

from odoo.addons.serial_tracking.tools.unit_state import BLOCKED_UNIT_STATES

from ..tools.scan_decision import Refusal, Unit

NOW = datetime(2026, 6, 1, 12, 0)
BLOCKED = BLOCKED_UNIT_STATES
# An in-stock serial unit of product 7, in quant 100.
UNIT = Unit(id=1, name="S1", product_id=7, unit_state="in_stock", quant_id=100)


def unit(**values):
    """``UNIT`` with other ``values``."""
    return replace(UNIT, **values)


class DecisionCase(BaseCase):
    def assertRefusal(self, reason, func, *args, **kwargs):
        """``func(*args, **kwargs)`` refuses for ``reason``; returns the refusal."""
        with self.assertRaises(Refusal) as caught:
            func(*args, **kwargs)
        self.assertEqual(caught.exception.reason, reason)
        return caught.exception
