import uuid
from datetime import datetime, timedelta
from types import MappingProxyType

from odoo import fields
from odoo.tests import tagged
from odoo.tools import SQL

from ..tools.move_line_sql import ORM_ONLY_KEY
from .common import stored_rows
from .flows_common import SerialFlowsCommon

# The rows a receive scan (and the receipt's validation) can touch, per model:
# the column that finds them.
COMPARED = {
    "stock.lot": "product_id",
    "stock.move.line": "product_id",
    "stock.move": "product_id",
    "stock.quant": "product_id",
    "serial.event": "product_id",
    "serial.batch": "product_id",
    "serial.dispatch.scan": "product_id",
}


@tagged("post_install", "-at_install", "serial_tracking")
class TestReceiveSqlEquivalence(SerialFlowsCommon):
    """A receive scan through the fast path (the unit by ``create`` without the
    uniqueness query its lookup answered, the line by the engine's SQL helper
    ``write_scanned_line``) leaves exactly what the ORM path leaves
    (``stock.lot.create``, ``stock.move.line.write``: context
    ``serial_scan_orm_only``).

    Each case runs the same scans both ways from the same state, in savepoints
    rolled back in between, with tracking on (the unit's creation note): every
    stored column of the product's units, move lines, moves, quants, timeline
    events, batches and scan rows, the receipt's row and the units' messages must
    be equal; then after validating the receipt (quants, events, states). New
    rows are named by what identifies them (a unit by its serial), datetimes set
    during the test compare as "now". Each case also checks that the comparison
    sees what the scan changed, and that the fast path sent fewer queries.

    Dates product_expiry counts from the current time compare to the hour (the
    two runs are milliseconds apart)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product_expiry = cls.env["product.product"].create(
            {
                "name": "Flow Sensor",
                "is_storable": True,
                "tracking": "serial",
                "use_expiration_date": True,
                "expiration_time": 400,
                "removal_time": 30,
                "barcode": "7612345001050",
            }
        )
        cls.receipt_expiry = cls._make_receipt([(cls.product_expiry, 3)])

    def snapshot(self, product, picking):
        self.env.flush_all()
        state, names = {}, {}
        lots = self.env.execute_query(
            SQL("SELECT id, name FROM stock_lot WHERE product_id = %s", product.id)
        )
        names = {lot_id: ("unit", name) for lot_id, name in lots}
        for model, column in COMPARED.items():
            Model = self.env[model]
            booleans = {
                name
                for name, field in Model._fields.items()
                if field.type == "boolean" and field.store
            }
            state[model] = []
            for row in stored_rows(self.env, model, column, product.id):
                # NULL and false are one value of a boolean for Odoo.
                row.update({name: bool(row[name]) for name in booleans})
                if model == "stock.lot":
                    row["id"] = names[row["id"]]
                state[model].append(self.plain(row, names, model))
        picking_row = picking.read(
            [
                name
                for name, field in picking._fields.items()
                if field.store and field.column_type
            ],
            load=None,
        )[0]
        state["stock.picking"] = self.plain(picking_row, names, "stock.picking")
        state["mail.message"] = [
            self.plain(row, names, "mail.message")
            for row in self.env["mail.message"].search_read(
                [("model", "=", "stock.lot"), ("res_id", "in", list(names))],
                ["res_id", "body", "message_type", "subtype_id", "author_id"],
                order="id",
                load=None,
            )
        ]
        return state

    # Many2one columns of the compared rows to rows a run may create.
    NEW_REFERENCES = MappingProxyType(
        {
            "move_line_id": "stock.move.line",
            "batch_id": "serial.batch",
            "move_id": "stock.move",
        }
    )

    def plain(self, row, names, model=None):
        """``row`` with the ids of rows the runs create named (a unit by its
        serial; lines, scans, events, batches and quants "new", compared in
        order) and datetimes set during the test relative to its start."""
        out = {}
        for name, value in row.items():
            if isinstance(value, datetime) and value >= self.started:
                # Set during the test: "now", or a date product_expiry counts
                # from now (the two runs are milliseconds apart): to the hour.
                hours = round((value - self.started).total_seconds() / 3600)
                value = "now" if hours == 0 else ("now + hours", hours)
            elif name in ("lot_id", "res_id") and value in names:
                value = names[value]
            elif name == "scan_uid":
                value = "new"
            elif isinstance(value, int) and name in ("id", *self.NEW_REFERENCES):
                target = model if name == "id" else self.NEW_REFERENCES[name]
                if target in self.last_ids and value > self.last_ids[target]:
                    value = "new"
            out[name] = value
        return out

    def run_both(self, product, picking, codes, move=None, validate=False):
        self.started = fields.Datetime.now() - timedelta(seconds=1)
        self.last_ids = {
            model: self.env.execute_query(
                SQL("SELECT COALESCE(MAX(id), 0) FROM %s", SQL.identifier(table))
            )[0][0]
            for model, table in (
                ("stock.move.line", "stock_move_line"),
                ("stock.move", "stock_move"),
                ("serial.event", "serial_event"),
                ("stock.quant", "stock_quant"),
                ("serial.batch", "serial_batch"),
                ("serial.dispatch.scan", "serial_dispatch_scan"),
                ("mail.message", "mail_message"),
            )
        }
        before = self.snapshot(product, picking)
        outcomes, queries = [], []
        for orm_only in (True, False):
            savepoint = self.env.cr.savepoint()
            flow = (
                self.env["serial.scan.receive"]
                .with_user(self.user)
                .with_context(
                    tracking_disable=False,
                    mail_create_nolog=False,
                    mail_notrack=False,
                    **{ORM_ONLY_KEY: orm_only},
                )
            )
            start = self.env.cr.sql_log_count
            for code in codes:
                result = flow.serial_receive_scan(
                    picking.id, code, str(uuid.uuid4()), move and move.id
                )
                self.assertEqual(result["status"], "ok", result["message"])
            self.env.flush_all()
            queries.append(self.env.cr.sql_log_count - start)
            scanned = self.snapshot(product, picking)
            done = None
            if validate:
                answer = flow.serial_receive_validate(picking.id)
                self.assertEqual(answer["status"], "done", answer)
                done = self.snapshot(product, picking)
            outcomes.append((scanned, done))
            savepoint.close(rollback=True)
            self.env.invalidate_all()
        (orm, orm_done), (fast, fast_done) = outcomes
        self.maxDiff = None
        for model in orm:
            with self.subTest(model=model):
                self.assertEqual(fast[model], orm[model])
                if validate:
                    self.assertEqual(fast_done[model], orm_done[model])
        self.assertLess(queries[1], queries[0])
        self.assertNotEqual(orm["stock.move.line"], before["stock.move.line"])
        return before, orm, orm_done

    def test_new_serial(self):
        """A new serial typed or scanned: the unit (the receipt's company, no
        sequence number taken, its creation note) on a free line, picked."""
        sequence = self.env.ref("stock.sequence_production_lots")
        number = sequence.number_next_actual
        before, orm, _done = self.run_both(
            self.product_serial, self.receipt, ["EQR-0001", "EQR-0002"]
        )
        self.assertEqual(len(orm["stock.lot"]), len(before["stock.lot"]) + 2)
        new = [row for row in orm["stock.lot"] if row["id"] == ("unit", "EQR-0001")]
        self.assertEqual(new[0]["company_id"], self.receipt.company_id.id)
        self.assertEqual(len(orm["mail.message"]), len(before["mail.message"]) + 2)
        self.assertEqual(orm["stock.quant"], before["stock.quant"])
        self.assertEqual(orm["serial.event"], before["serial.event"])
        self.assertEqual(sequence.number_next_actual, number)

    def test_gs1_label_with_batch_and_dates(self):
        """A manufacturer's GS1 label: the unit's batch, production and expiry
        dates, the line's expiry and removal dates derived from them."""
        codes = [
            f"(01)0{self.product_expiry.barcode}(21)EQG-0001(10)B-EQ(11)250101(17)281231",
            f"(01)0{self.product_expiry.barcode}(21)EQG-0002(10)B-EQ(17)281231",
        ]
        _before, orm, _done = self.run_both(
            self.product_expiry, self.receipt_expiry, codes
        )
        lines = [row for row in orm["stock.move.line"] if row["lot_id"]]
        self.assertEqual(len(lines), 2)
        expiry = datetime(2028, 12, 31)
        self.assertEqual(
            lines[0]["expiration_date"], self.plain({"d": expiry}, {})["d"]
        )
        self.assertTrue(lines[0]["removal_date"])
        self.assertEqual(len(orm["serial.batch"]), 1)

    def test_expiry_product_without_label_then_validate(self):
        """A plain serial of a product with expiry dates (counted from now by
        Odoo), then the receipt validated: quants, states and the units'
        timeline as Odoo's path leaves them."""
        _before, orm, done = self.run_both(
            self.product_expiry,
            self.receipt_expiry,
            ["EQE-0001", "EQE-0002", "EQE-0003"],
            validate=True,
        )
        self.assertTrue(all(row["expiration_date"] for row in orm["stock.lot"]))
        stock = [
            row
            for row in done["stock.quant"]
            if row["location_id"] == self.stock_location.id and row["quantity"] == 1
        ]
        self.assertEqual(len(stock), 3)
        self.assertEqual(len(done["serial.event"]), 3)
        self.assertEqual({row["unit_state"] for row in done["stock.lot"]}, {"in_stock"})

    def test_unit_made_ahead(self):
        """A unit created before the goods arrive: taken, not made again."""
        self.env["stock.lot"].create(
            {"name": "EQA-0001", "product_id": self.product_serial.id}
        )
        before, orm, _done = self.run_both(
            self.product_serial, self.receipt, ["EQA-0001"]
        )
        self.assertEqual(len(orm["stock.lot"]), len(before["stock.lot"]))
