from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import RecallCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestRecallScope(RecallCommon):
    """Every kind of scope, the preview, and bad input refused with nothing written."""

    def assertScope(self, recall, lots):
        self.assertEqual(recall.preview_count, len(lots))
        recall.action_confirm()
        self.assertEqual(recall.line_ids.lot_id, lots)

    def test_listed_serials_typed_and_picked(self):
        recall = self._recall(
            serial_input="RC-1\nRC-4, RC-5;RC-1", lot_ids=[(6, 0, self.units[5].ids)]
        )
        self.assertScope(recall, self.units[0] | self.units[3:6])

    def test_batch(self):
        self.assertScope(self._recall(batch_ids=self.batch.ids), self.units[:3])

    def test_product_and_date_range(self):
        today = fields.Date.today()
        recall = self._recall(product_ids=self.scanner.ids, date_from=today)
        self.assertScope(recall, self.units)
        recall = self._recall(
            product_ids=self.scanner.ids, date_to=today - timedelta(days=1)
        )
        self.assertEqual(recall.preview_count, 0)
        recall = self._recall(
            product_ids=self.scanner.ids, date_basis="delivery", date_from=today
        )
        self.assertEqual(recall.preview_count, 3)  # the delivered ones

    def test_date_range_is_whole_days(self):
        """``date_from`` .. ``date_to`` are whole days, both included, whatever the
        time of day a unit came in (the bench's count mismatch was its own
        window of exact times)."""
        day = fields.Date.to_date("2026-03-10")
        at = fields.Datetime.to_datetime
        received = {
            "2026-03-09 23:59:59": False,
            "2026-03-10 00:00:00": True,
            "2026-03-12 23:59:59": True,
            "2026-03-13 00:00:00": False,
        }
        for unit, when in zip(self.units, received, strict=False):
            unit.receipt_date = at(when)
        recall = self._recall(
            product_ids=self.scanner.ids,
            date_from=day,
            date_to=day + timedelta(days=2),
        )
        inside = self.units[:4].filtered(
            lambda unit: received[fields.Datetime.to_string(unit.receipt_date)]
        )
        self.assertEqual(len(inside), 2)
        self.assertScope(recall, inside)

    def test_supplier_receipt_and_vendor(self):
        vendor = self.env["res.partner"].create({"name": "Other Vendor"})
        _picking, others = self._receive(self.scanner, ["RC-V1"], partner=vendor)
        self.assertScope(self._recall(receipt_ids=self.receipt.ids), self.units)
        self.assertScope(self._recall(vendor_ids=vendor.ids), others)

    def test_lot_of_lot_tracked_product(self):
        lot = self._receive_lot("REAG-1", 10)
        recall = self._confirmed(lot_ids=lot.ids)
        self.assertEqual(recall.line_ids.quantity, 10)
        self.assertEqual(recall.line_ids.position, "held")

    def test_preview_split(self):
        recall = self._recall(product_ids=self.scanner.ids)
        self.assertEqual(recall.preview_count, 6)
        self.assertEqual(recall.preview_held_count, 3)
        self.assertEqual(recall.preview_delivered_count, 3)
        self.assertFalse(recall.line_ids)
        self.assertEqual(
            set(self.units.mapped("unit_state")), {"in_stock", "delivered"}
        )

    # ---- bad input ------------------------------------------------------------
    def assertNothingWritten(self, recall):
        self.assertEqual(recall.state, "draft")
        self.assertFalse(recall.line_ids)
        self.assertNotIn("recalled", self.units.mapped("unit_state"))

    def test_empty_scope(self):
        recall = self._recall()
        with self.assertRaisesRegex(UserError, "has no scope"):
            recall.action_confirm()
        self.assertNothingWritten(recall)

    def test_scope_matching_nothing(self):
        recall = self._recall(product_ids=self.printer.ids)
        with self.assertRaisesRegex(UserError, "matches no unit"):
            recall.action_confirm()
        self.assertNothingWritten(recall)

    def test_unknown_serial(self):
        recall = self._recall(serial_input="RC-1\nNOPE-1\nNOPE-2")
        with self.assertRaisesRegex(UserError, "do not exist: NOPE-1, NOPE-2"):
            recall.action_confirm()
        self.assertNothingWritten(recall)
        self.assertEqual(recall.preview_count, 0)

    def test_serial_of_another_company(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        self.env["stock.lot"].create(
            {"name": "FOREIGN-1", "product_id": self.scanner.id, "company_id": other.id}
        )
        recall = self._recall(serial_input="RC-1 FOREIGN-1")
        with self.assertRaisesRegex(UserError, "another company.*FOREIGN-1"):
            recall.action_confirm()
        self.assertNothingWritten(recall)

    def test_closed_recall_cannot_be_edited(self):
        recall = self._confirmed(serial_input="RC-4")
        with self.assertRaisesRegex(UserError, "scope .* is fixed"):
            recall.product_ids = self.scanner
        recall.action_close()
        with self.assertRaisesRegex(UserError, "is closed and cannot be changed"):
            recall.title = "Changed"
        with self.assertRaisesRegex(UserError, "open recall"):
            recall.line_ids.action_mark_returned()
        self.assertEqual(recall.title, "Overheating")
