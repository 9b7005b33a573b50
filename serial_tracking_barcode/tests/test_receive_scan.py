from datetime import date, datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .flows_common import SerialFlowsCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestReceiveScan(SerialFlowsCommon):
    """Receive by scan (``serial.scan.receive``): every outcome of a scan."""

    def lines_of(self, product):
        return self.move_of(self.receipt, product).move_line_ids.filtered("picked")

    def test_new_serial_is_created_on_a_free_line(self):
        result = self.receive("NEW0001")
        self.assertEqual(result["status"], "ok", result)
        self.assertEqual(self.line(result, self.product_serial)["scanned"], 1)
        self.assertEqual(self.line(result, self.product_serial)["serials"], ["NEW0001"])
        line = self.lines_of(self.product_serial)
        self.assertEqual(line.lot_id.name, "NEW0001")
        self.assertEqual(line.quantity, 1)
        self.assertEqual(
            len(self.move_of(self.receipt, self.product_serial).move_line_ids), 3
        )

    def test_gs1_label_gives_batch_and_dates(self):
        result = self.receive(
            "(01)07612345001012(21)NEW0002(10)B-17(11)260115(17)271231"
        )
        self.assertEqual(result["status"], "ok", result)
        lot = self.lines_of(self.product_serial).lot_id
        self.assertEqual(lot.name, "NEW0002")
        self.assertEqual(lot.batch_id.name, "B-17")
        self.assertEqual(lot.manufacture_date, date(2026, 1, 15))
        self.assertEqual(lot.expiration_date, datetime(2027, 12, 31))
        self.assertEqual(
            self.lines_of(self.product_serial).expiration_date, lot.expiration_date
        )

    def test_unit_made_ahead_of_stock_is_taken(self):
        planned = self.env["stock.lot"].create(
            {"name": "PRE0001", "product_id": self.product_serial.id}
        )
        self.assertEqual(planned.unit_state, "draft")
        result = self.receive("PRE0001")
        self.assertEqual(result["status"], "ok", result)
        self.assertEqual(self.lines_of(self.product_serial).lot_id, planned)

    def test_duplicates_are_refused(self):
        self.assertEqual(self.receive("NEW0003")["status"], "ok")
        self.assertRefused(self.receive("NEW0003"), "already_scanned", "NEW0003")
        other = self._make_receipt([(self.product_serial, 1)])
        self.assertRefused(
            self.receive("NEW0003", other), "already_scanned", self.receipt.name
        )
        # A serial typed on another receipt's line (not scanned) is pending there.
        self.receipt.move_ids.filtered(
            lambda m: m.product_id == self.product_serial
        ).move_line_ids[-1:].lot_name = "TYPED01"
        self.assertRefused(
            self.receive("TYPED01", other), "pending_elsewhere", self.receipt.name
        )
        self.assertRefused(self.receive("DSP0001"), "already_in_stock", "DSP0001")
        self.assertEqual(len(self.lines_of(self.product_serial)), 1)

    def test_quarantined_unit_on_a_shelf_is_in_stock(self):
        """A unit blocked in our stock is still in stock: scanning it on a receipt
        is refused as capture refuses it, and nothing is put on a line."""
        self.lots[2]._set_sticky_state("quarantined", "quarantined")
        self.assertRefused(self.receive("DSP0002"), "already_in_stock", "DSP0002")
        self.assertFalse(self.lines_of(self.product_serial))

    def test_wrong_product_and_over_quantity(self):
        self.assertRefused(
            self.receive(f"(01)0{self.GTIN_OTHER}(21)X1"),
            "product_not_in_order",
            "Dispatch Saw",
        )
        for name in ("N1", "N2", "N3"):
            self.assertEqual(self.receive(name)["status"], "ok")
        self.assertRefused(self.receive("N4"), "line_complete")
        self.assertFalse(self.env["stock.lot"].search([("name", "in", ["X1", "N4"])]))

    def test_product_barcode_on_a_serial_line(self):
        for code in (
            self.GTIN_SERIAL,
            "0" + self.GTIN_SERIAL,
            f"(01)0{self.GTIN_SERIAL}",
        ):
            self.assertRefused(
                self.receive(code),
                "product_barcode",
                "product barcode of Dispatch Drill",
            )
        self.assertFalse(self.lines_of(self.product_serial))

    def test_untracked_counts_up_by_product_barcode(self):
        self.receive(self.BARCODE_PLAIN)
        result = self.receive(self.BARCODE_PLAIN)
        self.assertEqual(self.line(result, self.product_plain)["scanned"], 2)
        self.assertEqual(sum(self.lines_of(self.product_plain).mapped("quantity")), 2)
        self.assertRefused(self.receive(self.BARCODE_PLAIN), "line_complete")

    def test_lot_counts_up_by_gs1_batch(self):
        self.assertRefused(
            self.receive(self.GTIN_LOT), "batch_required", "Flow Reagent"
        )
        code = f"(01)0{self.GTIN_LOT}(10)L-1(17)270630"
        self.receive(code)
        self.receive(code)
        self.receive(f"(01)0{self.GTIN_LOT}(10)L-2")
        lines = self.lines_of(self.product_lot)
        by_lot = {line.lot_name: line.quantity for line in lines}
        self.assertEqual(by_lot, {"L-1": 2, "L-2": 1})
        self.assertEqual(
            lines.filtered(lambda ml: ml.lot_name == "L-1").expiration_date,
            datetime(2027, 6, 30),
        )

    def test_validate_full_and_short(self):
        for code in ("V1", "V2", "V3"):
            self.receive(code)
        flow = self.env["serial.scan.receive"].with_user(self.user)
        result = flow.serial_receive_validate(self.receipt.id)
        self.assertEqual(result["status"], "action")
        self.assertEqual(result["action"]["res_model"], "stock.backorder.confirmation")
        for _i in range(2):
            self.receive(self.BARCODE_PLAIN)
        for _i in range(4):
            self.receive(f"(01)0{self.GTIN_LOT}(10)L-9")
        result = flow.serial_receive_validate(self.receipt.id)
        self.assertEqual(result["status"], "done", result)
        self.assertEqual(self.receipt.state, "done")
        units = self.env["stock.lot"].search([("name", "in", ["V1", "V2", "V3"])])
        self.assertEqual(set(units.mapped("unit_state")), {"in_stock"})
        self.assertEqual(
            self.receipt.serial_dispatch_scan_ids.mapped("state"), ["done"] * 9
        )

    def test_plain_serial_with_several_serial_products(self):
        receipt = self._make_receipt(
            [(self.product_serial, 1), (self.product_other, 1)]
        )
        self.assertRefused(self.receive("AMB1", receipt), "choose_line")
        move = self.move_of(receipt, self.product_other)
        result = self.receive("AMB1", receipt, move_id=move.id)
        self.assertEqual(result["status"], "ok", result)
        self.assertEqual(
            move.move_line_ids.filtered("picked").lot_id.product_id, self.product_other
        )

    def test_bad_input_writes_nothing(self):
        company_b = self.env["res.company"].create({"name": "Flows B"})
        self.env["stock.lot"].create(
            {
                "name": "FOREIGN1",
                "product_id": self.product_serial.id,
                "company_id": company_b.id,
            }
        )
        self.assertRefused(self.receive("AB\x00C"), "control_characters")
        self.assertRefused(self.receive("FOREIGN1"), "other_company", "another company")
        self.assertRefused(self.receive("(01)09999999999994(21)Q"), "unknown_code")
        self.assertFalse(self.lines_of(self.product_serial))
        self.assertFalse(self.receipt.serial_dispatch_scan_ids)

    def test_only_inventory_users_of_the_company(self):
        outsider = mail_new_test_user(
            self.env, login="st_flows_out", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            self.receive("NEW0009", user=outsider)
        company_b = self.env["res.company"].create({"name": "Flows B2"})
        user_b = mail_new_test_user(
            self.env,
            login="st_flows_b",
            groups="stock.group_stock_user",
            company_id=company_b.id,
            company_ids=[company_b.id],
        )
        with self.assertRaises(AccessError):
            self.receive("NEW0009", user=user_b)
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "NEW0009")]))

    def test_replayed_scan_key_is_applied_once(self):
        first = self.receive("REP1", scan_uid="replay-key-0001")
        again = self.receive("REP1", scan_uid="replay-key-0001")
        self.assertEqual(first["status"], "ok")
        self.assertTrue(again["replayed"])
        self.assertEqual(len(self.lines_of(self.product_serial)), 1)
