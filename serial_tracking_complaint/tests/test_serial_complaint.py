import base64

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from .common import ComplaintCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestSerialComplaint(ComplaintCommon):
    """Complaints from each entry point, the unit's story, and bad input."""

    def test_from_unit_form(self):
        unit = self.units["SC-001"]
        action = unit.action_new_complaint()
        with Form(
            self.env["serial.complaint"].with_context(**action["context"])
        ) as form:
            self.assertEqual(form.lot_id, unit)
            # the unit's holder is the customer by default
            self.assertEqual(form.partner_id, self.customer)
            form.category_id = self.defective
            form.description = "<p>Does not power on</p>"
        complaint = form.record
        self.assertTrue(complaint.name.startswith("CMP/"))
        self.assertEqual(
            complaint.stage_id, self.env.ref("serial_tracking_complaint.stage_new")
        )
        self.assertEqual(unit.complaint_count, 1)
        event = unit.event_ids.filtered(lambda e: e.event_type == "complaint")
        self.assertEqual(event.reference, complaint.name)
        self.assertEqual(event.partner_id, self.customer)
        self.assertIn("Defective", event.description)
        self.assertFalse(complaint.holder_mismatch)

    def test_from_customer(self):
        self.assertEqual(self.customer.serial_complaint_count, 0)
        action = self.customer_contact.action_view_serial_complaints()
        with Form(
            self.env["serial.complaint"].with_context(**action["context"])
        ) as form:
            self.assertEqual(form.partner_id, self.customer_contact)
            form.scanned_code = "  sc-002 "
            self.assertEqual(form.lot_id, self.units["SC-002"])
        # counted on the company and on its contacts
        self.assertEqual(self.customer.serial_complaint_count, 1)
        self.assertEqual(self.customer_contact.serial_complaint_count, 1)
        complaints = self.env["serial.complaint"].search(action["domain"])
        self.assertEqual(complaints, form.record)

    def test_by_scanning_gs1(self):
        with Form(self.env["serial.complaint"]) as form:
            form.scanned_code = "(01)05410000000019(21)SC-003"
            self.assertEqual(form.lot_id, self.units["SC-003"])
            # SC-003 is in stock: nobody holds it, the customer is typed
            form.partner_id = self.customer
        self.assertEqual(form.record.lot_id, self.units["SC-003"])
        # a unit in our stock was not sold to this customer
        self.assertTrue(form.record.holder_mismatch)

    def test_create_from_code_only(self):
        complaint = self.env["serial.complaint"].create({"scanned_code": "SC-001"})
        self.assertEqual(complaint.lot_id, self.units["SC-001"])
        self.assertEqual(complaint.partner_id, self.customer)

    def test_unknown_serial(self):
        count = self.env["serial.complaint"].search_count([])
        with self.assertRaisesRegex(UserError, "No serial unit matches NOPE-1"):
            self.env["serial.complaint"].create(
                {"scanned_code": "NOPE-1", "partner_id": self.customer.id}
            )
        with self.assertRaisesRegex(UserError, "Scan or type a serial"):
            self.env["serial.complaint"]._resolve_serial("  ", self.env.company)
        self.assertEqual(self.env["serial.complaint"].search_count([]), count)

    def test_serial_of_another_company(self):
        company_b = self.env["res.company"].create({"name": "Complaint Company B"})
        self.env["stock.lot"].create(
            {"name": "SCB-1", "product_id": self.scanner.id, "company_id": company_b.id}
        )
        count = self.env["serial.complaint"].search_count([])
        events = self.env["serial.event"].search_count([])
        with self.assertRaisesRegex(UserError, "belongs to another company"):
            self.env["serial.complaint"].create(
                {"scanned_code": "SCB-1", "partner_id": self.customer.id}
            )
        form = Form(self.env["serial.complaint"])
        with self.assertRaisesRegex(UserError, "belongs to another company"):
            form.scanned_code = "SCB-1"
        self.assertEqual(self.env["serial.complaint"].search_count([]), count)
        self.assertEqual(self.env["serial.event"].search_count([]), events)

    def test_same_serial_two_products(self):
        self.env["stock.lot"].create({"name": "SC-001", "product_id": self.printer.id})
        with self.assertRaisesRegex(UserError, "matches several units"):
            self.env["serial.complaint"]._resolve_serial("SC-001", self.env.company)

    def test_photos_belong_to_the_complaint(self):
        photo = self.env["ir.attachment"].create(
            {"name": "crack.png", "datas": base64.b64encode(b"\x89PNG fake")}
        )
        complaint = self.complain(
            self.units["SC-001"], photo_ids=[Command.set(photo.ids)]
        )
        self.assertEqual(photo.res_model, "serial.complaint")
        self.assertEqual(photo.res_id, complaint.id)

    def test_story_documents(self):
        doc = self.env["ir.attachment"].create(
            {
                "name": "certificate.pdf",
                "res_model": "stock.picking",
                "res_id": self.receipt.id,
                "datas": base64.b64encode(b"%PDF-1.4"),
            }
        )
        complaint = self.complain(self.units["SC-001"])
        self.assertEqual(complaint.receipt_ids, self.receipt)
        self.assertEqual(complaint.vendor_ids, self.partner_1)
        self.assertEqual(complaint.batch_id, self.batch)
        self.assertIn(doc, complaint.document_ids)
        self.assertFalse(complaint.component_lot_ids)

    def test_closing_stage_dates(self):
        complaint = self.complain(self.units["SC-001"])
        self.assertFalse(complaint.date_closed)
        complaint.stage_id = self.env.ref("serial_tracking_complaint.stage_closed")
        self.assertTrue(complaint.is_closed)
        self.assertTrue(complaint.date_closed)
        complaint.stage_id = self.env.ref(
            "serial_tracking_complaint.stage_investigating"
        )
        self.assertFalse(complaint.date_closed)

    def test_access(self):
        unit = self.units["SC-001"]
        stock_user = new_test_user(
            self.env, "st_complaint_stock", groups="stock.group_stock_user"
        )
        with self.assertRaises(AccessError):
            self.env["serial.complaint"].with_user(stock_user).create(
                {"lot_id": unit.id, "partner_id": self.customer.id}
            )
        complaint = (
            self.env["serial.complaint"]
            .with_user(self.service_user)
            .create({"lot_id": unit.id, "partner_id": self.customer.id})
        )
        # customer service reads the siblings and the story
        self.assertEqual(complaint.sibling_ids.mapped("kind"), ["batch", "receipt"])
        self.assertEqual(complaint.receipt_ids, self.receipt)
        with self.assertRaises(AccessError):
            complaint.unlink()
        with self.assertRaises(AccessError):
            self.env["serial.root.cause"].with_user(self.service_user).create(
                {"name": "Bad gasket"}
            )
        complaint.with_user(self.quality_user).unlink()

    def test_multi_company(self):
        complaint = self.complain(self.units["SC-001"])
        company_b = self.env["res.company"].create({"name": "Complaint Company B"})
        user_b = self._stock_user(
            "st_complaint_b",
            company_b,
            groups="serial_tracking_complaint.group_complaint_manager",
        )
        Complaint = self.env["serial.complaint"].with_user(user_b)
        self.assertFalse(Complaint.search([("id", "=", complaint.id)]))
        self.assertFalse(
            self.env["serial.complaint.sibling"]
            .with_user(user_b)
            .search([("complaint_id", "=", complaint.id)])
        )
        # a unit of company A on a complaint of company B is refused
        with self.assertRaises(UserError):
            self.env["serial.complaint"].create(
                {
                    "lot_id": self.env["stock.lot"]
                    .create(
                        {
                            "name": "SCA-9",
                            "product_id": self.scanner.id,
                            "company_id": self.env.company.id,
                        }
                    )
                    .id,
                    "partner_id": self.customer.id,
                    "company_id": company_b.id,
                }
            )
