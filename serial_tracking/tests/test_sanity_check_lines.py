from odoo import Command
from odoo.tests import tagged

from odoo.addons.stock.models.stock_picking import StockPicking as OdooStockPicking

from .common import SerialTrackingCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestSanityCheckLines(SerialTrackingCommon):
    """The core reads the lines of Odoo's check for missing serials in bulk: the
    same lines, in the same order, as Odoo's own line-by-line filter."""

    def _odoo_lines(self, pickings, separate):
        return OdooStockPicking._get_lot_move_lines_for_sanity_check(
            pickings, set(), separate
        )

    def test_same_lines_as_odoo(self):
        untracked = self.env["product.product"].create(
            {"name": "Cable", "is_storable": True}
        )
        first = self._create_receipt(self.scanner, 4)
        first.write(
            {
                "move_ids": [
                    Command.create(
                        {
                            "product_id": untracked.id,
                            "product_uom_qty": 3,
                            "location_id": first.location_id.id,
                            "location_dest_id": first.location_dest_id.id,
                        }
                    )
                ]
            }
        )
        first.action_confirm()
        second = self._create_receipt(self.printer, 3)
        lines = first.move_line_ids.filtered(
            lambda line: line.product_id == self.scanner
        ).sorted("id")
        # Picked with a quantity, picked without one, not picked, tiny quantity.
        lines[:3].picked = True
        lines[1].quantity = 0
        lines[2].quantity = 0.0000001
        first.move_line_ids.filtered(
            lambda line: line.product_id == untracked
        ).picked = True
        second.move_line_ids[:2].picked = True
        pickings = first | second
        expected = self._odoo_lines(pickings, True)
        self.assertEqual(
            expected,
            first.move_line_ids.browse([lines[0].id]) | second.move_line_ids[:2],
        )
        for separate in (True, False):
            self.env.invalidate_all()
            self.assertEqual(
                pickings._get_lot_move_lines_for_sanity_check(set(), separate).ids,
                self._odoo_lines(pickings, separate).ids,
            )
