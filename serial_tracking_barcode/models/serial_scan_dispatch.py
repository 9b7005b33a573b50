import uuid

import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.serial_tracking.models.stock_lot import CLOSED_STATES

from ..tools.dispatch_lines import line_update_dicts, line_updates_sql
from ..tools.move_line_sql import sql_write_allowed, write_scanned_line
from ..tools.scan_decision import Refusal, decide_count, decide_dispatch
from ..tools.scan_sql import insert_row_sql


class _FoldedSavepoint:
    """A savepoint whose ``SAVEPOINT`` goes out with the first statement it
    guards (``sql``) and which is never released on success (the commit does
    it): the scan's savepoint costs no round trip of its own. On failure,
    ``rollback()`` is Odoo's flushing savepoint's (cache and precommit cleared,
    then ``ROLLBACK TO``)."""

    def __init__(self, cr):
        self.cr, self.name = cr, f"scan_{uuid.uuid4().hex}"

    def sql(self):
        self.cr.flush()  # as Odoo's flushing savepoint: earlier writes stay out
        return SQL("SAVEPOINT %s;", SQL.identifier(self.name))

    def rollback(self):
        self.cr.clear()
        self.cr.execute(
            SQL(
                "ROLLBACK TO SAVEPOINT %s; RELEASE SAVEPOINT %s",
                SQL.identifier(self.name),
                SQL.identifier(self.name),
            )
        )


