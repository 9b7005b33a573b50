"""Label report values, ZPL output, wizard and refusal of bad input (no output)."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SerialLabelCommon

REPORT = "report.serial_tracking_label.report_serial_label"
ZPL_ACTION = "serial_tracking_label.action_report_serial_label_zpl"


@tagged("post_install", "-at_install", "serial_tracking")
class TestLabelReport(SerialLabelCommon):
    def render_zpl(self, lots, **options):
        data = dict({"lot_ids": lots.ids}, **options)
        zpl, report_type = self.env["ir.actions.report"]._render_qweb_text(
            ZPL_ACTION, lots.ids, data=data
        )
        self.assertEqual(report_type, "text")
        return zpl.decode()

    def test_pdf_values_pages_and_copies(self):
        lots = self.lots
        values = self.env[REPORT]._get_report_values(
            None, {"lot_ids": lots.ids, "layout": "a4_3x7", "copies": 5}
        )
        self.assertEqual([len(page) for page in values["pages"]], [21, 4])
        labels = [label for page in values["pages"] for label in page]
        self.assertEqual(
            [label["serial"] for label in labels],
            [serial for serial in lots.mapped("name") for _copy in range(5)],
        )
        first = labels[0]
        self.assertEqual(
            {k: first[k] for k in ("product", "ref", "batch", "expiry", "company")},
            {
                "product": "Label Widget",
                "ref": "LBL-1",
                "batch": "B_12/7",
                "expiry": "03/31/2027",
                "company": self.env.company.name,
            },
        )
        self.assertTrue(first["image"].startswith("data:image/svg+xml;base64,"))
        # Copies share one rendered image: one barcode rendering per unit.
        self.assertIs(labels[0]["image"], labels[4]["image"])
        roll = self.env[REPORT]._get_report_values(
            None, {"lot_ids": lots.ids, "layout": "roll_50x25"}
        )
        self.assertEqual([len(page) for page in roll["pages"]], [1] * 5)

    def test_zpl_code128_exact(self):
        zpl = self.render_zpl(self.lots[0], layout="roll_50x25", copies=3)
        self.assertEqual(
            zpl,
            "^XA^CI28^PW400^LL200^LH0,0"
            # Code 128, 2-dot modules, centred; all in set B (4 digits in the middle).
            "^FO66,16^BY2^BCN,48,N,N,N,N^FH\\^FD>:SN-0001/A^FS"
            "^FO16,80^A0N,22,12^FH\\^FDSN-0001/A^FS"
            "^FO16,107^A0N,16,8^FH\\^FD[LBL-1] Label Widget^FS"
            "^FO16,127^A0N,16,8^FH\\^FDBatch B_12/7 Exp. 03/31/2027^FS"
            f"^FO16,147^A0N,16,8^FH\\^FD{self.env.company.name}^FS"
            "^PQ3^XZ\n",
        )

    def test_zpl_every_symbology(self):
        expected = {
            "gs1_datamatrix": "^BXN,8,200,0,0,6,_^FH\\^FD_10108712345000011172703311"
            "0B__12/7_121SN-0001/A^FS",
            "qr_digital_link": "^BQN,2,4^FH\\^FDMA,https://id.example.com/01/"
            "08712345000011/10/B_12%2F7/21/SN-0001%2FA?17=270331^FS",
            "ean13": "^BY3^BEN,110,N,N^FH\\^FD871234500001^FS",
        }
        for symbology, command in expected.items():
            with self.subTest(symbology=symbology):
                zpl = self.render_zpl(
                    self.lots[:2], layout="roll_100x50", symbology=symbology
                )
                self.assertEqual(zpl.count("^XA"), 2)
                self.assertEqual(zpl.count("^XZ\n"), 2)
                self.assertIn(command, zpl)
                self.assertIn("^PW800^LL400", zpl)
        zpl = self.render_zpl(self.lot_upc, layout="roll_100x50", symbology="upca")
        self.assertIn("^BY3^BUN,110,N,N,Y^FH\\^FD03600029145^FS", zpl)
        # GS1-128 (no batch nor expiry here: the full string is too wide for 2-dot
        # modules, see test_too_long_for_label_refused): start C + FNC1, set B at 'U'.
        zpl = self.render_zpl(self.lot_upc, layout="roll_100x50", symbology="gs1_128")
        self.assertIn(
            "^BY3^BCN,110,N,N,N,N^FH\\^FD>;>8010003600029145221>6UPC-1^FS", zpl
        )

    def test_zpl_escapes_prefix_characters(self):
        lot = self.env["stock.lot"].create(
            {"name": "A^B~C", "product_id": self.product_no_gtin.id}
        )
        self.product_no_gtin.name = "Caret ^ tilde ~"
        zpl = self.render_zpl(lot, layout="roll_100x50")
        self.assertIn("^FH\\^FDA\\5EB\\7EC^FS", zpl)
        self.assertIn("^FH\\^FDCaret \\5E tilde \\7E^FS", zpl)

    def assert_refused(self, lots, symbology, message, layout="roll_100x50"):
        """Every output path refuses, with ``message``, and produces nothing."""
        attachments = self.env["ir.attachment"].search_count([])
        wizard = self.env["serial.label.wizard"].create(
            {
                "lot_ids": [Command.set(lots.ids)],
                "symbology": symbology,
                "layout": layout,
            }
        )
        roll = layout != "a4_3x7"  # ZPL is for rolls only
        for output in ("pdf", "zpl") if roll else ("pdf",):
            wizard.output = output
            with self.assertRaisesRegex(UserError, message):
                wizard.action_print()
        if roll:
            with self.assertRaisesRegex(UserError, message):
                self.render_zpl(lots, layout=layout, symbology=symbology)
        with self.assertRaisesRegex(UserError, message):
            self.env[REPORT]._get_report_values(
                None, {"lot_ids": lots.ids, "layout": layout, "symbology": symbology}
            )
        self.assertEqual(self.env["ir.attachment"].search_count([]), attachments)

    def test_bad_input_refused(self):
        self.assert_refused(self.lot_bad_ean, "ean13", "BAD-1: .* wrong check digit")
        self.assert_refused(self.lot_bad_ean, "gs1_128", "wrong check digit")
        self.assert_refused(
            self.lot_no_gtin, "gs1_datamatrix", "PLAIN-1: .* no barcode"
        )
        self.assert_refused(self.lot_no_gtin, "qr_digital_link", "no barcode")
        self.assert_refused(self.lot_upc | self.lots[0], "upca", "SN-0001/A: .*UPC-A")
        accented = self.env["stock.lot"].create(
            {"name": "SÉRIE-1", "product_id": self.product_gtin.id}
        )
        self.assert_refused(accented, "code128", "Code 128 cannot encode .*'É'")
        spaced = self.env["stock.lot"].create(
            {"name": "SN 2", "product_id": self.product_gtin.id}
        )
        self.assert_refused(spaced, "gs1_datamatrix", "GS1 cannot encode .*' '")
        # One message lists every offender, good units are not printed either.
        with self.assertRaisesRegex(UserError, "(?s)PLAIN-1.*BAD-1"):
            self.env[REPORT]._build_barcodes(
                self.lots | self.lot_no_gtin | self.lot_bad_ean, "gs1_128"
            )

    def test_too_long_for_label_refused(self):
        # GS1-128 with GTIN, expiry, batch and serial: 387 modules, too wide for
        # 0.17 mm modules on 46 mm (50 mm roll) or 57.5 mm (A4 label) and for 2-dot
        # ZPL modules on 50 mm and 100 mm rolls alike.
        self.assert_refused(self.lots[0], "gs1_128", "too long", layout="roll_50x25")
        self.assert_refused(self.lots[0], "gs1_128", "too long", layout="a4_3x7")
        with self.assertRaisesRegex(UserError, "too long"):
            self.render_zpl(self.lots[0], layout="roll_100x50", symbology="gs1_128")
        wizard = self.env["serial.label.wizard"].create(
            {"lot_ids": [Command.set(self.lots.ids)], "output": "zpl"}
        )
        with self.assertRaisesRegex(UserError, "rolls"):
            wizard.action_print()  # ZPL on an A4 sheet

    def test_wizard_sources_and_action(self):
        Wizard = self.env["serial.label.wizard"]
        from_lots = Wizard.with_context(
            active_model="stock.lot", active_ids=self.lots[:2].ids
        ).create({})
        self.assertEqual(from_lots.lot_ids, self.lots[:2])
        from_batch = Wizard.with_context(
            active_model="serial.batch", active_ids=self.batch.ids
        ).create({})
        self.assertEqual(from_batch.lot_ids, self.lots)
        receipt = self._receipt(self.lots[1:4])
        action = receipt.action_print_serial_labels()
        wizard = Wizard.with_context(**action["context"]).create({})
        self.assertEqual(wizard.lot_ids, self.lots[1:4])
        wizard.write(
            {"symbology": "gs1_datamatrix", "copies": 2, "layout": "roll_50x25"}
        )
        report_action = wizard.action_print()
        self.assertEqual(
            report_action["report_name"],
            "serial_tracking_label.report_serial_label_roll_50x25",
        )
        self.assertEqual(report_action["report_type"], "qweb-pdf")
        self.assertEqual(
            report_action["data"],
            {
                "lot_ids": self.lots[1:4].ids,
                "layout": "roll_50x25",
                "symbology": "gs1_datamatrix",
                "copies": 2,
            },
        )
        wizard.output = "zpl"
        self.assertEqual(wizard.action_print()["report_type"], "qweb-text")

    def _receipt(self, lots):
        """A confirmed receipt of ``lots`` (units of ``product_gtin``)."""
        picking = self._create_receipt(self.product_gtin, len(lots))
        self._set_serials(picking.move_ids, lots=lots)
        return picking

    def test_ten_thousand_label_pdf_refused_at_once_zpl_prints(self):
        """A 10,000-label PDF ran past the request time limit: it is refused before
        any work, pointing to ZPL; the same run as ZPL completes."""
        wizard = self.env["serial.label.wizard"].create(
            {"lot_ids": self.lots[:1].ids, "copies": 10_000, "layout": "roll_50x25"}
        )
        with self.assertRaisesRegex(UserError, "10000 labels are too many.*ZPL"):
            wizard.action_print()
        # The report route refuses too (whoever calls it), before building anything.
        with self.assertQueryCount(0), self.assertRaisesRegex(UserError, "ZPL"):
            self.env[REPORT]._get_report_values(
                None, {"lot_ids": self.lots[:1].ids, "copies": 10_000}
            )
        wizard.output = "zpl"
        self.assertEqual(wizard.action_print()["report_type"], "qweb-text")
        zpl = self.render_zpl(self.lots, layout="roll_50x25", copies=2000)
        self.assertEqual(zpl.count("^PQ2000^XZ"), 5)
