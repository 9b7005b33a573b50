from datetime import datetime, timedelta
from unittest.mock import patch

from odoo.tests import tagged

from ..models.serial_unit_state_mixin import SerialUnitStateMixin
from ..tools import bulk_insert, bulk_update, lot_vals, pending
from .common import SerialTrackingCommon
from .fast_validation_common import FastValidationCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestFastPending(SerialTrackingCommon):
    """The fast receipt's shortcuts through pending computations and per-line
    calls leave what the ORM's own way leaves: same cache, same pending
    updates, same values."""

    def _state(self, lines, fnames):
        """Cached values, pending updates and pending computations of ``fnames``
        of ``lines``, in order."""
        env = self.env
        result = {}
        for fname in fnames:
            field = lines._fields[fname]
            cache = field._get_cache(env)
            dirty = env._field_dirty.get(field, ())
            todo = set(env.records_to_compute(field)._ids)
            result[fname] = [
                (cache.get(line_id), line_id in dirty, line_id in todo)
                for line_id in lines._ids
            ]
        return result

    def _lines(self, count, picked=()):
        """The move and lines of a receipt of ``count`` units, lines ``picked``
        (indexes) picked, flushed."""
        picking = self._create_receipt(self.scanner, count)
        lines = picking.move_line_ids.sorted("id")
        for i in picked:
            lines[i].picked = True
        self.env.flush_all()
        return picking.move_ids, lines

    def test_line_states_as_the_orm(self):
        orm_move, orm_lines = self._lines(3)
        fast_move, fast_lines = self._lines(3)
        other_move, other_lines = self._lines(2)
        (orm_move | fast_move | other_move).write({"state": "done"})
        before = self._state(fast_lines, ["state"])
        self.assertTrue(all(todo for _v, _d, todo in before["state"]))

        pending.line_states(fast_move)
        self.assertEqual(
            self._state(fast_lines, ["state"])["state"], [("done", True, False)] * 3
        )
        # Lines of other moves are left to the ORM.
        self.assertTrue(
            all(todo for _v, _d, todo in self._state(other_lines, ["state"])["state"])
        )
        orm_lines.mapped("state")
        self.assertEqual(
            self._state(fast_lines, ["state"]), self._state(orm_lines, ["state"])
        )
        self.assertEqual(other_move.move_line_ids.mapped("state"), ["done"] * 2)
        self.assertEqual(orm_move.state, fast_move.state)

    def test_skip_picked_only_on_picked_lines(self):
        move, lines = self._lines(3, picked=(0, 1))
        move.write({"state": "done"})
        lines.mapped("state")
        self.assertEqual(
            [todo for _v, _d, todo in self._state(lines, ["picked"])["picked"]],
            [True, True, True],
        )
        pending.skip_picked(lines)
        self.assertEqual(
            self._state(lines, ["picked"])["picked"],
            [(True, False, False), (True, False, False), (False, False, True)],
        )
        # What is left pending is computed as Odoo does: the move is done.
        self.assertEqual(lines.mapped("picked"), [True, True, True])
        self.assertEqual(move.state, "done")

    def test_new_lot_vals_as_per_line(self):
        expiring = self.env["product.product"].create(
            {
                "name": "Dated Meter",
                "is_storable": True,
                "tracking": "serial",
                "use_expiration_date": True,
                "expiration_time": 30,
            }
        )
        lines = self.env["stock.move.line"]
        for product, count in ((self.scanner, 3), (expiring, 2), (self.printer, 1)):
            picking = self._create_receipt(product, count)
            lines |= picking.move_line_ids
        for i, line in enumerate(lines):
            line.lot_name = f"VALS-{i}"
        lines[3].expiration_date = datetime(2026, 5, 1, 8, 0)
        expected = [line._prepare_new_lot_vals() for line in lines]
        self.assertEqual(lot_vals.new_lot_vals(lines), expected)
        self.assertEqual(len({vals.get("expiration_date") for vals in expected}), 3)

    def test_expired_lots_as_odoo(self):
        picking = self._create_receipt(self.scanner, 2)
        for i, line in enumerate(picking.move_line_ids):
            line.lot_name = f"EXP-{i}"
        odoo = picking.with_context(serial_fast_off=True)
        self.assertFalse(odoo._check_expired_lots())
        self.assertFalse(picking._check_expired_lots())

        expired = self.env["stock.lot"].create(
            {
                "name": "EXPIRED-1",
                "product_id": self.reagent.id,
                "expiration_date": datetime.now() - timedelta(days=1),
            }
        )
        self.assertTrue(expired.product_expiry_alert)
        receipt = self._create_receipt(self.reagent, 1)
        receipt.move_line_ids.lot_id = expired
        self.assertEqual(
            receipt.with_context(serial_fast_off=True)._check_expired_lots(), receipt
        )
        self.assertEqual(receipt._check_expired_lots(), receipt)

    def test_rest_key_ignores_key_order(self):
        rest_of = bulk_insert._rest_getter(["lot_id"])
        first = rest_of({"product_id": 1, "lot_id": 5, "location_id": 2})
        self.assertEqual(
            first, rest_of({"location_id": 2, "lot_id": 6, "product_id": 1})
        )
        self.assertNotEqual(first, rest_of({"location_id": 3, "product_id": 1}))
        self.assertEqual(rest_of({"lot_id": 1}), rest_of({"lot_id": 2}))

    def test_column_values_as_the_orm(self):
        picking = self._create_receipt(self.scanner, 3)
        lines = picking.move_line_ids
        lines.write({"date": datetime(2026, 3, 2, 9, 30), "picked": True})
        for fname in ("date", "picked", "state", "location_id", "quantity"):
            field = lines._fields[fname]
            self.assertEqual(
                bulk_update._column_values(lines, field, list(lines._ids)),
                [field.get_column_update(line) for line in lines],
                fname,
            )


@tagged("post_install", "-at_install", "serial_tracking")
class TestFastSettledUnits(FastValidationCommon):
    """Units the fast receipt creates are created settled: the refresh of unit
    states after the transfer leaves them out (it would compute the values they
    have), and refreshes units that existed before."""

    def test_new_units_not_refreshed(self):
        product = self._twins()[0]
        existing = self.env["stock.lot"].create(
            {"name": "SETTLED-0", "product_id": product.id}
        )
        picking = self._named_receipt(product, ["SETTLED-0", "SETTLED-1", "SETTLED-2"])
        refreshed = []
        refresh = SerialUnitStateMixin._serial_refresh_existing_units

        def spy(lots):
            refreshed.extend(lots.ids)
            return refresh(lots)

        with patch.object(SerialUnitStateMixin, "_serial_refresh_existing_units", spy):
            self._validate(picking, fast=True)
        lots = picking.move_line_ids.lot_id
        self.assertEqual(len(lots), 3)
        self.assertEqual(refreshed, existing.ids)
        self.assertEqual(set(lots.mapped("unit_state")), {"in_stock"})
        self.assertEqual(
            set(lots.mapped("receipt_date")), {picking.date_done}, "date of transfer"
        )
