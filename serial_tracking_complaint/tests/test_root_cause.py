from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ComplaintCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestRootCause(ComplaintCommon):
    """Several complaints linked to one root cause, and what they share."""

    def _link(self, complaints, **values):
        action = complaints.action_link_root_cause()
        form = Form(
            self.env["serial.complaint.link"]
            .with_user(self.quality_user)
            .with_context(**action["context"])
        )
        for field, value in values.items():
            setattr(form, field, value)
        return form.save()

    def test_link_new_and_existing(self):
        first = self.complain(self.units["SC-001"])
        second = self.complain(self.units["SC-002"])
        third = self.complain(self.units["SC-006"])
        result = self._link(first | second, name="Cracked housing").action_link()
        cause = self.env["serial.root.cause"].browse(result["res_id"])
        self.assertEqual(cause.complaint_ids, first | second)
        self.assertEqual(cause.complaint_count, 2)
        self.assertEqual(cause.lot_ids, self.units["SC-001"] | self.units["SC-002"])
        # both units share the batch and the receipt
        self.assertEqual(
            sorted(cause.common_sibling_ids.mapped("kind")), ["batch", "receipt"]
        )
        cause.sibling_id = cause.common_sibling_ids.filtered(
            lambda g: g.kind == "batch"
        )
        self._link(third, mode="existing", root_cause_id=cause).action_link()
        self.assertEqual(cause.complaint_count, 3)
        # SC-006 came on another receipt, outside the batch: nothing shared any more
        cause.invalidate_recordset()
        self.assertFalse(cause.common_sibling_ids)

    def test_bad_input(self):
        first = self.complain(self.units["SC-001"])
        wizard = self._link(first, name="  ")
        with self.assertRaisesRegex(UserError, "Name the new root cause"):
            wizard.action_link()
        company_b = self.env["res.company"].create({"name": "Cause Company B"})
        lot_b = self.env["stock.lot"].create(
            {"name": "SCB-7", "product_id": self.scanner.id, "company_id": company_b.id}
        )
        other = self.env["serial.complaint"].create(
            {
                "lot_id": lot_b.id,
                "partner_id": self.customer.id,
                "company_id": company_b.id,
            }
        )
        self.quality_user.company_ids |= company_b
        wizard = self.env["serial.complaint.link"].create(
            {"complaint_ids": [(6, 0, (first | other).ids)], "name": "Mixed"}
        )
        causes = self.env["serial.root.cause"].search_count([])
        with self.assertRaisesRegex(UserError, "several companies"):
            wizard.action_link()
        self.assertEqual(self.env["serial.root.cause"].search_count([]), causes)
        self.assertFalse(first.root_cause_id)
