import uuid
from datetime import datetime, timedelta

from odoo import SUPERUSER_ID, fields
from odoo.tests import tagged
from odoo.tools import SQL

from ..tools.move_line_sql import ORM_ONLY_KEY, sql_create_allowed
from ..tools.receive_sql import transfer_unit_columns_sql
from .common import stored_rows
from .flows_common import SerialFlowsCommon

# Where a transfer scan's rows are, per model: (column, fixture attribute).
WHERE = {
    "stock.move.line": ("product_id", "product_serial"),
    "stock.quant": ("product_id", "product_serial"),
    "stock.move": ("product_id", "product_serial"),
    "stock.lot": ("product_id", "product_serial"),
    "stock.picking": ("id", "picking"),
}


@tagged("post_install", "-at_install", "serial_tracking")
class TestTransferSqlEquivalence(SerialFlowsCommon):
    """A transfer scan's move line through the engine's SQL helper
    (``create_scanned_line``) leaves exactly what Odoo's
    ``stock.move.line.create`` leaves.

    Each case runs the same scan twice from the same state, in savepoints rolled
    back in between: through Odoo's ``create`` (context ``serial_scan_orm_only``)
    and through the helper; every stored column of the product's move lines,
    quants, moves and units and of the transfer must be equal (rows made by the
    scan are named by their unit or product, datetimes set during the test
    compare as "now"). Each case also checks that the comparison sees the changes
    Odoo made."""

    def setUp(self):
        super().setUp()
        self.picking = self.open_transfer()
        self.transfer("LOC-B", self.picking)

    def snapshot(self, known):
        self.env.flush_all()
        state = {}
        renamed = {}
        for model, (column, attribute) in WHERE.items():
            state[model] = {}
            for row in stored_rows(
                self.env, model, column, getattr(self, attribute).id
            ):
                for name, value in row.items():
                    if isinstance(value, datetime) and value >= self.started:
                        row[name] = "now"
                key = row["id"]
                if known is not None and key not in known.get(model, ()):
                    key = ("new", row.get("lot_id") or row["product_id"])
                    renamed[(model, row["id"])] = key
                    row["id"] = key
                state[model][key] = row
        for row in state["stock.move.line"].values():
            row["move_id"] = renamed.get(("stock.move", row["move_id"]), row["move_id"])
        return state

    def assert_same(self, code, expect_changed):
        self.assertTrue(sql_create_allowed(self.env))
        self.started = fields.Datetime.now() - timedelta(seconds=1)
        before = self.snapshot(None)
        known = {model: set(rows) for model, rows in before.items()}
        outcomes, queries = [], []
        # Twice each way: the second round is counted, its caches warm on both.
        for orm_only in (True, False, True, False):
            savepoint = self.env.cr.savepoint()
            start = self.env.cr.sql_log_count
            flow = (
                self.env["serial.scan.transfer"]
                .with_user(self.user)
                .with_context(**{ORM_ONLY_KEY: orm_only})
            )
            result = flow.serial_transfer_scan(self.picking.id, code, str(uuid.uuid4()))
            self.assertEqual(result["status"], "ok", result["message"])
            self.env.flush_all()
            queries.append(self.env.cr.sql_log_count - start)
            outcomes.append(self.snapshot(known))
            savepoint.close(rollback=True)
            self.env.invalidate_all()
        orm, helper = outcomes[:2]
        # The one known difference: Odoo's create recomputes the new line's
        # state and quantity in the quant reservation's superuser environment,
        # which stamps the line's write_uid with the superuser; the helper's
        # recompute stamps the scanning user, as the line's create_uid.
        for outcome in outcomes:
            for key, row in outcome["stock.move.line"].items():
                if key not in known["stock.move.line"] and row["write_uid"] in (
                    SUPERUSER_ID,
                    self.user.id,
                ):
                    row["write_uid"] = "scanning user or superuser"
            # The same for the transfer's state written again: by the env that
            # flushes (the test's superuser here, the user in a request).
            for row in outcome["stock.picking"].values():
                if row["write_uid"] in (SUPERUSER_ID, self.user.id):
                    row["write_uid"] = "scanning user or superuser"
        self.maxDiff = None
        for model in WHERE:
            with self.subTest(model=model):
                self.assertEqual(helper[model], orm[model])
                self.assertEqual(outcomes[3][model], outcomes[2][model])
        changed = {
            (model, name)
            for model, rows in orm.items()
            for key, row in rows.items()
            for name, value in row.items()
            if before[model].get(key, {}).get(name, "absent") != value
        }
        self.assertLessEqual(expect_changed, changed)
        self.assertLess(queries[3], queries[2])

    def test_known_facts_are_the_database(self):
        """What a unit's scan takes from the lookup into the ORM cache
        (``_transfer_known``, not on the ORM-only path above) is what the ORM
        reads of the transfer, the unit and its product."""
        service = self.env["serial.scan.service"].with_user(self.user)
        picking = self.picking.with_user(self.user)
        names = (
            "serial_transfer_source_set",
            "serial_transfer_dest_set",
            "picking_type_id",
            "scheduled_date",
        )
        lot = self.env["stock.lot"].search([("name", "=", "DSP0005")])

        def facts():
            return (
                [picking[name] for name in names],
                lot.product_id,
                lot.product_id.uom_id,
                lot.company_id,
            )

        self.env.invalidate_all()
        info = service._scan_lock_picking(picking, "share", str(uuid.uuid4()))
        info["unit_columns"] = transfer_unit_columns_sql(picking.id)
        (row,) = service._scan_units(SQL("lot.name = %s", lot.name), info)
        self.env["serial.scan.transfer"]._transfer_known(picking, row)
        with self.assertQueryCount(0):
            known = facts()
        self.env.invalidate_all()
        self.assertEqual(known, facts())
        self.assertEqual(known[0][:2], [False, True])  # LOC-B is the destination

    def test_first_unit_of_a_product(self):
        """The scan makes the product's move and its line: the quant's
        reservation, the unit's state, the move's quantity and state follow."""
        self.assert_same(
            "DSP0005",
            {
                ("stock.move.line", "lot_id"),
                ("stock.move", "quantity"),
                ("stock.move", "state"),
                ("stock.quant", "reserved_quantity"),
                ("stock.lot", "unit_state"),
            },
        )

    def test_unit_on_an_existing_move(self):
        """A second unit of the product: a new line on its move."""
        self.transfer("DSP0004", self.picking)
        self.assert_same(
            "DSP0005",
            {
                ("stock.move.line", "lot_id"),
                ("stock.move", "quantity"),
                ("stock.quant", "reserved_quantity"),
                ("stock.lot", "unit_state"),
            },
        )

    def test_unit_on_a_shelf(self):
        """The unit is on shelf A: the line takes it from there."""
        self.transfer("DSP0004", self.picking)
        self.assert_same(
            "DSP0008",
            {
                ("stock.move.line", "location_id"),
                ("stock.quant", "reserved_quantity"),
                ("stock.lot", "unit_state"),
            },
        )

    def test_first_unit_of_another_product(self):
        """A first unit of another product makes its move: the transfer's
        scheduled date stays, so its lines' expiry dates (product_expiry) are
        not computed again, and are what Odoo's path leaves."""
        self.product_serial.write({"use_expiration_date": True})
        self.lots.filtered(lambda lot: lot.name == "DSP0004").write(
            {"expiration_date": fields.Datetime.now() + timedelta(days=90)}
        )
        self.transfer("DSP0004", self.picking)
        self.assert_same("OTH0001", set())

    def test_first_unit_of_another_product_all_at_once(self):
        """The same under the shipping policy "when all products are ready":
        the transfer's scheduled date (its moves' latest) is computed again, its
        state (every move ready) is left as it is."""
        self.picking.write({"move_type": "one"})
        self.transfer("DSP0004", self.picking)
        self.assert_same("OTH0001", set())

    def test_first_unit_when_a_move_is_not_ready(self):
        """An open move of the transfer is not ready (its unit taken back by
        hand): the transfer's state is computed as Odoo does."""
        self.transfer("DSP0004", self.picking)
        self.picking.move_ids.move_line_ids.unlink()
        self.assertNotEqual(self.picking.move_ids.state, "assigned")
        self.assert_same("OTH0001", {("stock.picking", "state")})
