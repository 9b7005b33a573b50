from contextlib import contextmanager
from datetime import datetime

from odoo.tests import tagged

from ..tools import bulk_update
from .common import SerialTrackingCommon

LINE_COLUMNS = "lot_id, lot_name, quantity, date, picked, state, write_uid, write_date"


@tagged("post_install", "-at_install", "serial_tracking")
class TestBulkUpdate(SerialTrackingCommon):
    """``bulk_update.flush_model`` writes the move lines' pending updates in one
    UPDATE per set of changed fields and leaves exactly what the ORM's flush
    leaves: same rows in the database, nothing dirty, the cache as it was."""

    def _pending_changes(self, picking, unit):
        """The same pending updates on the lines of ``picking``: three sets of
        fields, values of several types (text, number, date, flag, unit, empty),
        some written through the ORM's ``write``, some into the cache only (as
        the fast paths do)."""
        lines = picking.move_line_ids.sorted("id")
        fields_ = lines._fields
        for i, line in enumerate(lines[:3]):
            fields_["lot_name"].write(line, f"NAME-{i}")
            fields_["quantity"].write(line, 1.0 + (i + 1) / 4)
        lines[3:5].with_context(serial_defer_refresh=True).write(
            {"date": datetime(2026, 3, 2, 9, 30), "picked": True}
        )
        fields_["lot_id"].write(lines[5], unit)
        fields_["lot_name"].write(lines[5], False)
        return lines

    def _rows(self, lines):
        self.env.cr.execute(
            f"SELECT {LINE_COLUMNS} FROM stock_move_line"
            " WHERE id = ANY(%s) ORDER BY id",
            [lines.ids],
        )
        return self.env.cr.fetchall()

    def _dirty(self, lines):
        return {
            field.name
            for field, ids in self.env._field_dirty.items()
            if field.model_name == "stock.move.line" and set(ids) & set(lines.ids)
        }

    def test_same_rows_as_the_orm(self):
        unit = self.env["stock.lot"].create(
            {"name": "BULK-UPDATE", "product_id": self.scanner.id}
        )
        orm_picking = self._create_receipt(self.scanner, 6)
        bulk_picking = self._create_receipt(self.scanner, 6)
        self.env.flush_all()

        orm_lines = self._pending_changes(orm_picking, unit)
        self.assertEqual(
            self._dirty(orm_lines), {"lot_name", "quantity", "date", "picked", "lot_id"}
        )
        self.env["stock.move.line"].flush_model()
        self.assertFalse(self._dirty(orm_lines))

        bulk_lines = self._pending_changes(bulk_picking, unit)
        cached = [
            (line.lot_id, line.lot_name, line.quantity, line.date, line.picked)
            for line in bulk_lines
        ]
        queries = []
        # Queries of the flush alone (captureQueries would flush first).
        with contextmanager(self._patchExecute)(queries, False):
            bulk_update.flush_model(self.env["stock.move.line"])
        updates = [q for q in queries if q.lstrip().startswith("UPDATE")]
        self.assertEqual(len(updates), 3, "one UPDATE per set of changed fields")
        self.assertFalse(self._dirty(bulk_lines))
        self.assertEqual(
            [
                (line.lot_id, line.lot_name, line.quantity, line.date, line.picked)
                for line in bulk_lines
            ],
            cached,
        )
        self.assertEqual(self._rows(bulk_lines), self._rows(orm_lines))
        self.env.invalidate_all()
        self.assertEqual(
            [
                (line.lot_id, line.lot_name, line.quantity, line.date, line.picked)
                for line in bulk_lines
            ],
            cached,
        )
