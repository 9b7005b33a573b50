import csv
import io

import openpyxl
from PyPDF2 import PdfFileReader

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import RecallRecordCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestRecallRecord(RecallRecordCommon):
    """Status report, notice, exports and drills of a recall."""

    def test_status_report(self):
        recall = self.receipt_recall
        recall.effectiveness_level = "C"
        self.assertEqual(recall.effectiveness_share, 10.0)
        recall.action_confirm()
        self.assertEqual(recall.consignee_count, 1)
        self.assertEqual(recall.notified_count, 0)
        self.assertEqual(recall.qty_on_hand, 3)
        notice = recall.customer_ids
        notice.action_send()
        recall.invalidate_recordset()
        self.assertEqual(recall.notified_count, 1)
        self.assertEqual(recall.not_responding_count, 1)
        self.assertEqual(recall.responding_count, 0)
        self.assertTrue(recall.first_notified_date)
        notice.action_acknowledge()
        lines = {line.lot_id.name: line for line in recall.line_ids}
        lines["SC-001"].action_mark_returned()
        lines["SC-003"].action_mark_destroyed()
        lines["SC-004"].action_mark_corrected()
        self.env["serial.recall.check"].create(
            {
                "recall_id": recall.id,
                "partner_id": self.customer.id,
                "method": "phone",
                "result": "acted",
            }
        )
        recall.invalidate_recordset()
        self.assertEqual(recall.responding_count, 1)
        self.assertEqual(recall.not_responding_count, 0)
        self.assertEqual(recall.qty_on_hand, 1)
        self.assertEqual(recall.qty_returned, 1)
        self.assertEqual(recall.qty_destroyed, 1)
        self.assertEqual(recall.qty_corrected, 1)
        self.assertEqual((recall.checks_required, recall.checks_done), (1, 1))
        self.assertEqual(recall.checks_failed, 0)
        html = self._html("action_report_serial_recall", recall)
        for text in ("Serial Customer", "SC-001", "Class II", "Consignees notified"):
            self.assertIn(text, html)

    def _html(self, report, recall):
        html, _type = self.env["ir.actions.report"]._render_qweb_html(
            f"serial_tracking_recall_record.{report}", recall.ids
        )
        return html.decode()

    def test_notice_mandatory_elements(self):
        recall = self.receipt_recall
        html = self._html("action_report_recall_notice", recall)
        for text in (
            "Product safety recall",
            "Handheld Scanner",
            "Black handheld scanner, model HS-200.",
            "SC-001",
            "SC-005",
            "RUN-1",
            "5410000000019",
            "Sold from",
            "Belgium",
            "The battery can overheat and cause burns.",
            "Stop using this product immediately.",
            "Replacement",
            "We replace the scanner free of charge.",
        ):
            self.assertIn(text, html)
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                "serial_tracking_recall_record.action_report_recall_notice",
                recall.ids,
            )
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
        reader = PdfFileReader(io.BytesIO(pdf))
        text = " ".join(page.extract_text() for page in reader.pages)
        text = " ".join(text.split())
        for element in (
            "Product safety recall",
            "SC-001",
            "RUN-1",
            "Stop using this product immediately.",
            "The battery can overheat and cause burns.",
        ):
            self.assertIn(element, text)

    def test_exports(self):
        recall = self.receipt_recall
        action = recall.action_export_xlsx()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        back, forward = book.worksheets
        back_rows = list(back.iter_rows(values_only=True))
        forward_rows = list(forward.iter_rows(values_only=True))
        self.assertEqual(back_rows[0][:3], ("Direction", "Document", "Date"))
        self.assertEqual(back.auto_filter.ref, back.dimensions)
        self.assertEqual(
            sorted(row[7] for row in back_rows[1:]),
            ["SC-001", "SC-002", "SC-003", "SC-004", "SC-005"],
        )
        self.assertEqual({row[1] for row in back_rows[1:]}, {self.receipt.name})
        self.assertEqual({row[3] for row in back_rows[1:]}, {self.partner_1.name})
        self.assertEqual(
            sorted(row[7] for row in forward_rows[1:]), ["SC-001", "SC-002"]
        )
        row = forward_rows[1]
        self.assertEqual(row[1], self.delivery.name)
        self.assertEqual(row[3], "Serial Customer")
        self.assertIn("Ghent", row[4])
        self.assertEqual(row[8], 1)

        action = recall.action_export_csv()
        attachment = self.env["ir.attachment"].browse(
            int(action["url"].split("/")[3].split("?")[0])
        )
        rows = list(csv.reader(io.StringIO(attachment.raw.decode("utf-8-sig"))))
        self.assertEqual(rows[0][7], "Lot/Serial")
        self.assertEqual(len(rows), 1 + 5 + 2)
        self.assertEqual([r[0] for r in rows[1:]].count("forward"), 2)

    def test_export_without_units(self):
        empty_batch = self.env["serial.batch"].create(
            {"name": "EMPTY", "product_id": self.scanner.id}
        )
        recall = self.env["serial.recall"].create(
            {"title": "Nothing", "batch_ids": [(6, 0, empty_batch.ids)]}
        )
        attachments = self.env["ir.attachment"].search_count([])
        for method in (
            "action_export_xlsx",
            "action_export_csv",
            "action_print_notice",
            "action_print_report",
            "action_drill",
        ):
            with self.assertRaisesRegex(UserError, "has no unit"):
                getattr(recall, method)()
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)
        self.assertFalse(recall.drill_ids)

    def _snapshot(self):
        lots = self.env["stock.lot"].search([])
        quants = self.env["stock.quant"].search([])
        return (
            sorted((lot.id, lot.unit_state, lot.customer_id.id) for lot in lots),
            sorted((q.id, q.lot_id.id, q.location_id.id, q.quantity) for q in quants),
            self.env["mail.mail"].search_count([]),
            self.env["stock.move.line"].search_count([]),
            self.env["serial.recall.line"].search_count([]),
            self.env["serial.event"].search_count([]),
        )

    def test_drill_changes_nothing(self):
        recall = self.receipt_recall
        self.env.flush_all()
        before = self._snapshot()
        action = recall.action_drill()
        self.env.flush_all()
        self.env.invalidate_all()
        self.assertEqual(self._snapshot(), before)
        self.assertEqual(recall.state, "draft")
        drill = self.env["serial.recall.drill"].browse(action["res_id"])
        self.assertEqual(drill.recall_id, recall)
        self.assertGreater(drill.duration, 0)
        self.assertEqual(
            (
                drill.unit_count,
                drill.held_count,
                drill.delivered_count,
                drill.customer_count,
                drill.back_count,
                drill.forward_count,
            ),
            (5, 3, 2, 1, 5, 2),
        )
        book = openpyxl.load_workbook(io.BytesIO(drill.attachment_id.raw))
        self.assertEqual(len(list(book.worksheets[0].iter_rows())), 6)
        recall.action_confirm()
        with self.assertRaisesRegex(UserError, "A drill runs on a draft recall"):
            recall.action_drill()
