from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SchemeCommon, generate_dialog_context


@tagged("post_install", "-at_install", "serial_tracking")
class TestGeneration(SchemeCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scheme = cls.make_scheme(
            "{product}-{site}{yy}{ww}-{counter:6}{check}", product_id=cls.product.id
        )

    def test_fast_path_assigns_every_unit(self):
        picking = self.make_receipt(25)
        self.assertEqual(len(picking.move_line_ids), 25)
        # A stock user can do it (the fast path checks access like the ORM would).
        lots = picking.with_user(self.stock_user).action_serial_generate_from_scheme()
        lines = picking.move_line_ids
        self.assertEqual(len(lines), 25)
        self.assertEqual(len(lines.lot_id), 25)
        self.assertTrue(all(line.quantity == 1 for line in lines))
        self.assertTrue(all(lot.name.startswith("PMP-WH") for lot in lines.lot_id))
        self.assertTrue(all(lot.unit_state == "draft" for lot in lines.lot_id))
        self.assertTrue(
            all(self.scheme._compiled().verify(n) for n in lines.lot_id.mapped("name"))
        )
        self.assertTrue(lots)
        with self.assertRaisesRegex(UserError, "has a serial already"):
            picking.action_serial_generate_from_scheme()
        # Odoo's own validation takes the receipt from there.
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(self.product.qty_available, 25)
        self.assertEqual(set(lines.lot_id.mapped("unit_state")), {"in_stock"})

    def test_fast_path_partial_and_unreserved(self):
        picking = self.make_receipt(6)
        picking.move_line_ids[:2].lot_name = "MANUAL-1"
        picking.move_line_ids[1].lot_name = "MANUAL-2"
        picking.action_serial_generate_from_scheme()
        names = picking.move_line_ids.mapped(lambda ml: ml.lot_id.name or ml.lot_name)
        self.assertEqual(len(set(names)), 6)
        self.assertIn("MANUAL-1", names)
        # A move without lines yet gets new lines.
        draft = self.make_receipt(3, confirm=False)
        draft.move_ids._action_confirm()
        draft.move_line_ids.unlink()
        draft.action_serial_generate_from_scheme()
        self.assertEqual(len(draft.move_line_ids.lot_id), 3)

    def test_fast_path_needs_a_scheme(self):
        picking = self.make_receipt(2, product=self.product_b)
        with self.assertRaisesRegex(UserError, "No serial scheme applies"):
            picking.action_serial_generate_from_scheme()
        self.assertFalse(picking.move_line_ids.lot_id)

    def test_odoo_generate_dialog_uses_scheme(self):
        picking = self.make_receipt(3)
        move = picking.move_ids
        context = generate_dialog_context(move)
        vals = self.env["stock.move"].action_generate_lot_line_vals(
            context, "generate", "", 3, False
        )
        names = [v["lot_name"] for v in vals]
        self.assertEqual(len(set(names)), 3)
        self.assertTrue(all(name.startswith("PMP-WH") for name in names))
        # A typed first serial keeps Odoo's own behaviour.
        vals = self.env["stock.move"].action_generate_lot_line_vals(
            context, "generate", "SN-001", 2, False
        )
        self.assertEqual([v["lot_name"] for v in vals], ["SN-001", "SN-002"])
        move._generate_serial_numbers(False, next_serial_count=3)
        self.assertTrue(
            all(
                (ml.lot_name or ml.lot_id.name).startswith("PMP-")
                for ml in move.move_line_ids
            )
        )

    def test_next_serial_and_unnamed_units(self):
        name = self.env["stock.lot"]._get_next_serial(self.company, self.product)
        self.assertTrue(name.startswith("PMP-WH"))
        lots = self.env["stock.lot"].create(
            [{"product_id": self.product.id}, {"product_id": self.product.id}]
        )
        self.assertTrue(all(lot.name.startswith("PMP-WH") for lot in lots))
        self.assertNotEqual(lots[0].name, lots[1].name)
        self.assertNotIn(name, lots.mapped("name"))
        # Products without scheme keep Odoo's behaviour.
        self.assertFalse(
            self.env["stock.lot"]._get_next_serial(self.company, self.product_b)
        )

    def test_unique_across_products_of_company(self):
        Lot = self.env["stock.lot"]
        Lot.create({"name": "SAME-1", "product_id": self.product.id})
        # Odoo's rule: unique per product only.
        Lot.create({"name": "SAME-1", "product_id": self.product_b.id})
        with self.assertRaises(ValidationError), self.cr.savepoint():
            Lot.create({"name": "SAME-1", "product_id": self.product.id})
        Lot.create({"name": "SAME-2", "product_id": self.product.id})
        self.company.serial_unique_in_company = True
        with (
            self.assertRaisesRegex(ValidationError, "across all products"),
            self.cr.savepoint(),
        ):
            Lot.create({"name": "SAME-2", "product_id": self.product_b.id})
        with (
            self.assertRaisesRegex(ValidationError, "across all products"),
            self.cr.savepoint(),
        ):
            Lot._serial_bulk_create(
                [
                    {
                        "name": "SAME-2",
                        "product_id": self.product_b.id,
                        "company_id": self.company.id,
                    }
                ]
            )

    def test_generate_units_wizard(self):
        batch = self.env["serial.batch"].create(
            {"name": "RUN-7", "product_id": self.product.id}
        )
        form = Form(self.env["serial.generate.units"].with_user(self.stock_user))
        form.product_id = self.product
        form.quantity = 4
        form.batch_id = batch
        self.assertEqual(form.scheme_id, self.scheme)
        self.assertTrue(form.preview)
        wizard = form.save()
        action = wizard.action_generate()
        lots = self.env["stock.lot"].search(action["domain"])
        self.assertEqual(len(lots), 4)
        self.assertEqual(set(lots.mapped("unit_state")), {"draft"})
        self.assertEqual(lots.batch_id, batch)
        events = lots.event_ids
        self.assertEqual(len(events), 4)
        self.assertEqual(set(events.mapped("event_type")), {"generated"})
        self.assertEqual(events.lot_id, lots)
        self.assertEqual(events.user_id, self.stock_user)
        self.assertEqual(set(events.mapped("reference")), {"RUN-7"})
        self.assertEqual(
            set(events.mapped("description")),
            {f"Generated ahead of stock with scheme {self.scheme.name}."},
        )
        wizard = self.env["serial.generate.units"].create(
            {"product_id": self.product_b.id, "quantity": 2}
        )
        with self.assertRaisesRegex(UserError, "No serial scheme applies"):
            wizard.action_generate()
        wizard.write({"product_id": self.product.id, "quantity": 0})
        with self.assertRaises(UserError):
            wizard.action_generate()

    def test_random_only_scheme(self):
        scheme = self.make_scheme(
            "R{random:3}", product_id=self.product_b.id, random_alphabet="AB"
        )
        # Only 8 serials exist with 3 characters of 2 letters: collisions get redrawn.
        names = scheme._generate_names(self.product_b, 5)
        self.assertEqual(len(set(names)), 5)
        self.env["stock.lot"].create(
            [{"name": name, "product_id": self.product_b.id} for name in names]
        )
        with self.assertRaisesRegex(UserError, "make its random block longer"):
            scheme._generate_names(self.product_b, 4)

    def test_fast_path_with_expiration_dates(self):
        self.product.product_tmpl_id.write(
            {"use_expiration_date": True, "expiration_time": 10, "removal_time": 2}
        )
        picking = self.make_receipt(3)
        picking.action_serial_generate_from_scheme()
        lines = picking.move_line_ids
        self.assertEqual(len(lines.lot_id), 3)
        for line in lines:
            self.assertTrue(line.lot_id.expiration_date)
            # The lines' dates follow their new unit, as after a write of lot_id.
            self.assertEqual(line.expiration_date, line.lot_id.expiration_date)

    def test_assign_refuses_units_of_another_product(self):
        picking = self.make_receipt(1)
        other = self.env["stock.lot"].create(
            {"name": "OTHER-1", "product_id": self.product_b.id}
        )
        with self.assertRaisesRegex(ValidationError, "another product or company"):
            picking.move_ids._serial_assign_lots({picking.move_ids: [other.id]})

    def test_fast_path_names_only_then_odoo_validation(self):
        picking = self.make_receipt(5)
        lots = picking.move_ids.action_serial_generate_from_scheme(create_units=False)
        self.assertFalse(lots)
        lines = picking.move_line_ids
        self.assertFalse(lines.lot_id)
        names = lines.mapped("lot_name")
        self.assertEqual(len(set(names)), 5)
        self.assertTrue(all(name.startswith("PMP-WH") for name in names))
        # Odoo creates the units from the names when the receipt is validated.
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(sorted(lines.lot_id.mapped("name")), sorted(names))
        self.assertEqual(set(lines.lot_id.mapped("unit_state")), {"in_stock"})
