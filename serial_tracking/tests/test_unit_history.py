from datetime import datetime

from odoo.tests import BaseCase, tagged

from ..tools import unit_state

D1 = datetime(2026, 3, 1, 9, 0)
D2 = datetime(2026, 3, 2, 9, 0)
D3 = datetime(2026, 3, 3, 9, 0)


@tagged("post_install", "-at_install", "serial_tracking")
class TestUnitHistory(BaseCase):
    """How a unit's done moves sum up to its history (the refresh of unit states
    reads them from the lines and sums them up in Python, as its SQL did)."""

    def test_receipt_delivery_return(self):
        history, delivery_moves = unit_state.summarize_history(
            [
                # (unit, date, line, move, source usage, destination usage, partner)
                (1, D1, 10, 100, "supplier", "internal", 7),
                (1, D2, 11, 101, "internal", "customer", 8),
                (1, D3, 12, 102, "customer", "internal", 8),
                # within our stock: not part of the history
                (1, D3, 13, 103, "internal", "internal", False),
                (2, D1, 20, 100, "supplier", "internal", 7),
            ]
        )
        self.assertEqual(
            history,
            {
                1: ("customer", "customer", 8, D1, D2),
                2: ("supplier", None, None, D1, None),
            },
        )
        self.assertEqual(delivery_moves, {1: 101, 2: None})
        self.assertEqual(
            unit_state.unit_values(True, False, history[1])["unit_state"], "returned"
        )

    def test_same_second_goes_by_line(self):
        """Moves of the same second: the later line is the last one, in any
        order of the input."""
        moves = [
            (1, D1, 10, 100, "supplier", "internal", 7),
            (1, D2, 12, 102, "internal", "supplier", 7),
            (1, D2, 11, 101, "internal", "customer", 9),
        ]
        for ordered in (moves, moves[::-1]):
            history, delivery_moves = unit_state.summarize_history(ordered)
            self.assertEqual(history[1], ("supplier", "supplier", 7, D1, D2))
            self.assertEqual(delivery_moves[1], 101)

    def test_unit_never_crossing(self):
        self.assertEqual(
            unit_state.summarize_history(
                [(1, D1, 10, 100, "internal", "transit", False)]
            ),
            ({}, {}),
        )
