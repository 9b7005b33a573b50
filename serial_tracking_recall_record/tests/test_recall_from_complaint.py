from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import RecallRecordCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestRecallFromComplaint(RecallRecordCommon):
    """One click from a sibling group or a root cause to a prefilled recall."""

    def _group(self, complaint, kind):
        return complaint.sibling_ids.filtered(lambda g: g.kind == kind)

    def test_from_sibling_group(self):
        complaint = self.complain(self.units["SC-001"])
        group = self._group(complaint, "batch")
        action = group.action_start_recall()
        recall = self.env["serial.recall"].browse(action["res_id"])
        self.assertEqual(recall.state, "draft")
        self.assertEqual(recall.complaint_sibling_id, group)
        # the group's units and the complained unit
        self.assertEqual(
            recall.lot_ids.sorted("name").mapped("name"), ["SC-001", "SC-002", "SC-003"]
        )
        self.assertIn(complaint.name, recall.reason)
        self.assertEqual(recall.preview_count, 3)
        recall.action_confirm()
        self.assertEqual(recall.unit_count, 3)
        self.assertEqual(recall.delivered_count, 2)

    def test_from_root_cause(self):
        first = self.complain(self.units["SC-001"])
        second = self.complain(self.units["SC-003"])
        cause = self.env["serial.root.cause"].create({"name": "Cracked housing"})
        (first | second).root_cause_id = cause
        with self.assertRaisesRegex(UserError, "Choose the suspect group"):
            cause.action_start_recall()
        cause.sibling_id = cause.common_sibling_ids.filtered(
            lambda g: g.kind == "receipt"
        )
        action = cause.action_start_recall()
        recall = self.env["serial.recall"].browse(action["res_id"])
        self.assertEqual(recall.root_cause_id, cause)
        self.assertEqual(recall.title, "Cracked housing")
        self.assertEqual(len(recall.lot_ids), 5)
        self.assertEqual(cause.recall_ids, recall)

    def test_empty_sibling_group(self):
        complaint = self.complain(self.units["SC-006"])
        group = self._group(complaint, "receipt")
        self.assertEqual(group.other_count, 0)
        recalls = self.env["serial.recall"].search_count([])
        with self.assertRaisesRegex(UserError, "holds no other unit than SC-006"):
            group.action_start_recall()
        self.assertEqual(self.env["serial.recall"].search_count([]), recalls)
