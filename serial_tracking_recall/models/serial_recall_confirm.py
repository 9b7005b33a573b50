from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.serial_tracking.models.stock_lot import BLOCKED_UNIT_STATES

from ..tools.recall_sql import split_sql

# Above this many units, confirming runs in the background (ir.cron).
BACKGROUND_THRESHOLD = 20_000
# Units per background step: 50,000 took 35-39 s at a load of 13 (lines, their
# foreign keys, unit states, events) against the cron's 10 s slot and a worker's
# 120 s hard limit; 10,000 stay within the slot and move the progress bar.
CHUNK = 10_000
# Units that are gone keep their state: a recall does not make them "recalled".
GONE_STATES = ("scrapped", "consumed")


class SerialRecallConfirm(models.AbstractModel):
    """Confirming a recall (``serial.recall`` inherits it): find the units, write
    their lines, recall them and open the customers' notices, now or in the
    background chunk by chunk."""

    _name = "serial.recall.confirm"
    _description = "Recall Confirmation"

    def action_confirm(self):
        """Find the units, write their lines, recall them; in the background when
        the scope holds more than ``BACKGROUND_THRESHOLD`` units. Every check runs
        before anything is written."""
        self.check_access("write")
        for recall in self:
            if recall.state != "draft":
                raise UserError(
                    self.env._(
                        "Recall %(recall)s is already confirmed.", recall=recall.name
                    )
                )
            total = recall._serial_recall_unit_count()
            if not total:
                raise UserError(
                    self.env._(
                        "The scope of recall %(recall)s matches no unit of "
                        "%(company)s.",
                        recall=recall.name,
                        company=recall.company_id.name,
                    )
                )
            recall.with_context(serial_recall_internal=True).write(
                {
                    "state": "computing",
                    "progress_total": total,
                    "progress_done": 0,
                    "progress_last_lot_id": 0,
                    "confirm_date": fields.Datetime.now(),
                }
            )
            if total > recall._serial_recall_background_threshold():
                self.env.ref(
                    "serial_tracking_recall.ir_cron_serial_recall_compute"
                )._trigger()
                recall.message_post(
                    body=self.env._(
                        "Finding the %(count)s affected units in the background.",
                        count=total,
                    )
                )
            else:
                while recall.state == "computing":
                    recall._serial_recall_process_chunk()
        return True

    def _serial_recall_background_threshold(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("serial_tracking_recall.background_threshold", 0)
            or BACKGROUND_THRESHOLD
        )

    def _serial_recall_process_chunk(self, size=CHUNK):
        """One chunk of a confirmation: the next ``size`` units of the scope by id
        get their lines, their recalled state and timeline event. The last chunk
        creates the customers' notices and opens the recall."""
        self.ensure_one()
        self._serial_recall_flush()
        self.env["serial.recall.line"].flush_model()
        chunk = [
            row[0]
            for row in self.env.execute_query(
                self._serial_recall_lots_sql(self.progress_last_lot_id, size)
            )
        ]
        if chunk:
            self._serial_recall_insert_lines(chunk)
            self._serial_recall_mark_units(chunk)
        vals = {
            "progress_done": self.progress_done + len(chunk),
            "progress_last_lot_id": chunk[-1] if chunk else self.progress_last_lot_id,
        }
        if len(chunk) < size:
            self._serial_recall_create_customers()
            vals["state"] = "open"
            vals["progress_total"] = vals["progress_done"]
        self.with_context(serial_recall_internal=True).write(vals)
        if vals.get("state") == "open":
            self.message_post(
                body=self.env._(
                    "Recall confirmed: %(count)s units.", count=vals["progress_done"]
                )
            )
        return len(chunk)

    def _serial_recall_insert_lines(self, lot_ids):
        """The lines of units ``lot_ids``: one INSERT from ``split_sql``."""
        Line = self.env["serial.recall.line"]
        self._serial_recall_no_jit()
        self.env.execute_query(
            SQL(
                """
                INSERT INTO serial_recall_line (
                    recall_id, company_id, currency_id, lot_id, product_id, position,
                    location_id, warehouse_id, partner_id, customer_id, picking_id,
                    move_line_id, delivery_date, quantity, unit_cost, cost_value,
                    status, quarantine, create_uid, write_uid, create_date,
                    write_date)
                SELECT %(recall)s, %(company)s, %(currency)s, s.lot_id,
                       s.product_id, s.position, s.location_id, s.warehouse_id,
                       s.partner_id, rp.commercial_partner_id, s.picking_id,
                       s.move_line_id,
                       CASE WHEN s.position = 'delivered' THEN s.date END,
                       s.quantity, s.unit_cost, s.quantity * s.unit_cost,
                       CASE WHEN s.position = 'delivered' THEN 'to_notify'
                            ELSE 'to_handle' END,
                       'none', %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC',
                       NOW() AT TIME ZONE 'UTC'
                  FROM (%(split)s) s
             LEFT JOIN res_partner rp ON rp.id = s.partner_id
                """,
                recall=self.id,
                company=self.company_id.id,
                currency=self.company_id.currency_id.id,
                split=split_sql(
                    SQL("SELECT unnest(%s::int[])", lot_ids), self.company_id.id
                ),
                uid=self.env.uid,
            )
        )
        Line.invalidate_model()
        self._serial_recall_after_lines(lot_ids)

    def _serial_recall_after_lines(self, lot_ids):
        """Hook: lines of units ``lot_ids`` were just inserted (bridges add values,
        e.g. the sale price of delivered units)."""

    def _serial_recall_mark_units(self, lot_ids, state="recalled"):
        """State ``state`` (``recalled`` or ``quarantined``) and a timeline event for
        units ``lot_ids``, set-based: one INSERT and one UPDATE whatever their
        number. Gone units keep their state; a quarantined unit stays quarantined
        when it is recalled again."""
        if state == "recalled":
            description = self.env._(
                "Recall %(recall)s: %(title)s", recall=self.name, title=self.title
            )
            keep = GONE_STATES + BLOCKED_UNIT_STATES
        else:
            description = self.name
            keep = (*GONE_STATES, state)
        self.env["stock.lot"].flush_model(["unit_state"])
        self.env.execute_query(
            SQL(
                """
                INSERT INTO serial_event (lot_id, product_id, company_id, event_type,
                       date, user_id, reference, description, create_uid, write_uid,
                       create_date, write_date)
                SELECT l.id, l.product_id, l.company_id, %(state)s,
                       NOW() AT TIME ZONE 'UTC', %(uid)s, %(ref)s, %(desc)s,
                       %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC',
                       NOW() AT TIME ZONE 'UTC'
                  FROM stock_lot l
                 WHERE l.id = ANY(%(ids)s) AND l.unit_state NOT IN %(gone)s;
                UPDATE stock_lot
                   SET unit_state = %(state)s, write_uid = %(uid)s,
                       write_date = NOW() AT TIME ZONE 'UTC'
                 WHERE id = ANY(%(ids)s) AND unit_state NOT IN %(keep)s;
                """,
                state=state,
                uid=self.env.uid,
                ref=self.name,
                desc=description,
                ids=lot_ids,
                gone=GONE_STATES,
                keep=keep,
            )
        )
        self.env["stock.lot"].invalidate_model(
            ["unit_state", "event_ids", "write_uid", "write_date"]
        )
        self.env["serial.event"].invalidate_model()

    def _serial_recall_create_customers(self):
        """One notice per customer (commercial partner) holding delivered units."""
        existing = set(self.customer_ids.partner_id.ids)
        groups = self.env["serial.recall.line"]._read_group(
            [("recall_id", "=", self.id), ("position", "=", "delivered")],
            ["customer_id"],
        )
        self.env["serial.recall.customer"].create(
            [
                {"recall_id": self.id, "partner_id": partner.id}
                for (partner,) in groups
                if partner and partner.id not in existing
            ]
        )

    def _cron_process_recalls(self):
        """Background confirmations, chunk by chunk, each committed with its progress
        (safe with several workers: Odoo runs one cron job at a time)."""
        recalls = self.search([("state", "=", "computing")], order="id")
        remaining = sum(recalls.mapped("progress_total")) - sum(
            recalls.mapped("progress_done")
        )
        self.env["ir.cron"]._commit_progress(remaining=max(remaining, 0))
        for recall in recalls:
            while recall.state == "computing":
                processed = recall._serial_recall_process_chunk()
                time_left = self.env["ir.cron"]._commit_progress(processed)
                if time_left <= 0 and recall.state == "computing":
                    self.env.ref(
                        "serial_tracking_recall.ir_cron_serial_recall_compute"
                    )._trigger()
                    return
