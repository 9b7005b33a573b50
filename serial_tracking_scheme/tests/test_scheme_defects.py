from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SchemeCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestSchemeDefects(SchemeCommon):
    """Defects found by trying schemes as a new user would."""

    # ---- 17.8: a preview is what Generate gives --------------------------------------
    def test_generate_units_preview_is_what_generate_gives(self):
        # The product's own scheme is archived: the category's applies.
        self.make_scheme("OFF-{product}-{counter:5}", product_id=self.product.id)
        self.env["serial.scheme"].search(
            [("product_id", "=", self.product.id)]
        ).active = False
        self.make_scheme(
            "OFF-{product}-{category}-{yyyy}{mm}{dd}-{counter:5}{check}",
            categ_id=self.category.id,
        )
        form = Form(self.env["serial.generate.units"])
        form.product_id = self.product
        form.quantity = 2
        form.production_date = date(2026, 6, 15)
        preview = form.preview.splitlines()
        self.assertTrue(preview[0].startswith("OFF-PMP-PUMPS-20260615-"), preview)
        wizard = form.save()
        lots = self.env["stock.lot"].search(wizard.action_generate()["domain"])
        self.assertEqual(sorted(lots.mapped("name")), preview[:2])

    def test_auth_preview_matches_and_random_marked_example(self):
        self.company.sudo()._serial_auth_secret()
        scheme = self.make_scheme(
            "{product}{counter:5}{auth:6}{check}", product_id=self.product.id
        )
        preview = scheme.preview.splitlines()
        self.assertEqual(scheme._generate_names(self.product, 1), preview[:1])
        random = self.make_scheme("R{random:6}", categ_id=self.sub_category.id)
        self.assertIn("Example only", random.preview.splitlines()[0])

    # ---- 17.9: a scheme that can never produce a serial ------------------------------
    def test_luhn_on_letters_refused_at_save(self):
        for pattern in ("X{counter:3}{check:luhn}", "{counter:3}{auth:4}{check:luhn}"):
            with (
                self.subTest(pattern=pattern),
                self.assertRaisesRegex(
                    ValidationError, "Luhn check digit needs digits"
                ),
                self.cr.savepoint(),
            ):
                self.make_scheme(pattern)
        self.make_scheme("9-{counter:3}{check:luhn}", product_id=self.product_b.id)

    def test_no_counter_drawn_for_serials_that_cannot_be_made(self):
        # Saved (codes are only known when rendering), impossible for a product
        # whose internal reference has letters.
        scheme = self.make_scheme(
            "{product}{counter:3}{check:luhn}", product_id=self.product.id
        )
        picking = self.make_receipt(10)
        scheme.invalidate_recordset(["counter_next"])
        before = scheme.counter_next
        for _click in range(2):
            with self.assertRaisesRegex(UserError, "Luhn"):
                picking.action_serial_generate_from_scheme()
        scheme.invalidate_recordset(["counter_next"])
        self.assertEqual(scheme.counter_next, before)

    # ---- 17.12: Generate Serials on a receipt says what it did -----------------------
    def test_generate_serials_feedback_and_button(self):
        self.make_scheme("{product}-{counter:6}", product_id=self.product.id)
        picking = self.make_receipt(3)
        picking.move_line_ids[0].lot_name = "MANUAL-1"
        self.assertEqual(picking.serial_missing_count, 2)
        action = picking.action_serial_generate_from_scheme()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(action["params"]["message"], "2 serial(s) generated.")
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload")
        picking.invalidate_recordset(["serial_missing_count"])
        self.assertEqual(picking.serial_missing_count, 0)
        # The button hides when nothing is left to generate.
        arch = picking.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("not serial_missing_count", arch)
