from datetime import date, datetime

from psycopg2 import IntegrityError

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import mute_logger

from .common import SchemeCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestSerialScheme(SchemeCommon):
    def test_resolution_product_category_company(self):
        Scheme = self.env["serial.scheme"]
        self.assertEqual(Scheme._for_products(self.product), {})
        default = self.make_scheme("D{counter:5}")
        by_categ = self.make_scheme("{category}{counter:5}", categ_id=self.category.id)
        by_product = self.make_scheme(
            "{product}{counter:5}", product_id=self.product.id
        )
        found = Scheme._for_products(self.product | self.product_b)
        self.assertEqual(found[self.product], by_product)
        # product_b sits in a sub-category: the parent category's scheme applies.
        self.assertEqual(found[self.product_b], by_categ)
        by_product.active = False
        self.assertEqual(self.product._serial_scheme(), by_categ)
        by_categ.active = False
        self.assertEqual(self.product._serial_scheme(), default)
        other = self.env["res.company"].create({"name": "Other Co"})
        self.assertFalse(self.product._serial_scheme(other))

    def test_one_active_scheme_per_scope(self):
        self.make_scheme("A{counter:4}", product_id=self.product.id)
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self.make_scheme("B{counter:4}", product_id=self.product.id)
        with self.assertRaises(ValidationError), self.cr.savepoint():
            self.make_scheme(
                "C{counter:4}",
                product_id=self.product_b.id,
                categ_id=self.category.id,
            )

    def test_bad_patterns_refused_with_translated_message(self):
        cases = {
            "{product}-{yy}": "cannot give unique serials",
            "{counter:30}{random:30}": "more than the maximum",
            "{counter}": "needs a width",
            "{check}{counter:3}": "must be the last token",
        }
        for pattern, message in cases.items():
            with (
                self.subTest(pattern=pattern),
                self.assertRaisesRegex(ValidationError, message),
                self.cr.savepoint(),
            ):
                self.make_scheme(pattern)
        with (
            self.assertRaisesRegex(ValidationError, "cannot encode"),
            self.cr.savepoint(),
        ):
            self.make_scheme("SN#{counter:6}", symbology="gs1_21")

    def test_preview_does_not_consume_counter(self):
        scheme = self.make_scheme(
            "{product}-{site}{yy}-{counter:4}{check}", product_id=self.product.id
        )
        first_preview = scheme.preview.splitlines()
        self.assertEqual(len(first_preview), 5)
        self.assertTrue(first_preview[0].startswith("PMP-WH"))
        self.assertIn("-0001", first_preview[0])
        self.assertEqual(scheme.preview.splitlines(), first_preview)
        names = scheme._generate_names(self.product, 2)
        self.assertEqual(names, first_preview[:2])
        scheme.invalidate_recordset(["counter_next", "preview"])
        self.assertEqual(scheme.counter_next, 3)
        self.assertEqual(scheme.preview.splitlines()[0], first_preview[2])

    def test_counter_can_be_moved_forward(self):
        scheme = self.make_scheme("{counter:6}")
        scheme.counter_next = 500
        self.assertEqual(scheme._generate_names(self.product, 2), ["000500", "000501"])

    def test_dates_read_in_the_users_timezone(self):
        """A receipt scheduled late in the evening (UTC) in Tokyo is dated by the
        Tokyo day, as the user sees it; a plain date is taken as is."""
        scheme = self.make_scheme("{yyyy}{mm}{dd}-{counter:4}")
        tokyo = scheme.with_context(tz="Asia/Tokyo")
        evening = datetime(2026, 3, 1, 20, 0)
        self.assertEqual(tokyo._serial_day(evening), date(2026, 3, 2))
        self.assertEqual(
            scheme.with_context(tz="UTC")._serial_day(evening), date(2026, 3, 1)
        )
        self.assertEqual(tokyo._serial_day(date(2026, 3, 1)), date(2026, 3, 1))
        self.assertTrue(
            tokyo._generate_names(self.product, 1, when=evening)[0].startswith(
                "20260302-"
            )
        )

    def test_form_preview(self):
        with Form(self.env["serial.scheme"]) as form:
            form.name = "Form"
            form.pattern = "X-{counter:3}"
            self.assertEqual(form.preview.splitlines()[0], "X-001")
            form.pattern = "X-{yy}"
            self.assertIn("cannot give unique serials", form.preview)
            form.pattern = "X-{counter:3}"

    def test_access_rights(self):
        scheme = self.make_scheme("{counter:6}")
        # Stock users read schemes and generate from them, managers configure them.
        self.assertEqual(scheme.with_user(self.stock_user).pattern, "{counter:6}")
        with self.assertRaises(AccessError):
            self.env["serial.scheme"].with_user(self.stock_user).create(
                {"name": "x", "pattern": "{counter:3}", "categ_id": self.category.id}
            )
        self.env["serial.scheme"].with_user(self.stock_manager).create(
            {"name": "x", "pattern": "{counter:3}", "categ_id": self.category.id}
        )

    def test_multi_company_rule(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        theirs = self.env["serial.scheme"].create(
            {"name": "theirs", "pattern": "T{counter:4}", "company_id": other.id}
        )
        ours = self.make_scheme("O{counter:4}")
        user = new_test_user(
            self.env,
            "st_scheme_mc",
            groups="stock.group_stock_manager",
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        visible = self.env["serial.scheme"].with_user(user).search([])
        self.assertIn(ours, visible)
        self.assertNotIn(theirs, visible)
        # The counters of two companies are separate sequences.
        self.assertNotEqual(theirs.sequence_id, ours.sequence_id)
        self.assertEqual(theirs.sequence_id.company_id, other)

    def test_auth_secret_per_company(self):
        scheme = self.make_scheme("{product}{counter:5}{auth:6}{check}")
        (serial,) = scheme._generate_names(self.product, 1)
        secret = self.company.sudo().serial_auth_secret
        self.assertTrue(secret)
        self.assertTrue(scheme._compiled().verify(serial, secret))
        self.assertFalse(scheme._compiled().verify(serial, "guess"))
