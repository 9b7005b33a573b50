from lxml import etree

from odoo.tests import tagged
from odoo.tools.safe_eval import safe_eval

from odoo.addons.serial_tracking.tests.fast_validation_common import (
    FastValidationCommon,
)

from .common import RecallCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestRecallQuarantine(FastValidationCommon, RecallCommon):
    """Quarantine by transfer through the core's fast path of internal transfers
    gives exactly Odoo's rows, and the quarantine buttons show only while there is
    something left to quarantine."""

    def test_quarantine_move_as_odoo(self):
        """Twin products, each recalled with six units in stock: one quarantine
        through Odoo's own path (``serial_fast_off``: Odoo's reservation and
        validation line by line), the other through the batch reservation and
        the fast internal validation; quants, moves, lines, units and their
        timeline compared row by row."""
        odoo_product, fast_product = self._twins()
        MoveLine = type(self.env["stock.move.line"])
        fast_batches = []
        done = MoveLine._serial_fast_internal_done

        def spy(lines, quants_by_line):
            fast_batches.append(len(lines))
            return done(lines, quants_by_line)

        self.patch(MoveLine, "_serial_fast_internal_done", spy)
        replace = {}
        for product, fast in ((odoo_product, False), (fast_product, True)):
            lots = self._stock_lots(product, 6)
            recall = self._confirmed(product_ids=product.ids)
            recall.with_context(serial_fast_off=not fast).action_quarantine_move()
            self.assertEqual(set(lots.mapped("unit_state")), {"quarantined"})
            self.assertEqual(
                lots.location_id, self.warehouse_1.serial_quarantine_location_id
            )
            replace[product] = [(recall.name, "RECALL")]
            self.assertEqual(fast_batches, [6] if fast else [])
        snapshot = self.assertSameResult(odoo_product, fast_product, replace)
        # received, recalled, moved, quarantined
        self.assertEqual(len(snapshot["events"]), 6 * 4)

    def _invisible(self, recall, button):
        """Whether the recall's form hides ``button``, by its ``invisible``
        expression on the recall's values."""
        arch = recall.get_views([(False, "form")])["views"]["form"]["arch"]
        (node,) = etree.fromstring(arch).xpath(f"//button[@name='{button}']")
        names = ("state", "quarantine_move_count", "quarantine_block_count")
        return bool(
            safe_eval(node.get("invisible", "False"), {n: recall[n] for n in names})
        )

    def test_quarantine_buttons_hidden_when_done(self):
        recall = self._confirmed(product_ids=self.scanner.ids)
        held = len(self.units[3:])
        self.assertEqual(recall.quarantine_move_count, held)
        self.assertEqual(recall.quarantine_block_count, held)
        self.assertFalse(self._invisible(recall, "action_quarantine_move"))
        self.assertFalse(self._invisible(recall, "action_quarantine_block"))
        recall.action_quarantine_move()
        self.assertEqual(recall.quarantine_move_count, 0)
        self.assertEqual(recall.quarantine_block_count, 0)
        self.assertEqual(recall.held_count, held)
        self.assertTrue(self._invisible(recall, "action_quarantine_move"))
        self.assertTrue(self._invisible(recall, "action_quarantine_block"))

    def test_block_then_move(self):
        """Blocked in place: nothing left to block, the units can still be
        moved; once moved, nothing left to do."""
        recall = self._confirmed(product_ids=self.scanner.ids)
        recall.action_quarantine_block()
        self.assertEqual(recall.quarantine_block_count, 0)
        self.assertTrue(self._invisible(recall, "action_quarantine_block"))
        self.assertEqual(recall.quarantine_move_count, 3)
        self.assertFalse(self._invisible(recall, "action_quarantine_move"))
        recall.action_quarantine_move()
        self.assertEqual(recall.quarantine_move_count, 0)
        recall.action_close()
        self.assertEqual(recall.quarantine_block_count, 0)
