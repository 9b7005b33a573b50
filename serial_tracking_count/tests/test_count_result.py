from datetime import datetime

from odoo.tests import BaseCase, tagged

from ..tools.count_result import (
    QuantRow,
    ScanRow,
    Stranger,
    quantities,
    split_serials,
    stranger_reasons,
    summary_rows,
)

AT = datetime(2026, 6, 1, 12, 0, 0, 500000)


def quant(id_, lot_id, product_id=1, quantity=1.0, tracking="serial"):
    return QuantRow(id_, lot_id, product_id, quantity, tracking)


def scan(lot_id, product_id=1, lot_name=None, is_serial=True, quantity=1.0):
    return ScanRow(lot_id, product_id, lot_name, is_serial, quantity, AT)


@tagged("post_install", "-at_install", "serial_tracking")
class TestCountResult(BaseCase):
    """What a count found, in plain Python: no database."""

    def test_found_missing_strangers_unknown(self):
        quants = [quant(10, 1), quant(11, 2), quant(12, 3), quant(13, 4, quantity=0)]
        scans = [scan(1), scan(3), scan(9), scan(None, lot_name="NEW")]
        found, missing, strangers, unknown = split_serials(quants, scans)
        self.assertEqual(found, [(1, 1), (3, 1)])
        self.assertEqual([q.id for q in missing], [11])
        self.assertEqual(strangers, {9: AT})
        self.assertEqual(
            [(u["lot_name"], u["reason"]) for u in unknown], [("NEW", "unknown")]
        )

    def test_stranger_reasons(self):
        rows = [
            Stranger(1, 1, 50, False, None),
            Stranger(2, 1, 51, True, None),
            Stranger(3, 1, None, False, None),
            # left in the same second it was scanned (move line dates have no
            # microseconds): it was scanned here, then shipped
            Stranger(4, 1, None, False, AT.replace(microsecond=0)),
        ]
        reasons = stranger_reasons(rows, dict.fromkeys((1, 2, 3, 4), AT))
        self.assertEqual(
            [u["reason"] for u in reasons],
            ["elsewhere", "reserved", "not_in_stock", "moved"],
        )
        self.assertEqual(reasons[0]["quant_id"], 50)

    def test_quantities_and_summary(self):
        quants = [quant(20, 7, 2, 10.0, "lot"), quant(21, None, 3, 7.0, "none")]
        scans = [
            scan(7, 2, is_serial=False, quantity=8.0),
            scan(None, 3, is_serial=False, quantity=2.0),
            scan(None, 2, lot_name="B9", is_serial=False),
        ]
        by_key = {
            (q["product_id"], q["lot_id"] or q["lot_name"]): q
            for q in quantities(quants, scans)
        }
        self.assertEqual(
            (by_key[2, 7]["expected"], by_key[2, 7]["counted"]), (10.0, 8.0)
        )
        self.assertEqual(
            (by_key[3, False]["expected"], by_key[3, False]["counted"]), (7.0, 2.0)
        )
        self.assertEqual(
            (by_key[2, "B9"]["expected"], by_key[2, "B9"]["counted"]), (0.0, 1.0)
        )
        rows = summary_rows(
            {
                "found": [(1, 1)],
                "missing": [quant(11, 2)],
                "unexpected": [{"product_id": 1}],
                "quantities": quantities(quants, scans),
            }
        )
        self.assertEqual(
            (rows[1]["found"], rows[1]["missing"], rows[1]["unexpected"]), (1, 1, 1)
        )
        self.assertEqual(rows[2]["counted_qty"], 9.0)
