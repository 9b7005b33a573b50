from unittest.mock import patch

from odoo.tests import Form, tagged

from .common import SchemeMrpCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestMrpProductionSerials(SchemeMrpCommon):
    """The "Assign Serial Numbers" wizard of manufacturing orders of several units."""

    def open_wizard(self, production):
        action = production.action_generate_serial()
        self.assertEqual(action["res_model"], "mrp.production.serials")
        return Form.from_action(production.env, action)

    def test_generate_draws_from_the_scheme_in_one_query(self):
        sequence = self.product.lot_sequence_id
        sequence_next = sequence.number_next_actual
        production = self.make_mo(5, user=self.mrp_user)
        counter = self.counter()
        form = self.open_wizard(production)
        # First SN proposes the scheme's next serial; nothing is drawn yet.
        self.assertEqual(form.lot_name, production._serial_scheme_preview())
        self.assertEqual(self.counter(), counter)
        self.assertEqual(form.lot_quantity, 5)
        preview = form.lot_name
        Scheme = type(self.env["serial.scheme"])
        with patch.object(
            Scheme,
            "_next_counters",
            autospec=True,
            side_effect=Scheme._next_counters,
        ) as draw:
            wizard = form.save()
            action = wizard.action_generate_serial_numbers()
        draw.assert_called_once()
        self.assertEqual(draw.call_args.args[1], 5)
        names = wizard.serial_numbers.split("\n")
        self.assertEqual(len(names), 5)
        self.assertEqual(names[0], preview)
        self.assertSchemeSerials(names)
        self.assertEqual(self.counter(), counter + 5)
        # First SN now shows the first serial drawn.
        self.assertEqual(wizard.lot_name, names[0])
        Form.from_action(production.env, action).save().action_apply()
        self.assertEqual(sorted(production.lot_producing_ids.mapped("name")), names)
        self.assertEqual(production.qty_producing, 5)
        self.assertEqual(sequence.number_next_actual, sequence_next)
        production.button_mark_done()
        self.assertEqual(production.state, "done")
        self.assertEqual(self.product.qty_available, 5)

    def test_generate_again_draws_new_serials(self):
        production = self.make_mo(3)
        wizard = self.open_wizard(production).save()
        wizard.action_generate_serial_numbers()
        first = wizard.serial_numbers.split("\n")
        wizard.action_generate_serial_numbers()
        second = wizard.serial_numbers.split("\n")
        self.assertSchemeSerials(first)
        self.assertSchemeSerials(second)
        self.assertFalse(set(first) & set(second))

    def test_empty_first_sn_draws_from_the_scheme(self):
        production = self.make_mo(3)
        form = self.open_wizard(production)
        form.lot_name = False
        wizard = form.save()
        wizard.action_generate_serial_numbers()
        self.assertSchemeSerials(wizard.serial_numbers.split("\n"))

    def test_edited_first_sn_keeps_odoo_numbering(self):
        production = self.make_mo(3)
        counter = self.counter()
        form = self.open_wizard(production)
        form.lot_name = "MY-0007"
        wizard = form.save()
        wizard.action_generate_serial_numbers()
        self.assertEqual(
            wizard.serial_numbers.split("\n"), ["MY-0007", "MY-0008", "MY-0009"]
        )
        self.assertEqual(self.counter(), counter)

    def test_product_without_scheme_keeps_odoo_numbering(self):
        sequence = self.env["ir.sequence"].create(
            {"name": "Valves", "prefix": "V", "padding": 4, "number_next": 1}
        )
        self.product_b.lot_sequence_id = sequence
        production = self.make_mo(3, product=self.product_b)
        form = self.open_wizard(production)
        self.assertEqual(form.lot_name, "V0001")
        wizard = form.save()
        wizard.action_generate_serial_numbers()
        self.assertEqual(wizard.serial_numbers.split("\n"), ["V0001", "V0002", "V0003"])
        wizard.action_apply()
        # Odoo moves the lot sequence on past the serials it proposed.
        self.assertEqual(sequence.number_next_actual, 4)

    def test_apply_leaves_a_colliding_lot_sequence_alone(self):
        """A scheme of bare counters gives the very names Odoo's lot sequence would:
        applying them does not move that sequence (Odoo would)."""
        motor = self.env["product.product"].create(
            {"name": "Motor", "is_storable": True, "tracking": "serial"}
        )
        sequence = self.env["ir.sequence"].create(
            {"name": "Motors", "padding": 7, "number_next": 1}
        )
        motor.lot_sequence_id = sequence
        self.make_scheme("{counter:7}", product_id=motor.id)
        self.env["mrp.bom"].create(
            {
                "product_tmpl_id": motor.product_tmpl_id.id,
                "bom_line_ids": [(0, 0, {"product_id": self.component.id})],
            }
        )
        production = self.make_mo(3, product=motor, user=self.mrp_user)
        wizard = self.open_wizard(production).save()
        wizard.action_generate_serial_numbers()
        self.assertEqual(
            wizard.serial_numbers.split("\n"), ["0000001", "0000002", "0000003"]
        )
        self.assertEqual(motor.next_serial, "0000001")
        # A manufacturing user may not write sequences: nothing is written.
        wizard.action_apply()
        self.assertEqual(len(production.lot_producing_ids), 3)
        self.assertEqual(sequence.number_next_actual, 1)
