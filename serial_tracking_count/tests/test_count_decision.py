from dataclasses import replace

from odoo.tests import BaseCase, tagged

from odoo.addons.serial_tracking_barcode.tools.scan_decision import (
    Refusal,
    Unit,
    UnitScan,
    decide_stock_count,
)

METER = {"id": 7, "product_name": "Meter", "tracking": "serial"}
REAGENT = {"id": 8, "product_name": "Reagent", "tracking": "lot"}
BOLT = {"id": 9, "product_name": "Bolt", "tracking": "none", "storable": True}


UNIT = Unit(id=1, name="S1", product_id=7, unit_state="in_stock", quant_id=100)


def unit(**values):
    """The in-stock serial ``UNIT`` with other ``values``."""
    return replace(UNIT, **values)


@tagged("post_install", "-at_install", "serial_tracking")
class TestCountDecision(BaseCase):
    """The count flow's decision (``decide_stock_count``), in plain Python."""

    def assertRefusal(self, reason, *args):
        with self.assertRaises(Refusal) as caught:
            decide_stock_count(*args)
        self.assertEqual(caught.exception.reason, reason)

    def test_serial_units(self):
        self.assertEqual(
            decide_stock_count([unit()], METER), UnitScan("found", 7, lot_id=1)
        )
        self.assertEqual(
            decide_stock_count([unit(quant_id=None)], METER),
            UnitScan("unexpected", 7, lot_id=1),
        )
        unknown = decide_stock_count([], METER, "NEW-1")
        self.assertEqual(unknown, UnitScan("unexpected", 7, lot_name="NEW-1"))
        self.assertTrue(unknown.is_serial)

    def test_batches_and_untracked(self):
        batch = decide_stock_count([unit(product_id=8)], REAGENT)
        self.assertEqual(batch, UnitScan("quantity", 8, lot_id=1))
        self.assertFalse(batch.is_serial)
        self.assertEqual(
            decide_stock_count([], REAGENT, "B9"),
            UnitScan("quantity", 8, lot_name="B9"),
        )
        self.assertEqual(decide_stock_count([], BOLT), UnitScan("quantity", 9))

    def test_refusals(self):
        self.assertRefusal("label_required", [], METER)
        self.assertRefusal("label_required", [], REAGENT)
        self.assertRefusal("not_stored", [], {**BOLT, "storable": False})
        self.assertRefusal("several_units", [unit(), unit(id=2, product_id=8)], METER)
