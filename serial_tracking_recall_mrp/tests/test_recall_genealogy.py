from odoo import Command
from odoo.tests import tagged

from odoo.addons.serial_tracking_recall.tests.common import RecallCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestRecallGenealogy(RecallCommon):
    """A component lot recalls every unit built from it, over two levels of
    manufacturing orders; another lot's products stay out."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.board = Product.create(
            {"name": "Board", "is_storable": True, "tracking": "lot"}
        )
        cls.module, cls.appliance = Product.create(
            [
                {"name": "Module", "is_storable": True, "tracking": "serial"},
                {"name": "Appliance", "is_storable": True, "tracking": "serial"},
            ]
        )
        cls.bom_module, cls.bom_appliance = cls.env["mrp.bom"].create(
            [
                {
                    "product_tmpl_id": product.product_tmpl_id.id,
                    "product_qty": 1,
                    "bom_line_ids": [
                        Command.create({"product_id": part.id, "product_qty": 1})
                    ],
                }
                for product, part in (
                    (cls.module, cls.board),
                    (cls.appliance, cls.module),
                )
            ]
        )
        cls.board_lots = cls.env["stock.lot"].create(
            [
                {"name": name, "product_id": cls.board.id}
                for name in ("BOARD-BAD", "BOARD-OK")
            ]
        )

    def _produce(self, bom, product, serial, component):
        mo = self.env["mrp.production"].create(
            {"product_id": product.id, "bom_id": bom.id, "product_qty": 1}
        )
        mo.action_confirm()
        mo.lot_producing_ids = self.env["stock.lot"].create(
            {"name": serial, "product_id": product.id}
        )
        mo.qty_producing = 1
        raw = mo.move_raw_ids
        if component.product_id == self.board and not component.quant_ids:
            self.env["stock.quant"]._update_available_quantity(
                self.board, raw.location_id, 5, lot_id=component
            )
        raw.move_line_ids.unlink()
        raw.move_line_ids = [
            Command.create(
                {
                    "product_id": component.product_id.id,
                    "lot_id": component.id,
                    "quantity": 1,
                    "location_id": raw.location_id.id,
                    "location_dest_id": raw.location_dest_id.id,
                }
            )
        ]
        raw.picked = True
        mo.button_mark_done()
        self.assertEqual(mo.state, "done")
        return mo.lot_producing_ids

    def test_two_levels(self):
        bad, good = self.board_lots
        mod_1 = self._produce(self.bom_module, self.module, "MOD-1", bad)
        mod_2 = self._produce(self.bom_module, self.module, "MOD-2", bad)
        mod_3 = self._produce(self.bom_module, self.module, "MOD-3", good)
        app_1 = self._produce(self.bom_appliance, self.appliance, "APP-1", mod_1)
        app_3 = self._produce(self.bom_appliance, self.appliance, "APP-3", mod_3)
        recall = self._recall(component_lot_ids=bad.ids)
        self.assertEqual(recall.preview_count, 4)  # the lot, 2 modules, 1 appliance
        recall.action_confirm()
        self.assertEqual(recall.line_ids.lot_id, bad | mod_1 | mod_2 | app_1)
        self.assertNotIn(app_3, recall.line_ids.lot_id)
        self.assertNotIn(mod_3, recall.line_ids.lot_id)
        self.assertEqual(self.lines_of(recall, app_1).position, "held")
        self.assertEqual(self.lines_of(recall, mod_1).position, "other")  # consumed
        self.assertEqual(self.lines_of(recall, mod_2).position, "held")
        self.assertEqual(self.lines_of(recall, bad).quantity, 3)
        self.assertEqual(mod_2.unit_state, "recalled")
        self.assertEqual(mod_1.unit_state, "consumed")
