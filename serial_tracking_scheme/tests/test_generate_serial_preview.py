from odoo.exceptions import AccessError
from odoo.tests import freeze_time, tagged

from .common import SchemeCommon


@freeze_time("2026-03-25")
@tagged("post_install", "-at_install", "serial_tracking")
class TestGenerateSerialPreview(SchemeCommon):
    """``product.product.serial_scheme_next_preview``: what the "New" button of Odoo's
    Generate Serials dialog shows, then what "Generate" draws with First SN empty."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scheme = cls.make_scheme(
            "{product}-{site}{yy}{ww}-{counter:6}{check}", product_id=cls.product.id
        )
        cls.context_data = {
            "default_product_id": cls.product.id,
            "default_location_dest_id": cls.stock_location.id,
            "default_location_id": cls.supplier_location.id,
            "default_tracking": "serial",
            "default_quantity": 3,
        }

    def counter(self):
        """The scheme's next counter value, read afresh."""
        self.scheme.invalidate_recordset(["counter_next"])
        return self.scheme.counter_next

    def preview(self, product=None, user=None, **kwargs):
        product = (product or self.product).with_user(user or self.stock_user)
        return product.serial_scheme_next_preview(
            location_id=self.stock_location.id, **kwargs
        )

    def test_preview_is_the_next_serial_and_draws_nothing(self):
        counter = self.counter()
        preview = self.preview()
        self.assertEqual(preview, self.preview())
        self.assertEqual(self.counter(), counter)
        self.assertTrue(preview.startswith(f"PMP-WH2613-{counter:06d}"))
        self.assertTrue(self.scheme._compiled().verify(preview))
        # "Generate" with First SN empty draws from the scheme: the preview comes first.
        vals = (
            self.env["stock.move"]
            .with_user(self.stock_user)
            .action_generate_lot_line_vals(self.context_data, "generate", "", 3, False)
        )
        names = [v["lot_name"] for v in vals]
        self.assertEqual(names[0], preview)
        self.assertEqual(len(set(names)), 3)
        self.assertTrue(all(self.scheme._compiled().verify(name) for name in names))
        self.assertEqual(self.counter(), counter + 3)
        self.assertNotIn(self.preview(), names)

    def test_no_scheme_no_preview(self):
        self.assertFalse(self.preview(self.product_b))
        lot_product = self.env["product.product"].create(
            {"name": "Oil", "is_storable": True, "tracking": "lot"}
        )
        self.assertFalse(self.preview(lot_product))

    def test_preview_follows_category_and_company(self):
        self.make_scheme("{category}{counter:4}", categ_id=self.category.id)
        # product_b's sub-category has its own serial code (VLV), the scheme is the
        # parent category's.
        self.assertEqual(self.preview(self.product_b)[:3], "VLV")
        other = self.env["res.company"].create({"name": "Other Co"})
        self.make_scheme("X{counter:4}", company_id=other.id)
        self.stock_user.company_ids += other
        self.assertEqual(
            self.preview(self.product_b, company_id=other.id)[:1],
            "X",
        )
        self.stock_user.company_ids -= other
        with self.assertRaises(AccessError):
            self.preview(self.product_b, company_id=other.id)
