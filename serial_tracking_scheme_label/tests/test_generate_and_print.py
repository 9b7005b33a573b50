from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from odoo.addons.serial_tracking_scheme.tests.common import SchemeCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestGenerateAndPrint(SchemeCommon):
    """ "Generate units" goes straight on to print the labels of the new units."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.make_scheme("{product}-{counter:6}{check}", product_id=cls.product.id)

    def test_label_wizard_opens_on_the_generated_units(self):
        form = Form(self.env["serial.generate.units"].with_user(self.stock_user))
        form.product_id = self.product
        form.quantity = 3
        wizard = form.save()
        action = wizard.action_generate_and_print()
        self.assertEqual(action["res_model"], "serial.label.wizard")
        label_wizard = Form(
            self.env["serial.label.wizard"]
            .with_user(self.stock_user)
            .with_context(**action["context"])
        )
        units = label_wizard.save().lot_ids
        self.assertEqual(len(units), 3)
        self.assertEqual(set(units.mapped("unit_state")), {"draft"})
        self.assertEqual(set(units.event_ids.mapped("event_type")), {"generated"})

    def test_nothing_generated_when_refused(self):
        wizard = self.env["serial.generate.units"].create(
            {"product_id": self.product_b.id, "quantity": 2}
        )
        before = self.env["stock.lot"].search_count([])
        with self.assertRaisesRegex(UserError, "No serial scheme applies"):
            wizard.action_generate_and_print()
        self.assertEqual(self.env["stock.lot"].search_count([]), before)
