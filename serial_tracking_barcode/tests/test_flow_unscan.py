from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL

from .flows_common import SerialFlowsCommon

# Columns a taken-back scan may leave changed: the audit columns, and the line's
# date, which Odoo's own write sets when a line is picked and never puts back.
CHANGING = {"write_date", "write_uid", "date"}


@tagged("post_install", "-at_install", "serial_tracking")
class TestFlowUnscan(SerialFlowsCommon):
    """Taking one scan back on the receive and transfer screens (the user scanned
    the wrong unit): the operation, its lines, the quants and the units are left
    as they were before the scan, column by column."""

    def rows(self, table, column, value):
        """Every stored column of the rows of ``table`` whose ``column`` is
        ``value``, but the ones a write always changes (``CHANGING``)."""
        self.env.flush_all()
        rows = self.env.execute_query_dict(
            SQL(
                "SELECT * FROM %s WHERE %s = %s ORDER BY id",
                SQL.identifier(table),
                SQL.identifier(column),
                value,
            )
        )
        return [{k: v for k, v in row.items() if k not in CHANGING} for row in rows]

    def receipt_rows(self, picking=None):
        picking = picking or self.receipt
        return {
            "lines": self.rows("stock_move_line", "picking_id", picking.id),
            "moves": self.rows("stock_move", "picking_id", picking.id),
            "scans": self.rows("serial_dispatch_scan", "picking_id", picking.id),
        }

    def unscan(self, flow, picking, serial):
        return (
            self.env[f"serial.scan.{flow}"]
            .with_user(self.user)
            ._scan_unscan(picking.id, serial)
        )

    # --- receive

    def test_receive_new_serial_taken_back(self):
        before = self.receipt_rows()
        self.assertEqual(self.receive("WRONG01")["status"], "ok")
        self.assertNotEqual(self.receipt_rows(), before)  # the comparison sees it
        flow = self.env["serial.scan.receive"].with_user(self.user)
        result = flow.serial_receive_unscan(self.receipt.id, "WRONG01")
        self.assertEqual(result["status"], "ok", result)
        self.assertIn("WRONG01 removed", result["message"])
        self.assertEqual(self.line(result, self.product_serial)["scanned"], 0)
        self.assertEqual(self.receipt_rows(), before)
        self.assertFalse(self.env["stock.lot"].search([("name", "=", "WRONG01")]))
        # the serial is free again: scanned later on its right receipt
        self.assertEqual(self.receive("WRONG01")["status"], "ok")

    def test_receive_unit_made_ahead_is_kept(self):
        planned = self.env["stock.lot"].create(
            {"name": "PLAN01", "product_id": self.product_serial.id}
        )
        lot_before = self.rows("stock_lot", "id", planned.id)
        before = self.receipt_rows()
        self.assertEqual(self.receive("PLAN01")["status"], "ok")
        self.assertEqual(planned.unit_state, "draft")
        self.unscan("receive", self.receipt, "PLAN01")
        self.assertEqual(self.receipt_rows(), before)
        self.assertEqual(self.rows("stock_lot", "id", planned.id), lot_before)

    def test_receive_line_added_by_the_scan_goes(self):
        move = self.move_of(self.receipt, self.product_serial)
        move.move_line_ids[-1:].unlink()  # two lines left for three units
        for name in ("ADD01", "ADD02"):
            self.receive(name)
        before = self.receipt_rows()
        self.assertEqual(self.receive("ADD03")["status"], "ok")
        self.assertEqual(len(move.move_line_ids), 3)
        self.unscan("receive", self.receipt, "ADD03")
        self.assertEqual(self.receipt_rows(), before)

    def test_receive_unscan_refusals(self):
        with self.assertRaisesRegex(UserError, "not scanned on this receipt"):
            self.unscan("receive", self.receipt, "NEVER01")
        with self.assertRaisesRegex(UserError, "control characters"):
            self.unscan("receive", self.receipt, "A\x00B")
        self.receive(self.BARCODE_PLAIN)  # a count: no serial to take back
        with self.assertRaises(UserError):
            self.unscan("receive", self.receipt, self.BARCODE_PLAIN)

    # --- transfer

    def test_transfer_unit_taken_back(self):
        picking = self.open_transfer()
        self.transfer("LOC-B", picking)
        unit = self.env["stock.lot"].search([("name", "=", "DSP0005")])
        quants_before = self.rows("stock_quant", "lot_id", unit.id)
        unit_before = self.rows("stock_lot", "id", unit.id)
        before = self.receipt_rows(picking)
        self.assertEqual(self.transfer("DSP0005", picking)["status"], "ok")
        self.assertEqual(unit.unit_state, "reserved")
        self.assertNotEqual(self.rows("stock_quant", "lot_id", unit.id), quants_before)
        flow = self.env["serial.scan.transfer"].with_user(self.user)
        result = flow.serial_transfer_unscan(picking.id, "DSP0005")
        self.assertEqual(result["status"], "ok", result)
        self.assertTrue(result["transfer"]["destination_set"])
        self.assertEqual(self.receipt_rows(picking), before)
        self.assertEqual(self.rows("stock_quant", "lot_id", unit.id), quants_before)
        self.assertEqual(self.rows("stock_lot", "id", unit.id), unit_before)
        self.assertEqual(unit.unit_state, "in_stock")

    def test_transfer_one_of_two_units_taken_back(self):
        picking = self.open_transfer()
        self.transfer("LOC-B", picking)
        self.transfer("DSP0005", picking)
        before = self.receipt_rows(picking)
        self.transfer("DSP0006", picking)
        self.unscan("transfer", picking, "DSP0006")
        self.assertEqual(self.receipt_rows(picking), before)
        self.assertEqual(picking.move_ids.product_uom_qty, 1)
        self.assertEqual(picking.move_line_ids.lot_id.name, "DSP0005")
        with self.assertRaisesRegex(UserError, "not scanned on this transfer"):
            self.unscan("transfer", picking, "DSP0006")
