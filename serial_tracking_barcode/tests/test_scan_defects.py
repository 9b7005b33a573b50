from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import mail_new_test_user

from .common import SerialDispatchCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestScanDefects(SerialDispatchCommon):
    """Defects a new user found in the scans (a GTIN read as another product, a
    swapped line keeping the first unit's dates, expired units, control
    characters), each scanned the way they found it."""

    def assertNothingRecorded(self, result, reason):
        self.assertEqual(result["status"], "error", result)
        self.assertEqual(result["reason"], reason, result["message"])
        self.assertFalse(self.delivery.serial_dispatch_scan_ids)
        self.assertFalse(self.delivery.move_line_ids.filtered("picked"))

    def test_gtin_only_loses_leading_zeros(self):
        """Defect 1: (01)09506000134352 is 9506000134352, never 506000134352."""
        long, short = self.env["product.product"].create(
            [
                {"name": "GTIN-13 drill", "barcode": "9506000134352",
                 "is_storable": True, "tracking": "serial"},
                {"name": "12-digit drill", "barcode": "506000134352",
                 "is_storable": True, "tracking": "serial"},
            ]
        )  # fmt: skip
        lot = self.env["stock.lot"].create({"name": "S1", "product_id": short.id})
        self.env["stock.quant"]._update_available_quantity(
            short, self.stock_location, 1, lot_id=lot
        )
        delivery = self._make_delivery([(short, 1)], assign=False)
        result = self.scan("(01)09506000134352(21)S1", picking=delivery)
        self.assertEqual(result["status"], "error", result)
        self.assertEqual(result["reason"], "unknown_code")
        self.assertFalse(delivery.serial_dispatch_scan_ids)
        # The GTIN-13 product is the one this code names.
        lot_long = self.env["stock.lot"].create({"name": "S1", "product_id": long.id})
        self.env["stock.quant"]._update_available_quantity(
            long, self.stock_location, 1, lot_id=lot_long
        )
        delivery_long = self._make_delivery([(long, 1)], assign=False)
        result = self.scan("(01)09506000134352(21)S1", picking=delivery_long)
        self.assertEqual(result["status"], "ok", result)
        self.assertEqual(delivery_long.move_line_ids.lot_id, lot_long)
        result = self.scan("(01)09506000134352(21)S1", picking=delivery)
        self.assertEqual(result["reason"], "product_not_in_order", result)

    def test_swap_leaves_the_line_as_odoo_would(self):
        """Defect 2: product_expiry's dates on the line follow the scanned unit."""
        self.product_serial.use_expiration_date = True
        soon = fields.Datetime.now() + timedelta(days=30)
        later = fields.Datetime.now() + timedelta(days=90)
        self.lots.write({"expiration_date": soon})
        self.lots[7].expiration_date = later
        line = self.move_of(self.delivery, self.product_serial).move_line_ids[:1]
        line.invalidate_recordset()
        self.assertEqual(line.expiration_date, soon)
        result = self.scan("DSP0007")
        self.assertEqual(result["status"], "ok", result)
        taken = self.delivery.move_line_ids.filtered(
            lambda ml: ml.lot_id == self.lots[7]
        )
        self.assertEqual(taken, line)
        self.env.invalidate_all()
        self.assertEqual(taken.expiration_date, later)
        # Exactly what Odoo's own write of the serial leaves on an equal line.
        other = self.move_of(self.delivery, self.product_serial).move_line_ids - taken
        other[:1].write({"lot_id": self.lots[8].id})
        self.lots[8].expiration_date = later
        self.env.invalidate_all()
        self.assertEqual(other[:1].expiration_date, taken.expiration_date)

    def test_expired_unit_is_refused_with_its_date(self):
        """Defect 3: an expired unit does not ship; a manager may override it."""
        past = fields.Datetime.now() - timedelta(days=2)
        self.lots[7].expiration_date = past
        result = self.scan("DSP0007")
        self.assertNothingRecorded(result, "unit_expired")
        self.assertIn(fields.Date.to_string(past.date()), result["message"])
        with self.assertRaises(AccessError):
            self.delivery.with_user(self.user).serial_dispatch_scan(
                "DSP0007", "override-by-user-1", override_expired=True
            )
        manager = mail_new_test_user(
            self.env,
            login="st_dispatch_manager",
            groups="stock.group_stock_manager",
        )
        result = self.scan("DSP0007", user=manager, scan_uid="override-key-0001")
        self.assertEqual(result["reason"], "unit_expired")
        result = self.delivery.with_user(manager).serial_dispatch_scan(
            "DSP0007", "override-key-0002", override_expired=True
        )
        self.assertEqual(result["status"], "ok", result)
        self.assertIn(
            self.lots[7], self.delivery.move_line_ids.filtered("picked").lot_id
        )
        note = self.env["serial.event"].search(
            [("lot_id", "=", self.lots[7].id), ("event_type", "=", "note")]
        )
        self.assertEqual(len(note), 1)
        self.assertIn(self.delivery.name, note.description)
        self.assertIn(manager.name, note.description)

    def test_screen_offers_the_override_to_stock_managers_only(self):
        """Defect 3 on the screen: the state tells the dispatch screen whether to
        show "Ship anyway"; the override it sends is written on the unit's timeline
        with the manager's name, and refused (nothing written) for anyone else."""
        self.lots[7].expiration_date = fields.Datetime.now() - timedelta(days=1)
        manager = mail_new_test_user(
            self.env, login="st_override_mgr", groups="stock.group_stock_manager"
        )
        self.assertFalse(
            self.delivery.with_user(self.user).serial_dispatch_state()["can_override"]
        )
        self.assertTrue(
            self.delivery.with_user(manager).serial_dispatch_state()["can_override"]
        )
        with self.assertRaises(AccessError):
            self.delivery.with_user(self.user).serial_dispatch_scan(
                "DSP0007", "screen-override-01", override_expired=True
            )
        self.assertFalse(self.delivery.serial_dispatch_scan_ids)
        refused = self.scan("DSP0007", user=manager)
        self.assertEqual(refused["reason"], "unit_expired")
        # What the screen's "Ship anyway" sends: the same code, a new key, override.
        result = self.delivery.with_user(manager).serial_dispatch_scan(
            "DSP0007", "screen-override-02", True
        )
        self.assertEqual(result["status"], "ok", result)
        note = self.lots[7].event_ids.filtered(lambda e: e.event_type == "note")
        self.assertIn("override by", note.description)
        self.assertIn(manager.name, note.description)

    def test_control_characters_are_refused(self):
        """Defect 4: a NUL (or any control character) is a clear refusal."""
        for code in ("DSP\x000001", "DSP0001\x1b", "\u200bDSP0001", "\x00"):
            with self.subTest(code=repr(code)):
                result = self.scan(code)
                self.assertNothingRecorded(result, "control_characters")
                self.assertIn("U+", result["message"])
        # The GS separator of raw GS1 element strings is not a control character here.
        raw = f"010{self.GTIN_SERIAL}21DSP0001\x1d10B1"
        self.assertEqual(self.scan(raw)["status"], "ok")
