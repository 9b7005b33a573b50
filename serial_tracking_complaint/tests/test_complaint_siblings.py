from odoo.tests import tagged

from .common import ComplaintCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestComplaintSiblings(ComplaintCommon):
    """Sibling groups of a bought unit: its batch and its supplier receipt."""

    def _counts(self, group):
        return (
            group.other_count,
            group.held_count,
            group.delivered_count,
            group.complained_count,
        )

    def test_batch_and_receipt_counts(self):
        complaint = self.complain(self.units["SC-001"])
        batch_group = complaint.sibling_ids.filtered(lambda g: g.kind == "batch")
        receipt_group = complaint.sibling_ids.filtered(lambda g: g.kind == "receipt")
        self.assertEqual(batch_group.batch_id, self.batch)
        self.assertEqual(batch_group.name, "RUN-1")
        self.assertEqual(receipt_group.picking_id, self.receipt)
        # batch: SC-002 (delivered), SC-003 (in stock)
        self.assertEqual(self._counts(batch_group), (2, 1, 1, 0))
        # receipt: SC-002 delivered, SC-003..SC-005 in stock; never SC-006
        self.assertEqual(self._counts(receipt_group), (4, 3, 1, 0))
        self.assertEqual(
            receipt_group._sibling_lots().mapped("name"),
            ["SC-002", "SC-003", "SC-004", "SC-005"],
        )
        self.assertIn(
            self.units["SC-001"], receipt_group._sibling_lots(include_unit=True)
        )

        # a second complaint on a sibling shows on the first complaint's groups
        self.complain(self.units["SC-003"])
        complaint.sibling_ids.invalidate_recordset()
        self.assertEqual(self._counts(batch_group), (2, 1, 1, 1))
        self.assertEqual(self._counts(receipt_group), (4, 3, 1, 1))

    def test_counts_follow_stock(self):
        complaint = self.complain(self.units["SC-001"])
        receipt_group = complaint.sibling_ids.filtered(lambda g: g.kind == "receipt")
        self._deliver(self.units["SC-004"])
        receipt_group.invalidate_recordset()
        self.assertEqual(self._counts(receipt_group), (4, 2, 2, 0))
        self.units["SC-005"].with_user(self.env.ref("base.user_admin"))
        self.units["SC-005"].action_quarantine()
        receipt_group.invalidate_recordset()
        # a quarantined unit is still with us
        self.assertEqual(self._counts(receipt_group), (4, 2, 2, 0))

    def test_one_query_per_kind(self):
        complaints = self.complain(self.units["SC-001"]) | self.complain(
            self.units["SC-002"]
        )
        complaints |= self.complain(self.units["SC-006"])
        groups = complaints.sibling_ids
        self.assertEqual(len(groups), 5)
        self.assertCountQueries(groups, 2)

    def test_change_of_unit_rebuilds_groups(self):
        complaint = self.complain(self.units["SC-001"])
        complaint.lot_id = self.units["SC-006"]
        self.assertEqual(complaint.sibling_ids.mapped("kind"), ["receipt"])
        self.assertEqual(complaint.sibling_ids.picking_id, self.receipt_2)
        self.assertEqual(complaint.sibling_ids.other_count, 0)

    def test_view_units(self):
        complaint = self.complain(self.units["SC-001"])
        batch_group = complaint.sibling_ids.filtered(lambda g: g.kind == "batch")
        action = batch_group.action_view_units()
        self.assertEqual(
            self.env["stock.lot"].search(action["domain"]),
            self.units["SC-002"] | self.units["SC-003"],
        )
