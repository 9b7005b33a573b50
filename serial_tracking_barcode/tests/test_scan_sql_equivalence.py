import uuid
from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import tagged

from ..tools.move_line_sql import ORM_ONLY_KEY, sql_write_allowed
from .common import SerialDispatchCommon, stored_rows

# Odoo's models compared (and the scan rows).
COMPARED = (
    "stock.move.line",
    "stock.quant",
    "stock.move",
    "stock.lot",
    "stock.picking",
)


@tagged("post_install", "-at_install", "serial_tracking")
class TestScanSqlEquivalence(SerialDispatchCommon):
    """The scan engine's SQL helper (``tools/move_line_sql.py``) leaves exactly
    what Odoo's ``stock.move.line.write`` leaves.

    Each case runs the same scan twice from the same state, in savepoints rolled
    back in between: through Odoo's ``write`` (context ``serial_scan_orm_only``)
    and through the helper; every stored column of the move lines, quants, moves
    and units of the product, and the scan rows, must be equal (datetimes set
    during the test compare as "now"). Each case also checks that the comparison
    sees every change Odoo made: a helper leaving any one of them as it was would
    fail.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_serial.write(
            {"use_expiration_date": True, "expiration_time": 30, "removal_time": 5}
        )
        base = fields.Datetime.now() + timedelta(days=60)
        for i, lot in enumerate(cls.lots):
            lot.write(
                {
                    "expiration_date": base + timedelta(days=i),
                    "removal_date": base + timedelta(days=i - 5),
                }
            )
        cls.lots[9].write({"expiration_date": False, "removal_date": False})
        cls.shelf = cls.env["stock.location"].create(
            {"name": "Shelf EQ", "location_id": cls.stock_location.id}
        )
        cls.package = cls.env["stock.package"].create({"name": "PACK-EQ"})
        # DSP0008 moves into a package on a shelf: a swap changes location and package
        Quant = cls.env["stock.quant"]
        Quant._update_available_quantity(
            cls.product_serial, cls.stock_location, -1, lot_id=cls.lots[8]
        )
        Quant._update_available_quantity(
            cls.product_serial,
            cls.shelf,
            1,
            lot_id=cls.lots[8],
            package_id=cls.package,
        )
        Quant._unlink_zero_quants()
        cls.lots._refresh_unit_state()
        # Reserved yesterday: the date a scan sets on a line is seen changing.
        cls.delivery.move_line_ids.date = fields.Datetime.now() - timedelta(days=1)

    # --- helpers

    def snapshot(self):
        """Every stored column of the rows a scan of product_serial can touch."""
        self.env.flush_all()
        product = self.product_serial.id
        where = {
            "stock.move.line": ("product_id", product),
            "stock.quant": ("product_id", product),
            "stock.move": ("product_id", product),
            "stock.lot": ("product_id", product),
            "serial.dispatch.scan": ("picking_id", self.delivery.id),
            "stock.picking": ("id", self.delivery.id),
        }
        since = self.started
        until = since + timedelta(minutes=5)
        state = {}
        for model, (column, value) in where.items():
            rows = {}
            for row in stored_rows(self.env, model, column, value):
                key = row["lot_id"] if model == "serial.dispatch.scan" else row["id"]
                if model == "serial.dispatch.scan":
                    row.pop("id")  # a new row each run
                for name, value in row.items():
                    if isinstance(value, datetime) and since <= value <= until:
                        row[name] = "now"
                rows[key] = row
            state[model] = rows
        # A line created by the scan has a new id in each run: named by its unit.
        known = getattr(self, "known_lines", None)
        if known is not None:
            new = {
                line_id: ("new", row["lot_id"])
                for line_id, row in state["stock.move.line"].items()
                if line_id not in known
            }
            state["stock.move.line"] = {
                new.get(key, key): {**row, "id": new.get(key, key)}
                for key, row in state["stock.move.line"].items()
            }
            for row in state["serial.dispatch.scan"].values():
                row["move_line_id"] = new.get(row["move_line_id"], row["move_line_id"])
        return state

    def run_both(self, code, confirm=False):
        """(state before, after Odoo's write, after the helper), queries of each;
        with ``confirm``, the states are taken after the dispatch is confirmed
        too (``confirmed``: Odoo's, the helper's)."""
        self.assertTrue(sql_write_allowed(self.env))
        self.started = fields.Datetime.now() - timedelta(seconds=1)
        self.known_lines = None
        before = self.snapshot()
        self.known_lines = set(before["stock.move.line"])
        outcomes, queries, scan_uid = [], [], str(uuid.uuid4())
        for orm_only in (True, False):
            savepoint = self.env.cr.savepoint()
            start = self.env.cr.sql_log_count
            picking = self.delivery.with_context(**{ORM_ONLY_KEY: orm_only})
            result = self.scan(code, picking=picking, scan_uid=scan_uid)
            self.assertEqual(result["status"], "ok", result["message"])
            self.env.flush_all()
            queries.append(self.env.cr.sql_log_count - start)
            outcomes.append(self.snapshot())
            if confirm:
                self.env.invalidate_all()  # another request: a cold cache
                picking.serial_dispatch_confirm()
                self.confirmed.append(self.snapshot())
            savepoint.close(rollback=True)
            self.env.invalidate_all()
        return before, outcomes[0], outcomes[1], queries

    def assert_same(self, code, expect_changed, delivery_at_confirm=False):
        """``delivery_at_confirm``: the delivery's row is left by the scan (other
        scanners hold it) and derived at Confirm: it is compared after Confirm,
        everything else also right after the scan."""
        self.confirmed = []
        self.maxDiff = None
        before, orm, helper, (orm_queries, helper_queries) = self.run_both(
            code, confirm=delivery_at_confirm
        )
        if delivery_at_confirm:
            orm_confirmed, helper_confirmed = self.confirmed
            for model in COMPARED:
                with self.subTest(model=model, at="confirm"):
                    self.assertEqual(helper_confirmed[model], orm_confirmed[model])
            helper["stock.picking"] = orm["stock.picking"] = {}
        changed = {
            (model, key, name)
            for model, rows in orm.items()
            for key, row in rows.items()
            for name, value in row.items()
            if before[model].get(key, {}).get(name, "absent") != value
        }
        for model in COMPARED:
            with self.subTest(model=model):
                self.assertEqual(helper[model], orm[model])
        self.assertEqual(helper["serial.dispatch.scan"], orm["serial.dispatch.scan"])
        # The comparison sees every change Odoo's write made to an existing row.
        for model, key, name in changed:
            if key in before[model]:
                forgetful = {**helper[model][key], name: before[model][key][name]}
                self.assertNotEqual(forgetful, orm[model][key], (model, key, name))
        names = {(model, name) for model, _key, name in changed}
        self.assertLessEqual(expect_changed, names)
        self.assertLess(helper_queries, orm_queries)
        return changed

    # --- cases

    def test_reserved_serial(self):
        """The reserved unit scanned: its line is picked (and dated)."""
        self.assert_same(
            "DSP0001",
            {("stock.move.line", "picked"), ("stock.move.line", "date")},
        )

    def test_swap(self):
        """A free unit scanned: it replaces the reserved one on a line; quants'
        reservations, units' states and product_expiry's dates follow."""
        self.assert_same(
            "DSP0007",
            {
                ("stock.move.line", "lot_id"),
                ("stock.move.line", "expiration_date"),
                ("stock.move.line", "removal_date"),
                ("stock.move.line", "picked"),
                ("stock.quant", "reserved_quantity"),
                ("stock.lot", "unit_state"),
            },
        )

    def test_swap_other_location_and_package(self):
        """The scanned unit is on a shelf, in a package: the line follows it."""
        self.assert_same(
            "DSP0008",
            {
                ("stock.move.line", "location_id"),
                ("stock.move.line", "package_id"),
                ("stock.quant", "reserved_quantity"),
            },
        )

    def test_swap_unit_without_dates(self):
        """The scanned unit has no expiration date: the line is what Odoo's
        computation makes of that."""
        self.assert_same("DSP0009", {("stock.move.line", "lot_id")})

    def test_no_reservation(self):
        """A delivery without reservation: the unit gets a new line, as Odoo's
        ``create`` makes it: the quant's reservation, the unit's state, the
        move's quantity and state, the delivery's state follow."""
        self.delivery.do_unreserve()
        self.delivery.move_ids.filtered(
            lambda move: move.product_id == self.product_serial
        ).picked = False
        self.assert_same(
            "DSP0007",
            {
                ("stock.move.line", "lot_id"),
                ("stock.move.line", "expiration_date"),
                ("stock.quant", "reserved_quantity"),
                ("stock.lot", "unit_state"),
                ("stock.move", "quantity"),
                ("stock.move", "state"),
            },
            delivery_at_confirm=True,
        )
        # Odoo's create changed the delivery's state: the helper's Confirm did.
        states = [
            state["stock.picking"][self.delivery.id]["state"]
            for state in self.confirmed
        ]
        self.assertEqual(states, ["assigned", "assigned"])

    def test_no_reservation_unit_just_unreserved(self):
        """The unit scanned was reserved until the delivery was unreserved: Odoo
        left a zero quant beside its quant; the reservation goes where Odoo's
        gather puts it."""
        self.delivery.do_unreserve()
        self.assert_same(
            "DSP0001",
            {("stock.quant", "reserved_quantity"), ("stock.move", "quantity")},
            delivery_at_confirm=True,
        )

    def test_no_reservation_unit_without_dates(self):
        """The new line takes its unit's expiry dates in the helper's round trip:
        a unit without them leaves the line's empty, as Odoo's computation."""
        self.delivery.do_unreserve()
        self.assert_same(
            "DSP0009",
            {("stock.move.line", "lot_id"), ("stock.move", "quantity")},
            delivery_at_confirm=True,
        )

    def test_no_reservation_second_unit(self):
        """A second new line on the move: its quantity grows (from the lines the
        lookup read), its state stays."""
        self.delivery.do_unreserve()
        self.assertEqual(self.scan("DSP0008")["status"], "ok")
        self.assert_same(
            "DSP0007",
            {("stock.move.line", "expiration_date"), ("stock.move", "quantity")},
            delivery_at_confirm=True,
        )

    def test_no_reservation_last_unit(self):
        """The unit completing the move: its quantity reaches the demand, the
        move becomes available and every line of it takes that state, the new
        one too (set from the move's state in the helper's round trip)."""
        self.delivery.do_unreserve()
        for code in ("DSP0008", "DSP0009"):
            self.assertEqual(self.scan(code)["status"], "ok")
        self.assert_same(
            "DSP0007",
            {
                ("stock.move", "quantity"),
                ("stock.move", "state"),
                ("stock.move.line", "state"),
            },
            delivery_at_confirm=True,
        )
