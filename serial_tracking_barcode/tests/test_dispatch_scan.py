import uuid
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import SerialDispatchCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestDispatchScan(SerialDispatchCommon):
    def assertRefused(self, code, reason, picking=None):
        """The scan is refused with ``reason`` and changes nothing on the delivery."""
        picking = picking or self.delivery
        before_scans = self.env["serial.dispatch.scan"].search_count([])
        before_lines = picking.move_line_ids.read(["lot_id", "picked", "quantity"])
        result = self.scan(code, picking=picking)
        self.assertEqual(result["status"], "error", result)
        self.assertEqual(result["reason"], reason, result["message"])
        self.assertTrue(result["message"])
        self.assertEqual(
            self.env["serial.dispatch.scan"].search_count([]), before_scans
        )
        self.assertEqual(
            picking.move_line_ids.read(["lot_id", "picked", "quantity"]), before_lines
        )
        return result

    def picked_lots(self, picking=None):
        picking = picking or self.delivery
        return picking.move_line_ids.filtered("picked").lot_id

    # ------------------------------------------------------------------ accepted scans

    def test_scan_reserved_serial(self):
        reserved = self.move_of(self.delivery, self.product_serial).move_line_ids.lot_id
        self.assertEqual(reserved, self.lots[:3])
        result = self.scan("DSP0001")
        self.assertEqual(result["status"], "ok", result)
        line = self.line(result, self.product_serial)
        self.assertEqual((line["scanned"], line["ordered"]), (1, 3))
        self.assertEqual(line["serials"], ["DSP0001"])
        self.assertEqual(self.picked_lots(), self.lots[1])
        self.assertEqual(self.delivery.move_line_ids.lot_id, self.lots[:3])

    def test_scan_unreserved_serial_swaps_reservation(self):
        lines = self.move_of(self.delivery, self.product_serial).move_line_ids
        result = self.scan("DSP0007")
        self.assertEqual(result["status"], "ok", result)
        self.assertEqual(self.picked_lots(), self.lots[7])
        # Still 3 reserved lines: one of the reserved serials gave its place to DSP0007.
        self.assertEqual(
            len(self.move_of(self.delivery, self.product_serial).move_line_ids), 3
        )
        self.assertIn(self.lots[7], lines.lot_id)
        quants = self.env["stock.quant"].search(
            [
                ("lot_id", "in", self.lots.ids),
                ("location_id", "=", self.stock_location.id),
            ]
        )
        reserved = quants.filtered("reserved_quantity").lot_id
        self.assertEqual(
            reserved, lines.lot_id, "quant reservations follow the move lines"
        )
        self.assertEqual(sum(quants.mapped("reserved_quantity")), 3)
        # The unit states follow the reservation swap, as the core derives them.
        released = self.lots[:3] - lines.lot_id
        self.assertEqual(self.lots[7].unit_state, "reserved")
        self.assertEqual(released.unit_state, "in_stock")
        states = self.lots.mapped("unit_state")
        self.lots._refresh_unit_state()
        self.assertEqual(self.lots.mapped("unit_state"), states)

    def test_scan_without_reservation_leaves_the_other_lines(self):
        """A new line changes its move's state; Odoo then recomputes what every
        line of the delivery derives through the delivery (product_expiry's dates
        follow its scheduled date), which a scan does not change: the other lines
        are neither recomputed (their cost grew with the delivery's size) nor
        rewritten (rows other scanners are writing)."""
        self.product_serial.use_expiration_date = True
        expiry = fields.Datetime.now() + timedelta(days=90)
        self.lots.write({"expiration_date": expiry})
        self.delivery.do_unreserve()
        move = self.move_of(self.delivery, self.product_serial)
        for code in ("DSP0007", "DSP0008"):
            self.assertEqual(self.scan(code)["status"], "ok")
        self.assertEqual(move.state, "partially_available")
        first = move.move_line_ids.filtered(lambda ml: ml.lot_id == self.lots[7])
        # A date its computation would replace (the unit's), set behind the ORM.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE stock_move_line SET expiration_date = %s WHERE id = %s",
            (expiry - timedelta(days=1), first.id),
        )
        self.env.invalidate_all()
        before = first.read(["expiration_date", "write_date"])
        self.assertEqual(self.scan("DSP0009")["status"], "ok")  # the move's last unit
        self.env.invalidate_all()
        self.assertEqual(move.state, "assigned")
        self.assertEqual(first.read(["expiration_date", "write_date"]), before)
        third = move.move_line_ids.filtered(lambda ml: ml.lot_id == self.lots[9])
        self.assertEqual(third.expiration_date, expiry)

    def test_scan_gs1_hri_and_digital_link(self):
        result = self.scan(f"(01)0{self.GTIN_SERIAL}(21)DSP0002")
        self.assertEqual(result["status"], "ok", result)
        result = self.scan(f"https://id.gs1.org/01/0{self.GTIN_SERIAL}/21/DSP0005")
        self.assertEqual(result["status"], "ok", result)
        raw = f"010{self.GTIN_SERIAL}21DSP0006"
        result = self.scan(raw)
        self.assertEqual(result["status"], "ok", result)
        self.assertEqual(self.picked_lots(), self.lots[2] | self.lots[5] | self.lots[6])

    def test_scan_manufacturer_serial(self):
        self.lots[4].manufacturer_serial = "MFR-XY-44"
        result = self.scan("MFR-XY-44")
        self.assertEqual(result["status"], "ok", result)
        self.assertEqual(self.line(result, self.product_serial)["serials"], ["DSP0004"])

    def test_scan_product_barcode_for_untracked_product(self):
        for expected in (1, 2):
            result = self.scan(self.BARCODE_PLAIN)
            self.assertEqual(result["status"], "ok", result)
            self.assertEqual(self.line(result, self.product_plain)["scanned"], expected)
        self.assertRefused(self.BARCODE_PLAIN, "line_complete")

    def test_retry_with_same_scan_uid_is_not_applied_twice(self):
        uid = str(uuid.uuid4())
        first = self.scan("DSP0003", scan_uid=uid)
        second = self.scan("DSP0003", scan_uid=uid)
        self.assertEqual(first["status"], "ok")
        self.assertEqual(second["status"], "ok")
        self.assertTrue(second["replayed"])
        self.assertEqual(self.line(second, self.product_serial)["scanned"], 1)
        self.assertEqual(
            self.env["serial.dispatch.scan"].search_count([("scan_uid", "=", uid)]), 1
        )
        other = self._make_delivery([(self.product_plain, 1)])
        with self.assertRaises(UserError):
            self.scan("DSP0003", picking=other, scan_uid=uid)

    # ------------------------------------------------------------------ refused scans

    def test_unknown_code(self):
        self.assertRefused("NO-SUCH-CODE", "unknown_code")
        self.assertRefused(f"(01)0{self.GTIN_SERIAL}(21)NOPE", "unknown_code")

    def test_product_not_on_the_order(self):
        self.assertRefused("OTH0001", "product_not_in_order")
        self.assertRefused(self.GTIN_OTHER, "product_not_in_order")

    def test_serial_product_needs_its_serial(self):
        self.assertRefused(self.GTIN_SERIAL, "serial_required")

    def test_serial_not_in_stock_at_source(self):
        self.env["stock.lot"].create(
            {"name": "DSP9999", "product_id": self.product_serial.id}
        )
        self.assertRefused("DSP9999", "not_in_stock")
        elsewhere = self.env["stock.location"].create(
            {"name": "Other shop", "usage": "internal", "location_id": False}
        )
        quant = self.env["stock.quant"].search([("lot_id", "=", self.lots[8].id)])
        quant.sudo().location_id = elsewhere
        self.assertRefused("DSP0008", "not_in_stock")

    def test_serial_in_a_sublocation_is_in_stock(self):
        shelf = self.env["stock.location"].create(
            {
                "name": "Shelf 1",
                "usage": "internal",
                "location_id": self.stock_location.id,
            }
        )
        self.env["stock.quant"].search(
            [("lot_id", "=", self.lots[9].id)]
        ).sudo().location_id = shelf
        result = self.scan("DSP0009")
        self.assertEqual(result["status"], "ok", result)
        ml = self.delivery.move_line_ids.filtered(lambda ml: ml.lot_id == self.lots[9])
        self.assertEqual(ml.location_id, shelf)

    def test_serial_reserved_elsewhere(self):
        other = self._make_delivery([(self.product_serial, 1)])
        reserved = other.move_line_ids.lot_id
        self.assertEqual(len(reserved), 1)
        result = self.assertRefused(reserved.name, "reserved_elsewhere")
        self.assertIn(other.name, result["message"])

    def test_serial_already_scanned_here_and_on_another_delivery(self):
        self.assertEqual(self.scan("DSP0005")["status"], "ok")
        self.assertRefused("DSP0005", "already_scanned")
        other = self._make_delivery([(self.product_serial, 1)], assign=False)
        result = self.assertRefused("DSP0005", "already_scanned", picking=other)
        self.assertIn(self.delivery.name, result["message"])

    def test_line_already_complete(self):
        for name in ("DSP0000", "DSP0001", "DSP0002"):
            self.assertEqual(self.scan(name)["status"], "ok")
        self.assertRefused("DSP0003", "line_complete")

    def test_quarantined_or_recalled_unit(self):
        self.lots[6]._set_sticky_state("quarantined", "quarantined")
        self.assertRefused("DSP0006", "unit_blocked")
        self.lots[0]._set_sticky_state("recalled", "recalled")
        self.assertRefused("DSP0000", "unit_blocked")

    def test_closed_delivery(self):
        self.delivery.action_cancel()
        self.assertRefused("DSP0001", "delivery_closed")

    # --- rescan, manual, summary

    def test_rescan_clears_everything(self):
        self.scan("DSP0007")
        self.scan(self.BARCODE_PLAIN)
        state = self.delivery.with_user(self.user).serial_dispatch_rescan()
        self.assertFalse(any(line["scanned"] for line in state["lines"]))
        self.assertFalse(self.delivery.move_line_ids.filtered("picked"))
        self.assertFalse(self.delivery.serial_dispatch_scan_ids)
        # The serial can be scanned again afterwards.
        self.assertEqual(self.scan("DSP0007")["status"], "ok")

    def test_unscan_one_serial(self):
        self.scan("DSP0001")
        self.scan("DSP0007")  # a swap: DSP0007 took a reserved serial's line
        picking = self.delivery.with_user(self.user)
        result = picking.serial_dispatch_unscan("DSP0007")
        self.assertEqual(result["status"], "ok")
        line = self.line(result, self.product_serial)
        self.assertEqual((line["scanned"], line["serials"]), (1, ["DSP0001"]))
        self.assertEqual(self.picked_lots(), self.lots[1])
        self.assertEqual(
            self.delivery.serial_dispatch_scan_ids.lot_id.mapped("name"), ["DSP0001"]
        )
        # Still reserved on the delivery; it can be scanned again.
        self.assertIn(self.lots[7], self.delivery.move_line_ids.lot_id)
        self.assertEqual(self.scan("DSP0007")["status"], "ok")
        with self.assertRaises(UserError):
            picking.serial_dispatch_unscan("DSP0002")  # never scanned
        self.assertEqual(len(self.delivery.serial_dispatch_scan_ids), 2)

    def test_manual_quantity(self):
        move = self.move_of(self.delivery, self.product_plain)
        picking = self.delivery.with_user(self.user)
        result = picking.serial_dispatch_set_quantity(move.id, 2)
        self.assertEqual(self.line(result, self.product_plain)["scanned"], 2)
        result = picking.serial_dispatch_set_quantity(move.id, 1)
        self.assertEqual(self.line(result, self.product_plain)["scanned"], 1)
        with self.assertRaises(UserError):
            picking.serial_dispatch_set_quantity(move.id, 3)
        serial_move = self.move_of(self.delivery, self.product_serial)
        with self.assertRaises(UserError):
            picking.serial_dispatch_set_quantity(serial_move.id, 1)

    def test_summary(self):
        self.scan("DSP0000")
        self.scan(self.BARCODE_PLAIN)
        self.scan(self.BARCODE_PLAIN)
        summary = self.delivery.with_user(self.user).serial_dispatch_summary()
        self.assertFalse(summary["complete"])
        self.assertEqual(
            (summary["scanned"], summary["missing"], summary["extra"]), (3, 2, 0)
        )
        self.assertEqual(summary["complete_lines"], 1)
        self.scan("DSP0001")
        self.scan("DSP0002")
        summary = self.delivery.with_user(self.user).serial_dispatch_summary()
        self.assertTrue(summary["complete"])

    # ------------------------------------------------------------------ deliver

    def test_deliver_complete_shipment(self):
        for code in ("DSP0004", "DSP0001", f"(01)0{self.GTIN_SERIAL}(21)DSP0008"):
            self.assertEqual(self.scan(code)["status"], "ok")
        self.scan(self.BARCODE_PLAIN)
        self.scan(self.BARCODE_PLAIN)
        picking = self.delivery.with_user(self.user)
        picking.serial_dispatch_confirm()
        self.assertTrue(self.delivery.serial_dispatch_confirmed)
        result = picking.serial_dispatch_deliver()
        self.assertEqual(result["status"], "done", result)
        self.assertEqual(self.delivery.state, "done")
        shipped = self.lots[1] | self.lots[4] | self.lots[8]
        self.assertEqual(self.delivery.move_line_ids.lot_id, shipped)
        stock = self.env["stock.quant"]._get_available_quantity(
            self.product_serial, self.stock_location
        )
        self.assertEqual(stock, 7)
        self.assertEqual(
            self.env["stock.quant"]._get_available_quantity(
                self.product_plain, self.stock_location
            ),
            48,
        )
        self.assertEqual(set(shipped.mapped("unit_state")), {"delivered"})
        self.assertEqual(
            set(self.delivery.serial_dispatch_scan_ids.mapped("state")), {"done"}
        )
        # Delivered serials are free again for the future (e.g. after a return).
        self.assertFalse(
            self.env["serial.dispatch.scan"].search(
                [("lot_id", "in", shipped.ids), ("state", "=", "open")]
            )
        )

    def test_deliver_partial_offers_backorder(self):
        self.scan("DSP0005")
        picking = self.delivery.with_user(self.user)
        result = picking.serial_dispatch_deliver()
        self.assertEqual(result["status"], "action")
        action = result["action"]
        self.assertEqual(action["res_model"], "stock.backorder.confirmation")
        wizard = Form.from_action(self.env(user=self.user), action).save()
        wizard.process()
        self.assertEqual(self.delivery.state, "done")
        self.assertEqual(self.delivery.move_line_ids.lot_id, self.lots[5])
        backorder = self.env["stock.picking"].search(
            [("backorder_id", "=", self.delivery.id)]
        )
        self.assertEqual(
            backorder.move_ids.product_id, self.product_serial | self.product_plain
        )
        self.assertEqual(
            sum(self.move_of(backorder, self.product_serial).mapped("product_uom_qty")),
            2,
        )
        self.assertFalse(backorder.serial_dispatch_scan_ids)

    def test_deliver_needs_a_scan(self):
        with self.assertRaises(UserError):
            self.delivery.with_user(self.user).serial_dispatch_deliver()

    # ------------------------------------------------------------------ security

    def test_only_inventory_users(self):
        portal_like = mail_new_test_user(
            self.env, login="st_dispatch_sales", groups="base.group_user"
        )
        with self.assertRaises(AccessError):
            self.scan("DSP0001", user=portal_like)

    def test_only_own_company_deliveries(self):
        other_company = self.env["res.company"].create({"name": "Dispatch Other Co"})
        outsider = mail_new_test_user(
            self.env,
            login="st_dispatch_outsider",
            groups="stock.group_stock_user",
            company_id=other_company.id,
            company_ids=[(6, 0, other_company.ids)],
        )
        with self.assertRaises(AccessError):
            self.scan("DSP0001", user=outsider)
        self.assertEqual(self.scan("DSP0001")["status"], "ok")
        scans = self.env["serial.dispatch.scan"].with_user(outsider).search([])
        self.assertFalse(scans)

    def test_not_a_delivery(self):
        receipt = self.env["stock.picking"].create(
            {
                "picking_type_id": self.warehouse.in_type_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.stock_location.id,
            }
        )
        with self.assertRaises(UserError):
            self.scan("DSP0001", picking=receipt)

    def test_dispatch_button_action(self):
        action = self.delivery.with_user(self.user).action_serial_dispatch()
        self.assertEqual(action["tag"], "serial_tracking_barcode.dispatch")
        self.assertEqual(action["params"]["picking_id"], self.delivery.id)
