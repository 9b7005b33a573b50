from odoo.tests import tagged

from odoo.addons.serial_tracking.tests.common import SerialTrackingCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestOutMoveLines(SerialTrackingCommon):
    """``stock.move._get_out_move_lines`` and ``_get_in_move_lines`` give Odoo's
    lines, in Odoo's order."""

    def assertSameLines(self, moves, lot=None):
        """Ours and Odoo's, incoming and outgoing, for each move of ``moves``;
        returns the outgoing lines of the last one."""
        for move in moves:
            odoo_move = move.with_context(serial_fast_off=True)
            ins = move._get_in_move_lines(lot=lot)
            self.assertEqual(ins.ids, odoo_move._get_in_move_lines(lot=lot).ids)
            ours = move._get_out_move_lines(lot=lot)
            odoo = odoo_move._get_out_move_lines(lot=lot)
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
        self.assertFalse(move._get_in_move_lines())
        self.assertEqual(self.assertSameLines(move, lot=lots[3]).lot_id, lots[3])
        self.assertFalse(self.assertSameLines(move, lot=lots[1]))
        # A line that stays in our stock is not outgoing.
        lines[4].location_dest_id = self.shelf_1
        out = self.assertSameLines(move)
        self.assertEqual(out, lines - lines[1] - lines[2] - lines[4])
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
        self.assertFalse(internal._get_in_move_lines())

    def test_same_incoming_lines_as_odoo(self):
        picking = self._create_receipt(self.scanner, 4)
        move = picking.move_ids
        self._set_serials(move, [f"IN-{i}" for i in range(4)])
        move.picked = True
        lines = move.move_line_ids.sorted("id")
        lines[0].picked = False
        self.assertSameLines(move)
        self.assertEqual(move._get_in_move_lines(), lines[1:])
        self.assertEqual(move._get_in_move_lines(lot=None), lines[1:])
        # A line taken from our own stock instead is not incoming.
        lines[2].location_id = self.stock_location
        self.assertSameLines(move)
        self.assertEqual(move._get_in_move_lines(), lines[1] | lines[3])
        self.assertFalse(move._get_out_move_lines())