class SerialScanDispatch(models.AbstractModel):
    """The dispatch flow on the scan engine: scan serials (or product barcodes)
    against a delivery's order.

    Its writes: one ``serial.dispatch.scan`` row per accepted scan (its partial
    unique index arbitrates two operations scanning one serial), and the move line
    the unit goes on, written through the ORM (Odoo keeps quants, computed fields —
    product_expiry's dates — and other addons' overrides right). Nothing is written
    on the delivery or its moves' shared counters, so people scanning different
    serials of one delivery never conflict.
    """

    _name = "serial.scan.dispatch"
    _description = "Scan Flow: Dispatch"

    _scan_kinds = ("gs1", "serial", "manufacturer_serial", "product")

    @api.model
    def _scan_nouns(self, picking):
        return {"this": self.env._("this delivery"), "picking": picking}

    @api.model
    def _scan(self, picking, code, scan_uid, override_expired=False):
        """Apply one scan on the delivery ``picking``; see
        ``stock.picking.serial_dispatch_scan`` for the answer."""
        service = self.env["serial.scan.service"]
        service._scan_check_user()
        picking.browse().check_access("write")  # rights; rules: in the lock query
        service._scan_check_key(scan_uid)
        if override_expired and not self.env.user.has_group(
            "stock.group_stock_manager"
        ):
            raise AccessError(
                self.env._("Only stock managers can ship an expired unit.")
            )
        raw = code if isinstance(code, str) else ""
        try:
            code = service._scan_clean_code(code)
        except Refusal as refusal:
            return picking._serial_dispatch_result(
                "error",
                refusal.reason,
                service._scan_refusal_message(refusal, self._scan_nouns(picking)),
                code=raw.strip().encode("unicode_escape").decode()[:256],
                scan_uid=scan_uid,
            )
        # A plain code is most often a serial: looked up with the lock.
        serial = service._scan_serial_code(code)
        info = service._scan_lock_picking(picking, "share", scan_uid, serial=serial)
        if info["type_code"] != "outgoing":
            raise UserError(
                self.env._(
                    "%(name)s is not a delivery: it cannot be dispatched.",
                    name=info["name"],
                )
            )
        if info["previous"]:
            picking_id, move_id = info["previous"]
            if picking_id != picking.id:
                raise UserError(
                    self.env._("This scan key belongs to another delivery.")
                )
            return picking._serial_dispatch_result(
                "ok",
                "ok",
                self.env._("This scan was already recorded."),
                code=code,
                scan_uid=scan_uid,
                move_ids=[move_id],
                replayed=True,
            )
        try:
            if info["state"] in CLOSED_STATES:
                raise Refusal("delivery_closed", name=info["name"])
            match = service._scan_resolve(code, info, self._scan_kinds)
            decision, candidate = self._scan_decide(match, info, override_expired)
            message, lines = self._scan_apply(
                picking, decision, candidate, code, scan_uid, info
            )
        except Refusal as refusal:
            return picking._serial_dispatch_result(
                "error",
                refusal.reason,
                service._scan_refusal_message(refusal, self._scan_nouns(picking)),
                code=code,
                scan_uid=scan_uid,
            )
        return picking._serial_dispatch_result(
            "ok",
            "ok",
            message,
            code=code,
            scan_uid=scan_uid,
            move_ids=[decision.move_id],
            lines=lines,
        )

    # --- decide (plain functions of tools/scan_decision.py)

    @api.model
    def _scan_decide(self, match, info, override_expired=False):
        """``(decision, candidate)``: the unit or product row the decision is on."""
        service = self.env["serial.scan.service"]
        gs1 = match.get("gs1")
        if gs1 and gs1.serial and not match["units"]:
            raise Refusal("unknown_code", serial=gs1.serial, gtin=gs1.gtin)
        if match["units"]:
            candidate = next(
                (row for row in match["units"] if row["moves"]), match["units"][0]
            )
            decision = decide_dispatch(
                info["id"],
                candidate["unit"],
                candidate["moves"],
                candidate["product_name"],
                service._scan_blocked_states(),
                service._scan_now(),
                allow_expired=override_expired,
            )
            return decision, candidate
        if not match["products"]:
            raise Refusal("unknown_code", code=gs1.gtin if gs1 else "")
        candidate = next(
            (row for row in match["products"] if row["moves"]), match["products"][0]
        )
        decision = decide_count(
            candidate["moves"], candidate["product_name"], candidate["tracking"]
        )
        return decision, candidate

    # --- apply (ORM, under the row locks)

    @api.model
    def _scan_apply(self, picking, decision, candidate, code, scan_uid, info):
        """Record the scan row, then put the unit on its line; return the message
        and the line updates when they were read with the writes (else None).

        One savepoint holds the scan row and the line's changes: a serialization
        failure of the scan row's INSERT is a race for the serial, lost; one of
        the free line's lock (``_place_free_line``) is a line changed by a
        transaction this one cannot see: the lines are then tried one by one.
        """
        unit = candidate.get("unit")
        if not unit:
            self._scan_insert(picking, decision, candidate, code, scan_uid, info)
            self._scan_unconfirm(picking, info)
            message = self.env._(
                "%(product)s scanned.", product=candidate["product_name"]
            )
            return message, None
        placement = self.env["serial.scan.placement"]
        lot = self.env["stock.lot"].browse(unit.id)
        move = self.env["stock.move"].browse(decision.move_id)
        lines = self._scan_pick_in_one(
            picking, decision, candidate, code, scan_uid, info
        )
        if lines is None:  # not a pick in one round trip: the placement's steps
            lines = self._scan_place(
                picking, decision, candidate, code, scan_uid, info, lot, move
            )
        picked = {one.id: one.picked for one in candidate["moves"]}
        # True in the cache: set by the placement with the move's lock.
        if not picked.get(move.id) and not move._fields["picked"]._get_cache(
            self.env
        ).get(move.id):
            placement._place_mark_move_picked(move)
        if decision.expired_override:
            lot._log_events(
                "note",
                picking_id=picking.id,
                description=self.env._(
                    "Shipped on %(delivery)s after its expiry date (%(date)s): "
                    "override by %(user)s.",
                    delivery=picking.name,
                    date=fields.Date.to_string(unit.expiration_date),
                    user=self.env.user.name,
                ),
            )
        message = self.env._(
            "%(product)s: serial %(serial)s scanned.",
            product=candidate["product_name"],
            serial=unit.name,
        )
        return message, lines

    @api.model
    def _scan_place(
        self, picking, decision, candidate, code, scan_uid, info, lot, move
    ):
        """The scan row, then the unit put on its line by the placement, in one
        savepoint; tried with the free lines locked together, then one by one after
        a serialization failure of a line's lock. Returns the line updates (or
        None)."""
        placement = self.env["serial.scan.placement"]
        for one_by_one in (False, True):
            inserted = False
            savepoint = _FoldedSavepoint(self.env.cr)
            try:
                with self.env.protecting([move._fields["picked"]], move):
                    scan_id = self._scan_insert_row(
                        picking, decision, candidate, code, scan_uid, info, savepoint
                    )
                    inserted = True
                    lines = placement._place_unit(
                        picking, decision, candidate, lot, scan_id, one_by_one, info
                    )
                    self._scan_unconfirm(picking, info)
                    self.env.flush_all()
                return lines
            except psycopg2.errors.SerializationFailure:
                savepoint.rollback()
                if not inserted:
                    raise Refusal(
                        "already_scanned", serial=candidate["unit"].name
                    ) from None
                if one_by_one:
                    raise
            except UserError as error:
                savepoint.rollback()
                raise Refusal("not_available", error=str(error)) from error

    @api.model
    def _scan_pick_in_one(self, picking, decision, candidate, code, scan_uid, info):
        """A pick (the unit scanned is the one its line reserves) in one round
        trip: the savepoint, the scan row (already linked to its line), the
        line's write (``write_scanned_line``) and the answer's line updates go
        out together. The scan row's conflict (the unit just scanned by someone
        else on this delivery: no row, or a serialization failure) rolls the
        savepoint back and refuses. None when this is no such pick (the caller's
        steps apply)."""
        if decision.kind != "pick" or not sql_write_allowed(self.env):
            return None
        unit = candidate["unit"]
        lot = self.env["stock.lot"].browse(unit.id)
        move = self.env["stock.move"].browse(decision.move_id)
        line = self.env["stock.move.line"].browse(decision.line_id)
        placement = self.env["serial.scan.placement"]
        placement._place_known(picking, decision, candidate, lot)
        savepoint = _FoldedSavepoint(self.env.cr)
        insert = self._scan_insert_sql(
            picking, decision, candidate, code, scan_uid, info, line.id
        )
        answer = SQL(
            "SELECT a.*, (SELECT id FROM serial_dispatch_scan WHERE scan_uid = %s) "
            "FROM (%s) a",
            scan_uid,
            line_updates_sql([move.id]),
        )
        try:
            with self.env.protecting([move._fields["picked"]], move):
                rows = write_scanned_line(
                    line,
                    {"picked": True},
                    also=[answer],
                    first=[savepoint.sql(), SQL("%s;", insert)],
                )
                if not rows or rows[0][-1] is None:
                    raise Refusal("already_scanned", serial=unit.name)
                self._scan_unconfirm(picking, info)
                self.env.flush_all()
        except psycopg2.errors.SerializationFailure:
            savepoint.rollback()
            raise Refusal("already_scanned", serial=candidate["unit"].name) from None
        except Refusal:
            savepoint.rollback()
            raise
        except UserError as error:
            savepoint.rollback()
            raise Refusal("not_available", error=str(error)) from error
        self.env["serial.dispatch.scan"].invalidate_model()
        return line_update_dicts([row[:-1] for row in rows])

    @api.model
    def _scan_unconfirm(self, picking, info):
        if info.get("dispatch_confirmed", True):
            picking._serial_dispatch_unconfirm()

    @api.model
    def _scan_insert(self, picking, decision, candidate, code, scan_uid, info):
        """Insert the scan row in a savepoint of its own (see ``_scan_insert_row``)."""
        try:
            with self.env.cr.savepoint(flush=False):
                return self._scan_insert_row(
                    picking, decision, candidate, code, scan_uid, info
                )
        except psycopg2.errors.SerializationFailure:
            unit = candidate.get("unit")
            raise Refusal(
                "already_scanned", serial=unit.name if unit else code
            ) from None

    @api.model
    def _scan_insert_row(
        self, picking, decision, candidate, code, scan_uid, info, savepoint=None
    ):
        """Insert the scan row; refuse when a concurrent scan took the serial.

        ``ON CONFLICT DO NOTHING`` on the serial's partial unique index: a
        concurrent scan of it waits there until the other transaction ends, then
        goes in (the other rolled back) or, when the other committed, gets a
        serialization failure (the row is not in its snapshot), caught by the
        caller's savepoint: the serial was just scanned elsewhere; no retry.
        ``savepoint`` (a ``_FoldedSavepoint``) is opened by the same statement.
        """
        query = SQL(
            "%s %s RETURNING id",
            savepoint.sql() if savepoint else SQL(),
            self._scan_insert_sql(picking, decision, candidate, code, scan_uid, info),
        )
        unit = candidate.get("unit")
        # Not the service's _scan_insert_row: a serialization failure must reach
        # the caller's savepoint (see _scan_apply), which holds the line's changes.
        self.env.cr.execute(query, log_exceptions=False)
        rows = self.env.cr.fetchall()
        self.env["serial.dispatch.scan"].invalidate_model()
        if not rows:
            raise Refusal("already_scanned", serial=unit.name if unit else code)
        return rows[0][0]

    @api.model
    def _scan_insert_sql(
        self, picking, decision, candidate, code, scan_uid, info, line_id=None
    ):
        """The scan row's ``INSERT ... ON CONFLICT DO NOTHING`` (see
        ``_scan_insert_row``), linked to its move line ``line_id`` when known."""
        unit = candidate.get("unit")
        values = {
            "picking_id": picking.id,
            "move_id": decision.move_id,
            "move_line_id": line_id,
            "lot_id": unit.id if unit else None,
            "product_id": unit.product_id if unit else candidate["id"],
            "company_id": info["company_id"],
            "scan_uid": scan_uid,
            "code": code,
            "quantity": 1.0,
            "state": "open",
        }
        return insert_row_sql("serial_dispatch_scan", values, self.env.uid)
