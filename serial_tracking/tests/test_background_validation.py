from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..models import serial_fast_receipt_mixin
from ..models.serial_validation_progress import SerialValidationProgress
from .fast_validation_common import FastValidationCommon


@tagged("post_install", "-at_install", "serial_tracking")
class TestBackgroundValidation(FastValidationCommon):
    """Transfers above the configured size validate in the background."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "serial_tracking.background_validation_min_lines", "4"
        )
        cls.user_stock_user.group_ids += cls.env.ref("stock.group_production_lot")

    def _queue(self, picking):
        res = picking.with_user(self.user_stock_user).button_validate()
        self.assertEqual(res["tag"], "display_notification")
        self.assertEqual(picking.serial_validation_state, "queued")
        self.assertNotEqual(picking.state, "done")
        return res

    def test_queued_locked_then_validated_by_cron(self):
        product = self._twins()[0]
        picking = self._named_receipt(product, [f"BG{i}" for i in range(5)])
        self._queue(picking)
        self.assertEqual(picking.serial_validation_user_id, self.user_stock_user)
        # Locked while queued: the transfer and its lines.
        with self.assertRaisesRegex(UserError, "being validated in the background"):
            picking.note = "changed"
        with self.assertRaisesRegex(UserError, "being validated in the background"):
            picking.move_line_ids[0].lot_name = "OTHER"
        with self.assertRaisesRegex(UserError, "being validated in the background"):
            picking.button_validate()
        done = self.env["stock.picking"]._cron_serial_validate()
        self.assertEqual(done, 1)
        self.assertEqual(picking.state, "done")
        self.assertFalse(picking.serial_validation_state)
        lots = picking.move_line_ids.lot_id
        self.assertEqual(len(lots), 5)
        self.assertEqual(set(lots.mapped("unit_state")), {"in_stock"})
        # Done as the user who asked, who is told.
        self.assertEqual(lots.event_ids.user_id, self.user_stock_user)
        message = picking.message_ids[0]
        self.assertIn("Validated in the background", message.body)
        self.assertIn(self.user_stock_user.partner_id, message.partner_ids)
        # Nothing left to do.
        self.assertEqual(self.env["stock.picking"]._cron_serial_validate(), 0)

    def test_wizard_answered_in_the_request(self):
        """A partial receipt asks about the backorder at once; answered, it queues
        with the answer, and the cron follows it."""
        product = self._twins()[0]
        picking = self._named_receipt(product, [f"BO{i}" for i in range(6)])
        picking.move_ids.product_uom_qty = 8
        res = picking.button_validate()
        self.assertEqual(res["res_model"], "stock.backorder.confirmation")
        self.assertFalse(picking.serial_validation_state)
        wizard = (
            self.env["stock.backorder.confirmation"]
            .with_context(**res["context"])
            .create({})
        )
        wizard.process_cancel_backorder()
        self.assertEqual(picking.serial_validation_state, "queued")
        self.env["stock.picking"]._cron_serial_validate()
        self.assertEqual(picking.state, "done")
        self.assertFalse(picking.backorder_ids)

    def test_failure_is_reported_and_nothing_written(self):
        product = self._twins()[0]
        picking = self._named_receipt(product, [f"KO{i}" for i in range(5)])
        self._queue(picking)
        # Something goes wrong after queueing: a negative quantity.
        line = picking.move_line_ids[0]
        self.env.cr.execute(
            "UPDATE stock_move_line SET quantity = -1 WHERE id = %s", [line.id]
        )
        self.env.invalidate_all()
        self.env["stock.picking"]._cron_serial_validate()
        self.assertEqual(picking.serial_validation_state, "failed")
        self.assertIn("negative", picking.serial_validation_error)
        self.assertNotEqual(picking.state, "done")
        self.assertFalse(
            self.env["stock.lot"].search([("product_id", "=", product.id)])
        )
        self.assertIn("failed", picking.message_ids[0].body)
        # Unlocked: it can be fixed and validated again.
        self.env.cr.execute(
            "UPDATE stock_move_line SET quantity = 1 WHERE id = %s", [line.id]
        )
        self.env.invalidate_all()
        picking.action_serial_retry_validation()
        self.assertEqual(picking.serial_validation_state, "queued")
        self.env["stock.picking"]._cron_serial_validate()
        self.assertEqual(picking.state, "done")

    def test_progress_per_unit(self):
        """The receipt shows how many of its units are validated: 0 of 5 when
        queued, then after each chunk of units of the fast path (here 2), written
        by a cursor of its own (here the registry's test cursor, which shares
        the test's transaction)."""
        self.registry_enter_test_mode()
        product = self._twins()[0]
        picking = self._named_receipt(product, [f"PR{i}" for i in range(5)])
        self._queue(picking)
        self.assertEqual(picking.serial_validation_total, 5)
        self.assertEqual(picking.serial_validation_done, 0)
        reported = []
        report = SerialValidationProgress._serial_report

        def spy(progress, picking_ids, done):
            reported.append((list(picking_ids), done))
            return report(progress, picking_ids, done)

        with (
            patch.object(serial_fast_receipt_mixin, "FAST_RECEIPT_CHUNK", 2),
            patch.object(SerialValidationProgress, "_serial_report", spy),
        ):
            self.env["stock.picking"]._cron_serial_validate()
        self.assertEqual(picking.state, "done")
        self.assertEqual(
            reported, [([picking.id], 2), ([picking.id], 4), ([picking.id], 5)]
        )
        picking.invalidate_recordset()
        self.assertEqual(
            (picking.serial_validation_done, picking.serial_validation_total), (5, 5)
        )
        # Queued again (a retry): back to 0.
        self.env["serial.validation.progress"]._serial_reset(picking)
        picking.invalidate_recordset()
        self.assertEqual(picking.serial_validation_done, 0)

    def test_small_transfer_validates_at_once(self):
        product = self._twins()[0]
        picking = self._named_receipt(product, ["SM1", "SM2"])
        self.assertIs(picking.button_validate(), True)
        self.assertEqual(picking.state, "done")

    def test_cron_progress_in_units(self):
        """What the cron reports after each transfer: its units and those of the
        transfers still queued, as counted when they were queued."""
        product = self._twins()[0]
        first = self._named_receipt(product, [f"CA{i}" for i in range(5)])
        second = self._named_receipt(product, [f"CB{i}" for i in range(6)])
        self._queue(first)
        self._queue(second)
        self.assertEqual(self.env["stock.picking"]._cron_serial_validate(limit=1), 1)
        self.assertEqual(first.state, "done")
        self.assertEqual(first._serial_queued_units(), (5, 6))
        self.env["stock.picking"]._cron_serial_validate()
        self.assertEqual(second._serial_queued_units(), (6, 0))
