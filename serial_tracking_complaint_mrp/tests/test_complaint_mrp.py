from odoo.tests import tagged

from .common import ComplaintMrpCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestComplaintMrp(ComplaintMrpCommon):
    """The story backwards and the siblings of a unit made in two levels."""

    def _group(self, complaint, kind, record):
        field = {"production": "production_id", "component": "component_lot_id"}.get(
            kind, "picking_id"
        )
        return complaint.sibling_ids.filtered(
            lambda g: g.kind == kind and g[field] == record
        )

    def _counts(self, group):
        self.assertEqual(len(group), 1)
        return (
            group.other_count,
            group.held_count,
            group.delivered_count,
            group.complained_count,
        )

    def test_story_backwards(self):
        complaint = self.complain(self.lots["F-1"])
        self.assertEqual(complaint.production_ids, self.mo_f1 | self.mo_s1)
        # Odoo records consumption per production order: F-1 and F-2 share the
        # modules their order consumed.
        self.assertEqual(
            sorted(complaint.component_lot_ids.mapped("name")), ["G-1", "S-1", "S-2"]
        )
        self.assertEqual(complaint.receipt_ids, self.gasket_receipt)
        self.assertEqual(complaint.vendor_ids, self.partner_1)
        self.assertFalse(complaint.batch_id)

        other = self.complain(self.lots["F-4"])
        self.assertEqual(other.production_ids, self.mo_f3 | self.mo_s2)
        self.assertEqual(sorted(other.component_lot_ids.mapped("name")), ["G-2", "S-4"])

    def test_documents_of_production_orders(self):
        doc = self.env["ir.attachment"].create(
            {
                "name": "work-instructions.pdf",
                "res_model": "mrp.production",
                "res_id": self.mo_s1.id,
            }
        )
        complaint = self.complain(self.lots["F-2"])
        self.assertIn(doc, complaint.document_ids)

    def test_sibling_counts(self):
        complaint = self.complain(self.lots["F-1"])
        self.assertEqual(
            sorted(complaint.sibling_ids.mapped("kind")),
            ["component", "production", "production", "receipt"],
        )
        # same order: F-2, in stock
        self.assertEqual(
            self._counts(self._group(complaint, "production", self.mo_f1)), (1, 1, 0, 0)
        )
        # the modules' order, followed up to the washers: F-2 (held), F-3 (delivered);
        # the modules themselves are consumed and not counted
        self.assertEqual(
            self._counts(self._group(complaint, "production", self.mo_s1)), (2, 1, 1, 0)
        )
        g1 = self._group(complaint, "component", self.lots["G-1"])
        self.assertEqual(self._counts(g1), (2, 1, 1, 0))
        self.assertEqual(g1._sibling_lots().mapped("name"), ["F-2", "F-3"])
        # the gasket receipt brought G-1 and G-2: every washer but F-1
        receipt = self._group(complaint, "receipt", self.gasket_receipt)
        self.assertEqual(self._counts(receipt), (3, 2, 1, 0))

        # a complaint on F-3 shows on F-1's groups that contain F-3
        self.complain(self.lots["F-3"])
        complaint.sibling_ids.invalidate_recordset()
        self.assertEqual(self._counts(g1), (2, 1, 1, 1))
        self.assertEqual(
            self._counts(self._group(complaint, "production", self.mo_f1)), (1, 1, 0, 0)
        )

    def test_one_query_per_kind(self):
        complaints = self.complain(self.lots["F-1"]) | self.complain(self.lots["F-4"])
        # receipt, production, component
        self.assertCountQueries(complaints.sibling_ids, 3)
