from odoo.tests import tagged

from odoo.addons.serial_tracking.tests.common import SerialTrackingCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestOutMoveLines(SerialTrackingCommon):
    """``stock.move._get_out_move_lines`` gives Odoo's lines, in Odoo's order."""

    def assertSameLines(self, moves, lot=None):
        for move in moves:
            ours = move._get_out_move_lines(lot=lot)
            odoo = move.with_context(serial_fast_off=True)._get_out_move_lines(lot=lot)
            self.assertEqual(ours.ids, odoo.ids)
        return ours

    def test_same_lines_as_odoo(self):
        _picking, lots = self._receive(self.scanner, [f"OUT-{i}" for i in range(7)])
        lots = lots.sorted("name")
        delivery = self._create_delivery(lots[:6])
        move = delivery.move_ids
        lines = move.move_line_ids.sorted("id")
        move.picked = True
        # Not picked, and owned by someone else: not valued, on both sides.
        lines[1].picked = False
        lines[2].owner_id = self.customer
        out = self.assertSameLines(move)
        self.assertEqual(out, lines - lines[1] - lines[2])
        self.assertEqual(self.assertSameLines(move, lot=lots[3]).lot_id, lots[3])
        self.assertFalse(self.assertSameLines(move, lot=lots[1]))
        # Moves within our stock are not outgoing (the seventh unit).
        internal = self.env["stock.move"].create(
            {
                "product_id": self.scanner.id,
                "product_uom_qty": 1,
                "location_id": self.stock_location.id,
                "location_dest_id": self.shelf_1.id,
            }
        )
        internal._action_confirm()
        internal._action_assign()
        internal.picked = True
        self.assertTrue(internal.move_line_ids)
        self.assertFalse(self.assertSameLines(internal))
