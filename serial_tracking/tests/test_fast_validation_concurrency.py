from datetime import timedelta
from unittest.mock import patch

from psycopg2 import errors

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from ..models import serial_fast_receipt_mixin
from ..models.serial_background_validation_mixin import RETRY_DELAY
from ..models.serial_validation_progress import SerialValidationProgress
from .committed import CommittedCase


@tagged("post_install", "-at_install", "serial_tracking")
class TestFastValidationConcurrency(CommittedCase):
    """Big receipts and deliveries validated by two workers at the same time, each
    in its own committed transaction, through the fast path: nothing lost, no serial
    twice. A worker whose transaction collides is retried, as Odoo retries a request
    or a cron job that hit a serialisation failure.

    Not on the fixture family: the workers' cursors only see committed records, so
    this class commits its own (``CommittedCase``) and removes them afterwards."""

    UNITS = 60

    def setUp(self):
        super().setUp()
        with self.committed() as env:
            param = env["ir.config_parameter"]
            self.old_param = param.get_param(
                "serial_tracking.fast_validation_min_lines"
            )
            param.set_param("serial_tracking.fast_validation_min_lines", "10")
            self.product_id = (
                env["product.product"]
                .create(
                    {
                        "name": f"Concurrent meter {self.tag}",
                        "is_storable": True,
                        "tracking": "serial",
                    }
                )
                .id
            )
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", env.company.id)], limit=1
            )
            self.type_in, self.type_out = warehouse.in_type_id, warehouse.out_type_id
            self.stock = warehouse.lot_stock_id.id
        self.purge_products([self.product_id])
        self.addCleanup(self._restore_param)

    def _restore_param(self):
        with self.committed() as env:
            env["ir.config_parameter"].set_param(
                "serial_tracking.fast_validation_min_lines", self.old_param or False
            )

    def _commit_receipt(self, names):
        """A confirmed receipt whose lines carry ``names``, committed; its id."""
        with self.committed() as env:
            supplier = env.ref("stock.stock_location_suppliers").id
            picking = env["stock.picking"].create(
                {
                    "picking_type_id": self.type_in.id,
                    "location_id": supplier,
                    "location_dest_id": self.stock,
                    "move_ids": [
                        Command.create(
                            {
                                "product_id": self.product_id,
                                "product_uom_qty": len(names),
                                "location_id": supplier,
                                "location_dest_id": self.stock,
                            }
                        )
                    ],
                }
            )
            picking.action_confirm()
            for line, name in zip(
                picking.move_line_ids.sorted("id"), names, strict=True
            ):
                line.lot_name = name
            picking.move_ids.picked = True
            return picking.id

    def _commit_delivery(self, count):
        with self.committed() as env:
            customer = env.ref("stock.stock_location_customers").id
            picking = env["stock.picking"].create(
                {
                    "picking_type_id": self.type_out.id,
                    "location_id": self.stock,
                    "location_dest_id": customer,
                    "move_ids": [
                        Command.create(
                            {
                                "product_id": self.product_id,
                                "product_uom_qty": count,
                                "location_id": self.stock,
                                "location_dest_id": customer,
                            }
                        )
                    ],
                }
            )
            picking.action_confirm()
            picking.action_assign()
            picking.move_ids.picked = True
            return picking.id

    def _validate_together(self, picking_ids):
        """Validate each transfer in its own thread and transaction, started at the
        same moment; a serialisation failure is retried, as Odoo does.
        Returns ``{picking_id: "done" | error}``."""

        def validate(picking_id, first_attempt):
            def run(env):
                picking = env["stock.picking"].browse(picking_id)
                lines = picking.move_line_ids
                fast = (
                    lines._serial_fast_receipt_lines()
                    if picking.picking_type_id.code == "incoming"
                    else lines._serial_fast_delivery_lines()
                )
                # A retry may find the other's units: Odoo's path.
                assert fast is not None or not first_attempt, "fast path expected"
                picking.button_validate()
                env.flush_all()
                return "done"

            return run

        results = self.together([validate(pid, True) for pid in picking_ids], 300)
        outcome = dict(zip(picking_ids, results, strict=True))
        for picking_id, result in outcome.items():
            for _attempt in range(2):
                if not isinstance(result, errors.SerializationFailure):
                    break
                try:
                    with self.committed() as env:
                        result = validate(picking_id, False)(env)
                except Exception as error:  # noqa: BLE001 (checked by the test)
                    result = error
            outcome[picking_id] = result
        return outcome

    def _state(self):
        with self.committed() as env:
            env.cr.execute(
                """
                SELECT (SELECT count(*) FROM stock_lot WHERE product_id = %(p)s),
                       (SELECT count(DISTINCT name) FROM stock_lot
                         WHERE product_id = %(p)s),
                       (SELECT COALESCE(sum(quantity), 0) FROM stock_quant
                         WHERE product_id = %(p)s AND location_id = %(stock)s)
                """,
                {"p": self.product_id, "stock": self.stock},
            )
            return env.cr.fetchone()

    def test_two_big_receipts_at_once(self):
        first = self._commit_receipt([f"A{i:04d}" for i in range(self.UNITS)])
        second = self._commit_receipt([f"B{i:04d}" for i in range(self.UNITS)])
        outcome = self._validate_together([first, second])
        self.assertEqual(outcome, {first: "done", second: "done"})
        lots, names, in_stock = self._state()
        self.assertEqual((lots, names, in_stock), (120, 120, 120.0))

    def test_two_receipts_of_the_same_serials(self):
        """The same serials received twice at once: one receipt gets them; the other
        collides, and its retry (Odoo's path, the units exist now) is refused with
        Odoo's message, nothing half-written."""
        first = self._commit_receipt([f"S{i:04d}" for i in range(self.UNITS)])
        second = self._commit_receipt([f"S{i:04d}" for i in range(self.UNITS)])
        outcome = self._validate_together([first, second])
        done = [pid for pid, result in outcome.items() if result == "done"]
        refused = [
            r for r in outcome.values() if isinstance(r, (UserError, ValidationError))
        ]
        self.assertEqual(len(done), 1, outcome)
        self.assertEqual(len(refused), 1, outcome)
        lots, names, in_stock = self._state()
        self.assertEqual((lots, names, in_stock), (60, 60, 60.0))

    def test_delivery_while_receiving(self):
        stocked = self._commit_receipt([f"D{i:04d}" for i in range(self.UNITS)])
        self.assertEqual(self._validate_together([stocked]), {stocked: "done"})
        delivery = self._commit_delivery(40)
        receipt = self._commit_receipt([f"E{i:04d}" for i in range(self.UNITS)])
        outcome = self._validate_together([delivery, receipt])
        self.assertEqual(outcome, {delivery: "done", receipt: "done"})
        lots, names, in_stock = self._state()
        self.assertEqual((lots, names, in_stock), (120, 120, 80.0))

    def test_two_workers_share_the_background_queue(self):
        """Two workers taking queued receipts of the same product at once, one
        each (``FOR UPDATE SKIP LOCKED``; Odoo runs one cron job at a time, but
        any transaction validating the product collides the same way): the one
        that collides (a fast receipt locks its product) is rolled back, its
        receipt stays queued, not failed, and the cron is triggered again; that
        run validates it. Nothing lost, no serial twice."""
        first = self._commit_receipt([f"Q{i:04d}" for i in range(self.UNITS)])
        second = self._commit_receipt([f"R{i:04d}" for i in range(self.UNITS)])
        with self.committed() as env:
            env["ir.config_parameter"].set_param(
                "serial_tracking.background_validation_min_lines", "10"
            )
            env["stock.picking"].browse([first, second]).button_validate()
        self.addCleanup(self._reset_background_param)
        # Triggers from now on, later than the queueing's own (at once).
        retry_after = fields.Datetime.now() + timedelta(seconds=RETRY_DELAY / 2)

        def worker(env):
            return env["stock.picking"]._cron_serial_validate(limit=1)

        outcome = self.together([worker, worker], 300)
        collided = [r for r in outcome if isinstance(r, errors.SerializationFailure)]
        self.assertLessEqual(len(collided), 1, outcome)
        self.assertEqual(outcome.count(1) + len(collided), 2, outcome)
        with self.committed() as env:
            pickings = env["stock.picking"].browse([first, second])
            self.assertNotIn("failed", pickings.mapped("serial_validation_state"))
            queued = pickings.filtered(lambda p: p.serial_validation_state == "queued")
            self.assertEqual(len(queued), len(collided))
            cron = env.ref("serial_tracking.ir_cron_serial_validate")
            retries = env["ir.cron.trigger"].search(
                [("cron_id", "=", cron.id), ("call_at", ">", retry_after)]
            )
            self.assertEqual(len(retries), len(collided))
            retries.unlink()
            self.assertEqual(env["stock.picking"]._cron_serial_validate(), len(queued))
        with self.committed() as env:
            pickings = env["stock.picking"].browse([first, second])
            self.assertEqual(set(pickings.mapped("state")), {"done"})
            self.assertFalse(any(pickings.mapped("serial_validation_state")))
        self.assertEqual(self._state(), (120, 120, 120.0))

    def test_background_progress_seen_while_validating(self):
        """A big receipt validated by the cron shows its progress per unit to other
        transactions while the validating one is still open (each report is
        read by another thread, which must not wait), and the receipt is done."""
        picking_id = self._commit_receipt([f"P{i:04d}" for i in range(self.UNITS)])
        with self.committed() as env:
            env["ir.config_parameter"].set_param(
                "serial_tracking.background_validation_min_lines", "10"
            )
            env["stock.picking"].browse(picking_id).button_validate()
        self.addCleanup(self._reset_background_param)

        def read(env):
            picking = env["stock.picking"].browse(picking_id)
            return picking.serial_validation_done, picking.serial_validation_total

        seen = []
        report = SerialValidationProgress._serial_report

        def spy(progress, picking_ids, done):
            report(progress, picking_ids, done)
            seen.append(self.in_thread(read).join(30))

        with (
            patch.object(serial_fast_receipt_mixin, "FAST_RECEIPT_CHUNK", 25),
            patch.object(SerialValidationProgress, "_serial_report", spy),
            self.committed() as env,
        ):
            self.assertEqual(env["stock.picking"]._cron_serial_validate(), 1)
        self.assertEqual(seen, [(25, 60), (50, 60), (60, 60)])
        with self.committed() as env:
            self.assertEqual(env["stock.picking"].browse(picking_id).state, "done")
        self.assertEqual(self._state(), (self.UNITS, self.UNITS, self.UNITS))

    def _reset_background_param(self):
        with self.committed() as env:
            env["ir.config_parameter"].set_param(
                "serial_tracking.background_validation_min_lines", False
            )
