import psycopg2.errors

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.serial_tracking.models.stock_lot import CLOSED_STATES

from ..tools.move_line_sql import (
    free_line_sql,
    sql_write_allowed,
    write_scanned_line,
)
from ..tools.scan_decision import Refusal, decide_count, decide_dispatch


class SerialScanDispatch(models.AbstractModel):
    """The dispatch flow on the scan engine: scan serials (or product barcodes)
    against a delivery's order.

    Its writes: one ``serial.dispatch.scan`` row per accepted scan (its partial
    unique index arbitrates two operations scanning one serial), and the move line
    the unit goes on, written through the ORM (Odoo keeps quants, computed fields —
    product_expiry's dates — and other addons' overrides right). Nothing is written
    on the delivery or its moves' shared counters, so people scanning different
    serials of one delivery never conflict (defect 5 of issue 10).
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
        info = service._scan_lock_picking(picking, "share", scan_uid)
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
        the free line's lock (``_scan_free_line``) is a line changed by a
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
        lot = self.env["stock.lot"].browse(unit.id)
        move = self.env["stock.move"].browse(decision.move_id)
        for one_by_one in (False, True):
            inserted = False
            try:
                with (
                    self.env.cr.savepoint(),
                    self.env.protecting([move._fields["picked"]], move),
                ):
                    scan_id = self._scan_insert_row(
                        picking, decision, candidate, code, scan_uid, info
                    )
                    inserted = True
                    lines = self._scan_put_unit(
                        picking, decision, candidate, lot, scan_id, one_by_one
                    )
                    self._scan_unconfirm(picking, info)
                    self.env.flush_all()
                break
            except psycopg2.errors.SerializationFailure:
                self.env.invalidate_all()
                if not inserted:
                    raise Refusal("already_scanned", serial=unit.name) from None
                if one_by_one:
                    raise
            except UserError as error:
                self.env.invalidate_all()
                raise Refusal("not_available", error=str(error)) from error
        self._scan_mark_move_picked(move)
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
    def _scan_put_unit(self, picking, decision, candidate, lot, scan_id, one_by_one):
        """The unit on its line, the scan row linked to it; the line updates when
        the SQL helper read them in its round trip."""
        answer = picking._serial_dispatch_line_updates_sql([decision.move_id])
        if decision.kind == "pick":
            line = self.env["stock.move.line"].browse(decision.line_id)
            rows = self._scan_write_line(line, {"picked": True}, scan_id, answer)
        else:
            line, rows = self._scan_take_line(
                picking, decision, candidate, lot, scan_id, answer, one_by_one
            )
        if rows is None:
            self.env.execute_query(self._scan_link_sql(scan_id, line.id))
        self.env["serial.dispatch.scan"].invalidate_model(["move_line_id"])
        return picking._serial_dispatch_line_update_dicts(rows) if rows else None

    @api.model
    def _scan_unconfirm(self, picking, info):
        if info.get("dispatch_confirmed", True):
            picking._serial_dispatch_unconfirm()

    @api.model
    def _scan_mark_move_picked(self, move):
        """``stock.move.picked`` as Odoo derives it from its lines (any picked).

        The move's row is shared by everyone scanning the line: the ORM's recompute
        would update it on the first scan of each person, and two first scans
        would conflict. The line writes run with the field protected; here the row
        is updated only if it can be without a conflict (``_scan_try_lock``): when
        it cannot, another transaction is setting it or has set it already.
        ``_serial_dispatch_apply`` recomputes the field at Confirm and Deliver.
        """
        if move.picked or not self._scan_try_lock("stock_move", move.id):
            return
        self.env.execute_query(
            SQL("UPDATE stock_move SET picked = TRUE WHERE id = %s", move.id)
        )
        move.invalidate_recordset(["picked"])

    @api.model
    def _scan_try_lock(self, table, row_id):
        """Lock the row ``FOR NO KEY UPDATE`` if that neither waits nor conflicts:
        False when a transaction in flight holds it (``SKIP LOCKED``) or one this
        transaction's snapshot cannot see changed it (PostgreSQL's serialization
        failure, caught in a savepoint: nothing is retried, the row is passed)."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM %s WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED",
                        SQL.identifier(table),
                        row_id,
                    ),
                    log_exceptions=False,
                )
                return bool(self.env.cr.fetchall())
        except psycopg2.errors.SerializationFailure:
            return False

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
    def _scan_insert_row(self, picking, decision, candidate, code, scan_uid, info):
        """Insert the scan row; refuse when a concurrent scan took the serial.

        ``ON CONFLICT DO NOTHING`` on the serial's partial unique index: a
        concurrent scan of it waits there until the other transaction ends, then
        goes in (the other rolled back) or, when the other committed, gets a
        serialization failure (the row is not in its snapshot), caught by the
        caller's savepoint: the serial was just scanned elsewhere; no retry.
        """
        unit = candidate.get("unit")
        query = SQL(
            """
                INSERT INTO serial_dispatch_scan
                       (picking_id, move_id, lot_id, product_id, company_id,
                        scan_uid, code, quantity, state, create_uid, write_uid,
                        create_date, write_date)
                VALUES (%(picking)s, %(move)s, %(lot)s, %(product)s, %(company)s,
                        %(uid_key)s, %(code)s, 1.0, 'open', %(user)s, %(user)s,
                        NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC')
           ON CONFLICT DO NOTHING
             RETURNING id
                """,
            picking=picking.id,
            move=decision.move_id,
            lot=unit.id if unit else None,
            product=unit.product_id if unit else candidate["id"],
            company=info["company_id"],
            uid_key=scan_uid,
            code=code,
            user=self.env.uid,
        )
        # Not the service's _scan_insert_row: a serialization failure must reach
        # the caller's savepoint (see _scan_apply), which holds the line's changes.
        self.env.cr.execute(query, log_exceptions=False)
        rows = self.env.cr.fetchall()
        self.env["serial.dispatch.scan"].invalidate_model()
        if not rows:
            raise Refusal("already_scanned", serial=unit.name if unit else code)
        return rows[0][0]

    @api.model
    def _scan_free_line(self, move_id, candidate, one_by_one=False):
        """The first unpicked one-unit line of the move that no other scan is
        taking, locked, as ``(line, swap)``: ``swap`` is what
        ``write_scanned_line`` needs to put the ``candidate`` unit on it in SQL
        (``(old quant, new quant, old unit)``), or None when the quants are not
        the simple case it reproduces (then Odoo's ``write`` does it).

        Lines held by scans in flight are passed (``SKIP LOCKED``), so two people
        scanning different serials of one line take different move lines without
        waiting for each other; the first free line is found and locked by one
        query, in the caller's savepoint. When a line was changed by a transaction
        this one's snapshot cannot see, that lock raises a serialization failure:
        the caller then asks again ``one_by_one``: each line is tried in a
        savepoint of its own (``_scan_try_lock``) and such a line is passed.
        """
        self.env["stock.move.line"].flush_model()
        self.env["stock.quant"].flush_model()
        query = free_line_sql(move_id, candidate, lock=not one_by_one)
        if one_by_one:
            rows = [
                row
                for row in self.env.execute_query(query)
                if self._scan_try_lock("stock_move_line", row[0])
            ][:1]
        else:
            self.env.cr.execute(query, log_exceptions=False)
            rows = self.env.cr.fetchall()
        if not rows:
            return self.env["stock.move.line"], None
        line_id, old_lot, quants, old_quant, new_quants = rows[0]
        simple = quants == 1 and old_quant and new_quants == [candidate["quant_id"]]
        swap = (old_quant, candidate["quant_id"], old_lot) if simple else None
        return self.env["stock.move.line"].browse(line_id), swap

    @api.model
    def _scan_take_line(
        self, picking, decision, candidate, lot, scan_id, answer, one_by_one
    ):
        """Put the unit on a line of the move, as ``(line, rows)`` (see
        ``_scan_write_line``): a free line's serial is replaced, else a line is
        created through the ORM (Odoo's move line write/create/unlink keep quant
        reservations, computed fields and unit states in sync)."""
        move = self.env["stock.move"].browse(decision.move_id)
        if decision.line_id:
            # Reserved on another line of this delivery that is not being filled.
            self.env["stock.move.line"].browse(decision.line_id).unlink()
        vals = {
            "lot_id": lot.id,
            "location_id": candidate["location_id"],
            "package_id": candidate["package_id"] or False,
            "owner_id": candidate["owner_id"] or False,
            "picked": True,
        }
        line, swap = self._scan_free_line(move.id, candidate, one_by_one)
        if line:
            return line, self._scan_write_line(line, vals, scan_id, answer, swap)
        return self.env["stock.move.line"].create(
            {
                **vals,
                "move_id": move.id,
                "picking_id": picking.id,
                "product_id": move.product_id.id,
                "product_uom_id": move.product_id.uom_id.id,
                "location_dest_id": move.location_dest_id.id,
                "quantity": 1.0,
            }
        ), None

    @api.model
    def _scan_write_line(self, line, vals, scan_id, answer, swap=None):
        """``line.write(vals)``, through the SQL helper when it reproduces Odoo's
        ``write`` here (``tools/move_line_sql.py``: a pick, or a swap whose quants
        are known), the scan row linked to the line and ``answer`` (SQL) read in
        the same round trip: its rows are returned, None when Odoo's ``write``
        was used."""
        if (swap or set(vals) == {"picked"}) and sql_write_allowed(self.env):
            link = self._scan_link_sql(scan_id, line.id)
            return write_scanned_line(line, vals, swap=swap, also=[link, answer])
        line.write(vals)
        return None

    @api.model
    def _scan_link_sql(self, scan_id, line_id):
        return SQL(
            "UPDATE serial_dispatch_scan SET move_line_id = %s WHERE id = %s;",
            line_id,
            scan_id,
        )
