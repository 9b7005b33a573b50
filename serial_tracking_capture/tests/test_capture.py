import base64
import io
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.serial_tracking_scheme.tests.common import SchemeCommon

DATA = Path(__file__).parent / "data"
GS = "\x1d"


@tagged("post_install", "-at_install", "serial_tracking")
class TestCapture(SchemeCommon):
    """Capture at receipt: every input form, every refusal, nothing half-written."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_upc, cls.product_ean8 = cls.env["product.product"].create(
            [
                {
                    "name": "UPC product",
                    "default_code": "UPC",
                    "barcode": "036000291452",
                    "is_storable": True,
                    "tracking": "serial",
                },
                {
                    "name": "EAN-8 product",
                    "default_code": "EAN8",
                    "barcode": "96385074",
                    "is_storable": True,
                    "tracking": "serial",
                },
            ]
        )
        cls.by_gtin = {
            "09506000134352": cls.product,
            "00036000291452": cls.product_upc,
            "00000096385074": cls.product_ean8,
        }

    def capture(self, picking, text="", **vals):
        return self.env["serial.capture"].create(
            {
                "picking_id": picking.id,
                "move_id": picking.move_ids[:1].id,
                "text": text,
                **vals,
            }
        )

    def real_world_rows(self):
        rows = []
        for line in (DATA / "gs1_real_world.tsv").read_text().splitlines():
            if not line or line.startswith("#"):
                continue
            form, text, gtin, serial, batch, production, expiry = line.split("\t")
            rows.append(
                {
                    "form": form,
                    "text": text.replace("<GS>", GS),
                    "gtin": gtin,
                    "serial": serial,
                    "batch": batch,
                    "production": production and date.fromisoformat(production),
                    "expiry": expiry and date.fromisoformat(expiry),
                }
            )
        return rows

    # ---- every GS1 form --------------------------------------------------------------
    def test_real_world_gs1_strings(self):
        rows = self.real_world_rows()
        self.assertEqual(
            {row["form"] for row in rows},
            {
                "hri",
                "hri-upc-a",
                "hri-ean-8",
                "raw",
                "raw-gs1-128",
                "raw-datamatrix",
                "raw-qr",
                "digital-link",
            },
        )
        for gtin, product in self.by_gtin.items():
            product_rows = [row for row in rows if row["gtin"] == gtin]
            picking = self.make_receipt(len(product_rows), product=product)
            wizard = self.capture(
                picking, "\n".join(row["text"] for row in product_rows)
            )
            result = wizard.action_confirm()
            self.assertEqual(
                result["type"], "ir.actions.act_window_close", wizard.report
            )
            lots = picking.move_line_ids.lot_id
            self.assertEqual(len(lots), len(product_rows))
            by_name = {lot.name: lot for lot in lots}
            for row in product_rows:
                with self.subTest(form=row["form"], text=row["text"]):
                    lot = by_name[row["serial"]]
                    self.assertEqual(lot.product_id, product)
                    self.assertEqual(lot.batch_id.name or "", row["batch"])
                    if row["expiry"]:
                        self.assertEqual(lot.expiration_date.date(), row["expiry"])
                    if row["production"]:
                        self.assertEqual(lot.manufacture_date, row["production"])
            # Units are received by Odoo's own validation afterwards (some of these
            # real-world strings carry expiry dates long past: confirmed on purpose).
            picking.move_ids.picked = True
            picking.with_context(skip_expired=True).button_validate()
            self.assertEqual(picking.state, "done")
            self.assertEqual(product.qty_available, len(product_rows))

    def test_batches_created_once_with_their_dates(self):
        picking = self.make_receipt(3)
        wizard = self.capture(
            picking,
            "(01)09506000134352(11)250101(17)270101(10)B1(21)S1\n"
            "(01)09506000134352(11)250101(17)270101(10)B1(21)S2\n"
            "(01)09506000134352(10)B2(21)S3",
        )
        wizard.action_confirm()
        batches = picking.move_line_ids.lot_id.batch_id
        self.assertEqual(sorted(batches.mapped("name")), ["B1", "B2"])
        b1 = batches.filtered(lambda b: b.name == "B1")
        self.assertEqual(b1.manufacture_date, date(2025, 1, 1))
        self.assertEqual(b1.expiration_date.date(), date(2027, 1, 1))
        self.assertEqual(len(b1.lot_ids), 2)

    def test_existing_batches_reused(self):
        """A batch of the receipt's company wins over one shared by every company; a
        shared batch is used when the company has none: no second batch of that
        name."""
        Batch = self.env["serial.batch"]
        shared, shared_b2, own = Batch.create(
            [
                {"name": "B1", "product_id": self.product.id, "company_id": False},
                {"name": "B2", "product_id": self.product.id, "company_id": False},
                {
                    "name": "B1",
                    "product_id": self.product.id,
                    "company_id": self.company.id,
                },
            ]
        )
        picking = self.make_receipt(2)
        self.capture(
            picking,
            "(01)09506000134352(10)B1(21)S1\n(01)09506000134352(10)B2(21)S2",
        ).action_confirm()
        lots = picking.move_line_ids.lot_id.sorted("name")
        self.assertEqual(lots.batch_id, own | shared_b2)
        self.assertEqual(lots[1].batch_id, shared_b2)
        self.assertEqual(
            Batch.search_count(
                [("product_id", "=", self.product.id), ("name", "in", ["B1", "B2"])]
            ),
            3,
        )
        self.assertNotIn(shared, lots.batch_id)

    # ---- plain manufacturer serials: paste, scan, files ------------------------------
    def test_paste_and_scan_plain_serials(self):
        picking = self.make_receipt(3)
        wizard = self.capture(picking, "M-001\n\n  M-002  \n")
        wizard.on_barcode_scanned("M-003")
        self.assertEqual(wizard.text.split(), ["M-001", "M-002", "M-003"])
        self.assertEqual(wizard.expected_count, 3)
        wizard.action_check()
        self.assertEqual((wizard.good_count, wizard.bad_count), (3, 0))
        self.assertFalse(picking.move_line_ids.lot_id, "checking writes nothing")
        wizard.action_confirm()
        self.assertEqual(
            sorted(picking.move_line_ids.lot_id.mapped("name")),
            ["M-001", "M-002", "M-003"],
        )

    def test_manufacturer_serials_get_our_serial_from_scheme(self):
        self.make_scheme("{product}-{counter:5}{check}", product_id=self.product.id)
        picking = self.make_receipt(2)
        wizard = self.capture(
            picking, "(01)09506000134352(21)MFR-A\nMFR-B", use_as="manufacturer"
        )
        wizard.action_confirm()
        lots = picking.move_line_ids.lot_id
        self.assertEqual(sorted(lots.mapped("manufacturer_serial")), ["MFR-A", "MFR-B"])
        self.assertTrue(all(lot.name.startswith("PMP-") for lot in lots))
        # The same manufacturer serial cannot come in twice while in stock.
        picking.move_ids.picked = True
        picking.button_validate()
        again = self.make_receipt(1)
        wizard = self.capture(again, "MFR-A", use_as="manufacturer")
        wizard.action_confirm()
        self.assertIn("already in stock", wizard.report)

    def test_manufacturer_mode_needs_scheme(self):
        picking = self.make_receipt(1, product=self.product_b)
        wizard = self.capture(picking, "MFR-Z", use_as="manufacturer")
        with self.assertRaisesRegex(UserError, "No serial scheme applies"):
            wizard.action_confirm()

    def test_import_csv(self):
        picking = self.make_receipt(3)
        content = (
            "Serial;Note\nCSV-1;first\nCSV-2;second\n(01)09506000134352(21)CSV-3;gs1\n"
        )
        wizard = self.capture(
            picking,
            import_file=base64.b64encode(content.encode()),
            import_filename="serials.csv",
        )
        wizard.action_confirm()
        self.assertEqual(
            sorted(picking.move_line_ids.lot_id.mapped("name")),
            ["CSV-1", "CSV-2", "CSV-3"],
        )

    def test_import_xlsx(self):
        from openpyxl import Workbook  # shipped with Odoo

        book = Workbook()
        sheet = book.active
        sheet.append(["Serial number"])
        sheet.append(["XL-1"])
        sheet.append([123456789012])  # spreadsheets store long digit serials as numbers
        sheet.append(["https://id.gs1.org/01/09506000134352/21/XL-3"])
        buffer = io.BytesIO()
        book.save(buffer)
        picking = self.make_receipt(3)
        wizard = self.capture(
            picking,
            import_file=base64.b64encode(buffer.getvalue()),
            import_filename="serials.xlsx",
        )
        wizard.action_confirm()
        self.assertEqual(
            sorted(picking.move_line_ids.lot_id.mapped("name")),
            ["123456789012", "XL-1", "XL-3"],
        )
        broken = self.capture(
            picking,
            import_file=base64.b64encode(b"not a zip"),
            import_filename="x.xlsx",
        )
        with self.assertRaisesRegex(UserError, "cannot be read as XLSX"):
            broken.action_check()

    # ---- every refusal, and nothing half-written -------------------------------------
    def test_every_bad_line_reported_and_nothing_written(self):
        in_stock = self.env["stock.lot"].create(
            {"name": "IN-STOCK-1", "product_id": self.product.id}
        )
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.stock_location, 1, lot_id=in_stock
        )
        picking = self.make_receipt(4)
        picking.move_line_ids[0].lot_name = "ON-RECEIPT-1"
        lines = [
            "(01)09506000134352(21)GOOD-1",  # 1 good
            "(01)09506000134353(21)BADCHECK",  # 2 bad check digit
            "(01)09506000134352(17)261341(21)BADDATE",  # 3 month 13
            "(01)09506000134352(11)250230(21)FEB30",  # 4 30 February
            "(01)00036000291452(21)OTHER",  # 5 wrong product (valid UPC GTIN)
            "GOOD-2",  # 6 good
            "GOOD-2",  # 7 duplicate of line 6
            "IN-STOCK-1",  # 8 already in stock
            "ON-RECEIPT-1",  # 9 already on this receipt
            "(01)09506000134352(10)NOSERIAL",  # 10 no AI 21
            "(01)0950600013435X(21)BROKEN",  # 11 not a GS1 barcode
            "BAD\tTAB",  # 12 control character
            "GOOD-3",  # 13 good
            "OVER-1",  # 14 over the quantity (3 expected: 4 - 1 on receipt)
        ]
        wizard = self.capture(picking, "\n".join(lines))
        lots_before = self.env["stock.lot"].search_count([])
        wizard.action_confirm()
        self.assertEqual(self.env["stock.lot"].search_count([]), lots_before)
        self.assertFalse(picking.move_line_ids.lot_id)
        self.assertEqual((wizard.good_count, wizard.bad_count), (3, 11))
        report = wizard.report.splitlines()
        expected = {
            2: "Bad check digit",
            3: "Impossible date",
            4: "Impossible date",
            5: "Wrong product",
            7: "already on line 6 of this input",
            8: "already in stock",
            9: "already on this receipt",
            10: "No serial number (AI 21)",
            11: "Not a valid GS1 barcode",
            12: "control characters",
            14: "Over the quantity of the move",
        }
        self.assertEqual(len(report), len(expected))
        for (number, reason), row in zip(sorted(expected.items()), report, strict=True):
            self.assertTrue(row.startswith(f"Line {number}:"), row)
            self.assertIn(reason, row)
        # The user's explicit choice: keep the good lines only.
        wizard.action_keep_good()
        names = picking.move_line_ids.mapped(lambda ml: ml.lot_id.name or ml.lot_name)
        self.assertEqual(sorted(names), ["GOOD-1", "GOOD-2", "GOOD-3", "ON-RECEIPT-1"])

    def test_gtin_needs_product_barcode(self):
        picking = self.make_receipt(1, product=self.product_b)
        wizard = self.capture(picking, "(01)09506000134352(21)X1")
        wizard.action_confirm()
        self.assertIn("has no valid barcode", wizard.report)
        self.assertFalse(picking.move_line_ids.lot_id)

    def test_serial_of_another_product_when_unique_in_company(self):
        self.env["stock.lot"].create(
            {"name": "SHARED", "product_id": self.product_b.id}
        )
        picking = self.make_receipt(1)
        self.company.serial_unique_in_company = True
        wizard = self.capture(picking, "SHARED")
        wizard.action_confirm()
        self.assertIn("already used by product", wizard.report)

    def test_pregenerated_unit_is_reused(self):
        self.make_scheme("{product}-{counter:4}", product_id=self.product.id)
        generator = self.env["serial.generate.units"].create(
            {"product_id": self.product.id, "quantity": 1}
        )
        lots = self.env["stock.lot"].search(generator.action_generate()["domain"])
        picking = self.make_receipt(1)
        wizard = self.capture(picking, lots.name)
        wizard.action_confirm()
        self.assertEqual(picking.move_line_ids.lot_id, lots)

    # ---- units generated ahead of stock take what their label says ------------------
    def generate_units(self, quantity, **vals):
        """Units made by "Generate Units" (not received), planned on 2024-06-01."""
        self.make_scheme("{product}-{counter:4}", product_id=self.product.id)
        generator = self.env["serial.generate.units"].create(
            {
                "product_id": self.product.id,
                "quantity": quantity,
                "production_date": date(2024, 6, 1),
                **vals,
            }
        )
        return self.env["stock.lot"].search(
            generator.action_generate()["domain"], order="id"
        )

    @contextmanager
    def record_unit_writes(self):
        """Yield a list that receives ``(unit ids, written fields)`` for every
        ``stock.lot`` write made inside the block."""
        calls = []
        Lot = type(self.env["stock.lot"])
        write = Lot.write

        def recording_write(records, vals):
            calls.append((sorted(records.ids), set(vals)))
            return write(records, vals)

        with patch.object(Lot, "write", recording_write):
            yield calls

    def test_pregenerated_units_take_label_values(self):
        planned, b1 = self.env["serial.batch"].create(
            [
                {"name": "PLANNED", "product_id": self.product.id},
                {
                    "name": "B1",
                    "product_id": self.product.id,
                    "company_id": self.company.id,
                },
            ]
        )
        units = self.generate_units(4, batch_id=planned.id)
        labelled = "(01)09506000134352(11)250101(17)270101(10)B1(21)"
        already = units[3]  # has the label's values already: not written again
        already.write(
            {
                "batch_id": b1.id,
                "manufacture_date": date(2025, 1, 1),
                "expiration_date": datetime(2027, 1, 1),
            }
        )
        picking = self.make_receipt(4)
        wizard = self.capture(
            picking,
            f"{labelled}{units[0].name}\n"
            f"{labelled}{units[1].name}\n"
            f"{units[2].name}\n"  # plain serial: no label values
            f"{labelled}{already.name}",
        )
        with self.record_unit_writes() as writes:
            result = wizard.action_confirm()
        self.assertEqual(result["type"], "ir.actions.act_window_close", wizard.report)
        self.assertEqual(picking.move_line_ids.lot_id, units, "reused, not recreated")
        for unit in units[:2] | already:
            self.assertEqual(unit.batch_id.name, "B1")
            self.assertEqual(unit.manufacture_date, date(2025, 1, 1))
            self.assertEqual(unit.expiration_date, datetime(2027, 1, 1))
        line = picking.move_line_ids.filtered(lambda ml: ml.lot_id == units[0])
        self.assertEqual(line.expiration_date, datetime(2027, 1, 1))
        # Values the label does not carry stay as generated.
        self.assertEqual(units[2].batch_id, planned)
        self.assertEqual(units[2].manufacture_date, date(2024, 6, 1))
        # One write for the two units with identical changes, none for the others.
        label_fields = {"batch_id", "manufacture_date", "expiration_date"}
        self.assertEqual(
            [(ids, vals) for ids, vals in writes if vals & label_fields],
            [(units[:2].ids, label_fields)],
        )

    def test_pregenerated_units_grouped_by_label_values(self):
        units = self.generate_units(3)
        picking = self.make_receipt(3)
        wizard = self.capture(
            picking,
            f"(01)09506000134352(11)250101(21){units[0].name}\n"
            f"(01)09506000134352(11)250101(21){units[1].name}\n"
            f"(01)09506000134352(11)250202(17)270202(21){units[2].name}",
        )
        with self.record_unit_writes() as writes:
            wizard.action_confirm()
        self.assertEqual(
            units.mapped("manufacture_date"),
            [date(2025, 1, 1)] * 2 + [date(2025, 2, 2)],
        )
        self.assertFalse(units[0].expiration_date)
        self.assertEqual(units[2].expiration_date, datetime(2027, 2, 2))
        self.assertCountEqual(
            [(ids, vals) for ids, vals in writes if "manufacture_date" in vals],
            [
                (units[:2].ids, {"manufacture_date"}),
                (units[2].ids, {"manufacture_date", "expiration_date"}),
            ],
        )

    def test_received_unit_keeps_its_values(self):
        """A unit received before (here: delivered, coming back) keeps the values
        recorded at its first receipt; only units not received yet take the label's."""
        unit = self.env["stock.lot"].create(
            {
                "name": "BACK-1",
                "product_id": self.product.id,
                "manufacture_date": date(2024, 6, 1),
            }
        )
        unit._write_unit_values({unit.id: {"unit_state": "delivered"}})
        picking = self.make_receipt(1)
        wizard = self.capture(
            picking, "(01)09506000134352(11)250101(17)270101(10)B9(21)BACK-1"
        )
        wizard.action_confirm()
        self.assertEqual(picking.move_line_ids.lot_id, unit)
        self.assertEqual(unit.manufacture_date, date(2024, 6, 1))
        self.assertFalse(unit.expiration_date)
        self.assertFalse(unit.batch_id)

    def test_manufacturer_serial_of_pregenerated_unit_takes_label_values(self):
        """Captured as manufacturer serials: a unit not received yet that already
        carries that manufacturer serial is reused and takes its label's values, new
        units get them at creation."""
        unit = self.generate_units(1)
        unit.manufacturer_serial = "MFR-P1"
        picking = self.make_receipt(2)
        wizard = self.capture(
            picking,
            "(01)09506000134352(11)250101(17)270101(10)B1(21)MFR-P1\n"
            "(01)09506000134352(11)250101(17)270101(10)B1(21)MFR-P2",
            use_as="manufacturer",
        )
        result = wizard.action_confirm()
        self.assertEqual(result["type"], "ir.actions.act_window_close", wizard.report)
        units = picking.move_line_ids.lot_id
        self.assertIn(unit, units, "reused, not recreated")
        self.assertEqual(
            sorted(units.mapped("manufacturer_serial")), ["MFR-P1", "MFR-P2"]
        )
        for each in units:
            self.assertEqual(each.batch_id.name, "B1")
            self.assertEqual(each.manufacture_date, date(2025, 1, 1))
            self.assertEqual(each.expiration_date, datetime(2027, 1, 1))

    def test_picking_button_opens_wizard(self):
        picking = self.make_receipt(2)
        action = picking.action_open_serial_capture()
        form = Form(
            self.env["serial.capture"]
            .with_user(self.stock_user)
            .with_context(**action["context"])
        )
        self.assertEqual(form.move_id, picking.move_ids)
        self.assertEqual(form.expected_count, 2)
        form.text = "BTN-1\nBTN-2"
        wizard = form.save()
        wizard.action_confirm()
        self.assertEqual(len(picking.move_line_ids.lot_id), 2)
