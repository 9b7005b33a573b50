from odoo.tests import tagged

from .common import SchemeMrpCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestMrpProduction(SchemeMrpCommon):
    """ "Generate" on a single-unit manufacturing order."""

    def test_single_unit_gets_the_scheme_serial(self):
        sequence = self.product.lot_sequence_id
        sequence_next = sequence.number_next_actual
        counter = self.counter()
        production = self.make_mo(1, user=self.mrp_user)
        self.assertEqual(production.date_start.date().isoformat(), "2026-01-07")
        preview = production._serial_scheme_preview()
        production.action_generate_serial()
        lot = production.lot_producing_ids
        self.assertEqual(len(lot), 1)
        self.assertEqual(lot.name, preview)
        self.assertSchemeSerials(lot.mapped("name"))
        self.assertEqual(self.counter(), counter + 1)
        # Odoo's lot sequence is not used (nor consumed).
        self.assertEqual(sequence.number_next_actual, sequence_next)
        production.button_mark_done()
        self.assertEqual(production.state, "done")
        self.assertEqual(lot.product_qty, 1)

    def test_site_is_the_warehouse_of_the_production(self):
        second = self.env["stock.warehouse"].create(
            {"name": "Second plant", "code": "SEC"}
        )
        production = self.make_mo(1, picking_type=second.manu_type_id)
        self.assertEqual(production.warehouse_id, second)
        production.action_generate_serial()
        self.assertSchemeSerials(production.lot_producing_ids.mapped("name"), "SEC")

    def test_product_without_scheme_keeps_odoo_numbering(self):
        sequence = self.product_b.lot_sequence_id
        sequence_next = sequence.number_next_actual
        expected = self.product_b.serial_prefix_format + self.product_b.next_serial
        counter = self.counter()
        production = self.make_mo(1, product=self.product_b)
        production.action_generate_serial()
        self.assertEqual(production.lot_producing_ids.name, expected)
        self.assertEqual(self.counter(), counter)
        self.assertNotEqual(sequence.number_next_actual, sequence_next)
