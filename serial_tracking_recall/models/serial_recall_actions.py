import logging

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.serial_tracking.models.stock_lot import BLOCKED_UNIT_STATES

from ..tools.recall_sql import HELD_POSITIONS, split_sql
from .serial_recall import BACKGROUND_THRESHOLD, CHUNK

_logger = logging.getLogger(__name__)
# Units that are gone keep their state: a recall does not make them "recalled".
GONE_STATES = ("scrapped", "consumed")


class SerialRecall(models.Model):
    """The actions of a recall: confirm (now or in the background), quarantine,
    notify, close, cancel, reopen. Kept apart from the fields and the scope."""

    _inherit = "serial.recall"

    # ---- confirm ----------------------------------------------------------------
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
            if not recall._serial_recall_has_scope():
                raise UserError(
                    self.env._(
                        "Recall %(recall)s has no scope: list serials or lots, or "
                        "choose batches, products, receipts or vendors.",
                        recall=recall.name,
                    )
                )
            recall._serial_recall_flush()
            total = recall.env.execute_query(
                SQL("SELECT COUNT(*) FROM (%s) s", recall._serial_recall_lots_sql())
            )[0][0]
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

    def _serial_recall_mark_units(self, lot_ids):
        """Recalled state and a timeline event for units ``lot_ids`` (set-based)."""
        description = self.env._(
            "Recall %(recall)s: %(title)s", recall=self.name, title=self.title
        )
        self.env["stock.lot"].flush_model(["unit_state"])
        self.env.execute_query(
            SQL(
                """
                INSERT INTO serial_event (lot_id, product_id, company_id, event_type,
                       date, user_id, reference, description, create_uid, write_uid,
                       create_date, write_date)
                SELECT l.id, l.product_id, l.company_id, 'recalled',
                       NOW() AT TIME ZONE 'UTC', %(uid)s, %(ref)s, %(desc)s,
                       %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC',
                       NOW() AT TIME ZONE 'UTC'
                  FROM stock_lot l
                 WHERE l.id = ANY(%(ids)s) AND l.unit_state NOT IN %(gone)s;
                UPDATE stock_lot
                   SET unit_state = 'recalled', write_uid = %(uid)s,
                       write_date = NOW() AT TIME ZONE 'UTC'
                 WHERE id = ANY(%(ids)s) AND unit_state NOT IN %(keep)s;
                """,
                uid=self.env.uid,
                ref=self.name,
                desc=description,
                ids=lot_ids,
                gone=GONE_STATES,
                keep=GONE_STATES + BLOCKED_UNIT_STATES,
            )
        )
        self.env["stock.lot"].invalidate_model(["unit_state", "event_ids"])
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

    # ---- quarantine -------------------------------------------------------------
    def _serial_recall_held_lines(self):
        self._check_open()
        return self.line_ids.filtered(
            lambda line: (
                line.position == "held"
                and line.quarantine != "moved"
                and line.status not in ("destroyed", "closed")
            )
        )

    def action_quarantine_block(self):
        """Block the units we hold where they are: quarantined, cannot leave."""
        self.check_access("write")
        lines = self._serial_recall_held_lines() | self.line_ids.filtered(
            lambda line: line.position in HELD_POSITIONS and line.quarantine == "none"
        )
        lines = lines.filtered(lambda line: line.quarantine == "none")
        if not lines:
            raise UserError(self.env._("No unit we hold is left to quarantine."))
        lines.lot_id.with_context(serial_release=True)._set_sticky_state(
            "quarantined", "quarantined", description=self.name
        )
        lines.write({"quarantine": "blocked"})
        self.message_post(
            body=self.env._(
                "%(count)s units blocked in place.", count=len(lines.lot_id)
            )
        )
        return True

    def action_quarantine_move(self):
        """Move the units we hold to each warehouse's quarantine location with
        Odoo transfers (one per warehouse), validated at once."""
        self.check_access("write")
        lines = self._serial_recall_held_lines()
        if not lines:
            raise UserError(
                self.env._(
                    "No unit of this recall is in stock to move to quarantine "
                    "(units on open deliveries or in transit stay blocked where "
                    "they are)."
                )
            )
        pickings = self.env["stock.picking"]
        for warehouse, wh_lines in lines.grouped("warehouse_id").items():
            if not warehouse:
                continue
            pickings |= wh_lines._serial_recall_move_to_quarantine(warehouse)
        lines.lot_id.with_context(serial_release=True)._set_sticky_state(
            "quarantined", "quarantined", description=self.name
        )
        lines.write({"quarantine": "moved"})
        self.message_post(
            body=self.env._(
                "%(count)s units moved to quarantine: %(pickings)s",
                count=len(lines.lot_id),
                pickings=", ".join(pickings.mapped("name")),
            )
        )
        return True

    # ---- close, cancel, reopen --------------------------------------------------
    def _check_open(self):
        for recall in self:
            if recall.state != "open":
                raise UserError(
                    self.env._("Recall %(recall)s is not open.", recall=recall.name)
                )

    def action_close(self):
        self.check_access("write")
        self._check_open()
        self._serial_recall_release_units()
        self.with_context(serial_recall_internal=True).write(
            {"state": "closed", "close_date": fields.Datetime.now()}
        )
        return True

    def _serial_recall_close_when_done(self):
        """A recall closes by itself once every one of its units is closed."""
        done = self.filtered(
            lambda recall: (
                recall.state == "open"
                and not recall.line_ids.filtered(lambda line: line.status != "closed")
            )
        )
        if done:
            done.action_close()
            for recall in done:
                recall.message_post(
                    body=self.env._("Every unit is closed: the recall is closed.")
                )

    def action_cancel(self):
        self.check_access("write")
        for recall in self:
            if recall.state in ("closed", "cancel"):
                raise UserError(
                    self.env._(
                        "Recall %(recall)s is already closed or cancelled.",
                        recall=recall.name,
                    )
                )
        self._serial_recall_release_units()
        self.with_context(serial_recall_internal=True).write({"state": "cancel"})
        return True

    def action_reopen(self):
        self.check_access("write")
        for recall in self:
            if recall.state != "closed":
                raise UserError(
                    self.env._(
                        "Only a closed recall can be reopened: %(recall)s is not.",
                        recall=recall.name,
                    )
                )
        self.with_context(serial_recall_internal=True).write(
            {"state": "open", "close_date": False}
        )
        for recall in self:
            lines = recall.line_ids.filtered(lambda line: line.status != "closed")
            recall._serial_recall_mark_units(lines.lot_id.ids)
            quarantined = lines.filtered(lambda line: line.quarantine != "none")
            quarantined.lot_id.with_context(serial_release=True)._set_sticky_state(
                "quarantined", "quarantined", description=recall.name
            )
        return True

    def action_draft(self):
        self.check_access("write")
        for recall in self:
            if recall.state != "cancel":
                raise UserError(
                    self.env._("Only a cancelled recall can be set back to draft.")
                )
        self.line_ids.unlink()
        self.customer_ids.unlink()
        self.with_context(serial_recall_internal=True).write(
            {"state": "draft", "progress_total": 0, "progress_done": 0}
        )
        return True

    def _serial_recall_release_units(self):
        """Units of ``self`` no other open recall holds go back to the state their
        stock says (``stock.lot._refresh_unit_state``)."""
        lots = self.line_ids.lot_id
        others = self.env["serial.recall.line"].search(
            [
                ("lot_id", "in", lots.ids),
                ("recall_id", "not in", self.ids),
                ("recall_id.state", "in", ("open", "computing")),
            ]
        )
        lots -= others.lot_id
        blocked = lots.filtered(lambda lot: lot.unit_state in BLOCKED_UNIT_STATES)
        if not blocked:
            return
        blocked._log_events(
            "released",
            description=self.env._(
                "Recall %(recall)s ended", recall=", ".join(self.mapped("name"))
            ),
        )
        blocked.with_context(serial_release=True)._write_unit_values(
            {lot.id: {"unit_state": "in_stock"} for lot in blocked}
        )
        blocked._refresh_unit_state()

    # ---- views ------------------------------------------------------------------
    def _serial_recall_lines_action(self, domain, name, group_by):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking_recall.serial_recall_line_action"
        )
        action["name"] = name
        action["domain"] = [("recall_id", "=", self.id), *domain]
        action["context"] = {
            "default_recall_id": self.id,
            **{f"search_default_group_by_{field}": 1 for field in group_by},
        }
        return action

    def action_view_held(self):
        return self._serial_recall_lines_action(
            [("position", "in", list(HELD_POSITIONS))],
            self.env._("Units With Us"),
            ["warehouse", "location"],
        )

    def action_view_delivered(self):
        return self._serial_recall_lines_action(
            [("position", "=", "delivered")],
            self.env._("Units Delivered"),
            ["customer"],
        )

    def action_view_lines(self):
        return self._serial_recall_lines_action([], self.env._("Units"), ["position"])
