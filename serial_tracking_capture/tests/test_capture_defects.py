import base64
import io
import time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.serial_tracking_scheme.tests.common import SchemeCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestCaptureDefects(SchemeCommon):
    """Defects found by trying capture as a new user would."""

    def capture(self, picking, text="", **vals):
        return self.env["serial.capture"].create(
            {
                "picking_id": picking.id,
                "move_id": picking.move_ids[:1].id,
                "text": text,
                **vals,
            }
        )

    def capture_file(self, picking, content, filename="serials.csv", **vals):
        if isinstance(content, str):
            content = content.encode()
        return self.capture(
            picking,
            import_file=base64.b64encode(content),
            import_filename=filename,
            **vals,
        )

    def xlsx(self, rows):
        from openpyxl import Workbook  # shipped with Odoo

        book = Workbook()
        for row in rows:
            book.active.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    def names(self, picking):
        return sorted(picking.move_line_ids.lot_id.mapped("name"))

    # ---- 17.2: header rows and the serial column ------------------------------------
    def test_header_row_and_serial_column_detected(self):
        for filename, content, serials in (
            (
                "a.csv",
                "Product,Serial\nIP-7,TC-001\nIP-7,TC-002\n",
                ["TC-001", "TC-002"],
            ),
            ("b.csv", "Serial No.;Qty\nSC-001;1\nSC-002;1\n", ["SC-001", "SC-002"]),
            (
                "c.xlsx",
                self.xlsx([["Product", "Serial"], ["IP-7", "XT-1"], ["IP-7", "XT-2"]]),
                ["XT-1", "XT-2"],
            ),
            ("d.csv", "Serial No.\nSD-1\nSD-2\n", ["SD-1", "SD-2"]),
        ):
            with self.subTest(filename=filename):
                picking = self.make_receipt(2)
                wizard = self.capture_file(picking, content, filename)
                wizard.action_keep_good()
                self.assertEqual(self.names(picking), serials)

    def test_columns_that_cannot_be_told_are_refused_or_chosen(self):
        picking = self.make_receipt(2)
        content = "IP-7,TC-001\nIP-7,TC-002\n"
        wizard = self.capture_file(picking, content)
        with self.assertRaisesRegex(UserError, "none is headed Serial"):
            wizard.action_check()
        with self.assertRaisesRegex(UserError, "none is headed Serial"):
            wizard.action_keep_good()
        self.assertFalse(picking.move_line_ids.lot_id)
        wizard.serial_column = 2
        wizard.action_confirm()
        self.assertEqual(self.names(picking), ["TC-001", "TC-002"])

    # ---- 17.4: a serial on another open receipt --------------------------------------
    def test_serial_pending_on_another_receipt_refused(self):
        first = self.make_receipt(2)
        self._set_serials(first.move_ids, ["PEND-1", "PEND-2"])
        unit = self.env["stock.lot"].create(
            {"name": "PEND-3", "product_id": self.product.id}
        )
        other = self.make_receipt(1)
        self._set_serials(other.move_ids, lots=unit)
        second = self.make_receipt(1)
        wizard = self.capture(second, "PEND-1\nPEND-3\nFREE-1")
        wizard.action_confirm()
        self.assertFalse(second.move_line_ids.lot_id)
        report = wizard.report.splitlines()
        self.assertEqual(len(report), 2)
        self.assertIn(f"PEND-1 is already waiting on receipt {first.name}", report[0])
        self.assertIn(f"PEND-3 is already waiting on receipt {other.name}", report[1])
        wizard.action_keep_good()
        self.assertEqual(self.names(second), ["FREE-1"])
        # Both receipts validate: nothing is on two of them.
        for picking in (first, other, second):
            picking.move_ids.picked = True
            picking.button_validate()
            self.assertEqual(picking.state, "done")

    # ---- 17.5: files that are not plain CSV ------------------------------------------
    def test_every_line_ending_read(self):
        for number, ending in enumerate(("\r", "\r\n", "\n")):
            with self.subTest(ending=repr(ending)):
                picking = self.make_receipt(3)
                serials = [f"LE{number}-{i}" for i in (1, 2, 3)]
                content = ending.join(["Serial", *serials[:2]]) + f"\r\n{serials[2]}\n"
                wizard = self.capture_file(picking, content)
                wizard.action_confirm()
                self.assertEqual(self.names(picking), serials, wizard.report)

    def test_not_a_csv_file_refused(self):
        png = (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01"
            b"\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f"
        )
        picking = self.make_receipt(1)
        for content in (png, bytes(range(256)) * 8):
            wizard = self.capture_file(picking, content, "serials.csv")
            with self.assertRaisesRegex(UserError, "not a CSV or XLSX file"):
                wizard.action_check()
        self.assertFalse(picking.move_line_ids.lot_id)

    # ---- 17.10: report line numbers --------------------------------------------------
    def test_file_rows_numbered_as_in_the_file(self):
        picking = self.make_receipt(5)
        content = "Serial\nROW-2\nROW-2\n\nROW\x1b5\n"
        wizard = self.capture_file(picking, content)
        wizard.action_check()
        report = wizard.report.splitlines()
        self.assertTrue(report[0].startswith("File row 3: ROW-2:"), report)
        self.assertIn("already on row 2 of the file", report[0])
        self.assertTrue(report[1].startswith("File row 5:"), report)
        # With text in the box too, the file keeps its own row numbers.
        wizard.text = "TXT-1\nTXT-1"
        wizard.action_check()
        report = wizard.report.splitlines()
        self.assertTrue(report[0].startswith("Line 2: TXT-1:"), report)
        self.assertTrue(report[1].startswith("File row 3: ROW-2:"), report)

    # ---- 17.11: Check Only runs every check of Capture -------------------------------
    def test_check_only_refuses_what_capture_refuses(self):
        picking = self.make_receipt(1, product=self.product_b)
        wizard = self.capture(picking, "MFR-Z", use_as="manufacturer")
        with self.assertRaisesRegex(UserError, "No serial scheme applies"):
            wizard.action_check()

    # ---- 10.4: control characters ----------------------------------------------------
    def test_control_characters_refused_clearly(self):
        picking = self.make_receipt(2)
        with self.assertRaisesRegex(UserError, r"U\+0000 .*line 2"):
            self.capture(picking, "GOOD-1\nSN\x00-2")
        wizard = self.capture(picking, "GOOD-1")
        with self.assertRaisesRegex(UserError, r"U\+001B"):
            wizard.write({"text": "GOOD-1\n\x1b[2JSN-3"})
        # In a file, the line is refused (listed in the report), nothing is written.
        wizard = self.capture_file(picking, "Serial\nGOOD-2\nSN\u200b-4\n")
        wizard.action_confirm()
        self.assertFalse(picking.move_line_ids.lot_id)
        self.assertIn("U+200B (ZERO WIDTH SPACE)", wizard.report)
        self.assertTrue(wizard.report.startswith("File row 3:"))

    # ---- 10.6: oversized uploads -----------------------------------------------------
    def test_oversized_upload_refused_at_once(self):
        picking = self.make_receipt(5)
        lines = "".join(f"(01)09506000134352(21)BIG{i:07d}\n" for i in range(200_000))
        wizard = self.capture_file(picking, lines)
        start = time.monotonic()
        with self.assertRaisesRegex(
            UserError, r"200000 lines but \[PMP\] Pump expects only 5"
        ):
            wizard.action_check()
        self.assertLess(time.monotonic() - start, 5)
        wizard = self.capture(picking, "\n".join(f"T{i}" for i in range(1100)))
        with self.assertRaisesRegex(UserError, "1100 lines"):
            wizard.action_confirm()
        self.assertFalse(picking.move_line_ids.lot_id)

    def test_file_above_the_size_limit_refused(self):
        picking = self.make_receipt(5)
        wizard = self.capture_file(picking, b"S" * (21 * 1024 * 1024))
        with self.assertRaisesRegex(UserError, "larger than 20 MB"):
            wizard.action_check()

    def test_hundred_thousand_line_file_checked(self):
        """A legitimate 100,000-line file is read and checked (writing the units is
        the bulk path the other tests and bench/bench_generation.py cover)."""
        picking = self.make_receipt(100_000, confirm=False)
        content = "Serial\n" + "".join(f"HK{i:06d}\n" for i in range(100_000))
        wizard = self.capture_file(picking, content)
        wizard.action_check()
        self.assertEqual((wizard.good_count, wizard.bad_count), (100_000, 0))

    # ---- 10.7: the product barcode as a serial ---------------------------------------
    def test_product_barcode_refused_as_serial(self):
        self.product_b.barcode = "036000291452"
        picking = self.make_receipt(4)
        wizard = self.capture(
            picking, "9506000134352\n09506000134352\n0036000291452\nSN-OK"
        )
        wizard.action_confirm()
        self.assertEqual(wizard.bad_count, 3)
        pump, valve = self.product.display_name, self.product_b.display_name
        for row, name in zip(
            wizard.report.splitlines(), (pump, pump, valve), strict=True
        ):
            self.assertIn(
                f"This is the product barcode of {name}; scan the unit's serial label",
                row,
            )
