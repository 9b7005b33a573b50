import json
import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Seconds before the background validation runs again when a transfer collided
# with another transaction.
RETRY_DELAY = 10


class SerialBackgroundValidationMixin(models.AbstractModel):
    """The worker side of validating big transfers in the background, on
    ``stock.picking`` (which queues them, see its ``button_validate``): the
    cron's loop, taking the next queued transfer, validating it as the user who
    asked, retrying after a collision, and telling the user."""

    _name = "serial.background.validation.mixin"
    _description = "Background validation of serial transfers"

    @api.model
    def _cron_serial_validate(self, limit=None):
        """Validate the queued transfers, one per transaction when run by the cron
        (called directly, in the caller's transaction)."""
        cron = self.env["ir.cron"]
        done = 0
        while limit is None or done < limit:
            picking = self._serial_take_queued()
            if not picking:
                break
            picking._serial_validate_now()
            done += 1
            if self.env.context.get("ir_cron_progress_id"):
                # In the cron: commit each transfer and report the progress in
                # units (move lines), those of the transfers still queued to go.
                units, remaining = picking._serial_queued_units()
                cron._commit_progress(units, remaining=remaining)
        return done

    def _serial_queued_units(self):
        """``(units of self, units of the transfers still queued)``, from the move
        lines counted when each transfer was queued (its progress row, see
        ``serial.validation.progress``) rather than counted again: one query."""
        self.ensure_one()
        totals = dict(
            self.env["serial.validation.progress"]
            .sudo()
            ._read_group(
                [
                    "|",
                    ("picking_id", "=", self.id),
                    ("picking_id.serial_validation_state", "=", "queued"),
                ],
                ["picking_id"],
                ["total:sum"],
            )
        )
        units = totals.pop(self, 0)
        return units, sum(totals.values())

    @api.model
    def _serial_take_queued(self):
        """The next queued transfer, locked for this transaction (none that another
        worker holds), marked running."""
        self.flush_model(["serial_validation_state"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id FROM stock_picking
                 WHERE serial_validation_state = 'queued'
                 ORDER BY id
                 LIMIT 1
                   FOR UPDATE SKIP LOCKED
                """
            )
        )
        if not rows:
            return self.browse()
        picking = self.browse(rows[0][0])
        picking.with_context(serial_background_validation=True).write(
            {"serial_validation_state": "running"}
        )
        return picking

    def _serial_validate_now(self):
        self.ensure_one()
        user = self.serial_validation_user_id or self.env.user
        replay = json.loads(self.serial_validation_context or "{}")
        # The fast path reports its progress per unit on the transfer (see
        # serial.validation.progress).
        picking = self.with_user(user).with_context(
            **replay,
            serial_background_validation=True,
            serial_validation_progress=self.id,
        )
        try:
            with self.env.cr.savepoint():
                res = picking.button_validate()
                if res is not True and picking.state != "done":
                    raise UserError(
                        self.env._(
                            "The transfer needs an answer before it can be validated: "
                            "validate it again."
                        )
                    )
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            # Another transaction got there first (e.g. a fast receipt of the
            # same product): this one must start over on a fresh snapshot, so it
            # is rolled back whole, the transfer stays queued, and the cron runs
            # again shortly, as Odoo retries a request that collided.
            self._serial_trigger_retry()
            raise
        except Exception as error:  # any failure is the user's to see
            _logger.warning(
                "background validation of %s failed", self.name, exc_info=True
            )
            message = str(error.args[0] if error.args else error)
            self.with_context(serial_background_validation=True).write(
                {
                    "serial_validation_state": "failed",
                    "serial_validation_error": message,
                }
            )
            self._serial_notify(user, False, message)
            return False
        self.with_context(serial_background_validation=True).write(
            {"serial_validation_state": False, "serial_validation_error": False}
        )
        self._serial_notify(user, True)
        return True

    def _serial_trigger_retry(self):
        """Have the background validation run again in ``RETRY_DELAY`` seconds,
        through a cursor of its own: the current transaction is about to be
        rolled back."""
        with self.env.registry.cursor() as cr:
            self.env(cr=cr, su=True).ref(
                "serial_tracking.ir_cron_serial_validate"
            )._trigger(fields.Datetime.now() + timedelta(seconds=RETRY_DELAY))

    def _serial_notify(self, user, success, error=None):
        if success:
            body = self.env._("Validated in the background.")
        else:
            body = self.env._(
                "The background validation failed: %(error)s", error=error
            )
        self.sudo().message_post(
            body=body,
            partner_ids=user.partner_id.ids,
            subtype_xmlid="mail.mt_note",
        )
        user.partner_id._bus_send(
            "simple_notification",
            {
                "type": "success" if success else "danger",
                "title": self.display_name,
                "message": body,
                "sticky": not success,
            },
        )
