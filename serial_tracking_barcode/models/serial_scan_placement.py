import uuid

import psycopg2.errors

from odoo import api, models
from odoo.tools import SQL

from ..tools.dispatch_lines import line_update_dicts, line_updates_sql
from ..tools.move_line_sql import (
    EXPIRY_DATES,
    expiry_dates_in_sql,
    sql_create_allowed,
    sql_write_allowed,
    write_scanned_line,
)
from ..tools.scan_sql import MOVE_FACTS, free_line_sql


class SerialScanPlacement(models.AbstractModel):
    """Where a scanned unit goes on a delivery: its own reserved line (a pick),
    a free line of its move whose serial it replaces (a swap), or a new line of
    the move (no reservation left to take).

    Each write is what Odoo's ``stock.move.line.write`` / ``create`` leaves,
    through the engine's one SQL helper (``tools/move_line_sql.py``) when it
    reproduces Odoo there, else through the ORM. Rows several scanners share
    (the move, the delivery) are written only when that cannot conflict
    (``_place_try_lock``); what is left is derived again at Confirm and Deliver
    (``stock.picking._serial_dispatch_apply``), see ``docs/TECHNICAL.md`` §3.
    """

    _name = "serial.scan.placement"
    _description = "Scan Engine: Move Line Placement"

    @api.model
    def _place_unit(
        self, picking, decision, candidate, lot, scan_id, one_by_one, info=None
    ):
        """The unit on its line, the scan row linked to it; the line updates when
        the SQL helper read them in its round trip (else None)."""
        answer = line_updates_sql([decision.move_id])
        self._place_known(picking, decision, candidate, lot)
        if decision.kind == "pick":
            # The dispatch's _scan_pick_in_one makes every pick the SQL helper
            # can: one reaching here is Odoo's write.
            line = self.env["stock.move.line"].browse(decision.line_id)
            line.write({"picked": True})
            rows = None
        else:
            line, rows = self._place_take_line(
                picking, decision, candidate, lot, scan_id, answer, one_by_one, info
            )
        if rows is None:
            self.env.execute_query(self._place_link_sql(scan_id, line.id))
        self.env["serial.dispatch.scan"].invalidate_model(["move_line_id"])
        return line_update_dicts(rows) if rows else None

    @api.model
    def _place_known(self, picking, decision, candidate, lot):
        """What the lookup read under the locks, put in the ORM cache for its
        dependency walk (``modified``) and the constraints, instead of reading
        the move, the unit and (for a pick) its line again."""
        move = self.env["stock.move"].browse(decision.move_id)
        move._fields["picking_id"]._insert_cache(move, [picking.id])
        lot._fields["company_id"]._insert_cache(lot, [candidate["lot_company_id"]])
        lot._fields["product_id"]._insert_cache(lot, [candidate["product_id"]])
        if decision.kind == "pick":
            line = self.env["stock.move.line"].browse(decision.line_id)
            own = next(one for one in candidate["unit"].lines if one.id == line.id)
            for name, value in (
                ("move_id", own.move_id),
                ("picking_id", own.picking_id),
                ("company_id", own.company_id),
            ):
                line._fields[name]._insert_cache(line, [value])

    @api.model
    def _place_free_line(self, move_id, candidate, one_by_one=False):
        """The first unpicked one-unit line of the move that no other scan is
        taking, locked, as ``(line, swap, new_quant)``: ``swap`` is what
        ``write_scanned_line`` needs to put the ``candidate`` unit on it in SQL
        (``(old quant, new quant, old unit)``, see ``_place_first_quant``), or
        None when a quant is missing (then Odoo's ``write`` does it);
        ``new_quant``: the quant a reservation of the candidate takes.

        Lines held by scans in flight are passed (``SKIP LOCKED``), so two people
        scanning different serials of one line take different move lines without
        waiting for each other; the first free line is found and locked by one
        query, in the caller's savepoint. When a line was changed by a transaction
        this one's snapshot cannot see, that lock raises a serialization failure:
        the caller then asks again ``one_by_one``: each line is tried in a
        savepoint of its own (``_place_try_lock``) and such a line is passed.
        """
        self.env["stock.move.line"].flush_model()
        self.env["stock.quant"].flush_model()
        query = free_line_sql(move_id, candidate, lock=not one_by_one)
        if one_by_one:
            rows = self.env.execute_query(query)
            free = [
                row
                for row in rows
                if row[0] and self._place_try_lock("stock_move_line", row[0])
            ]
            rows = free[:1] or [
                (None,) * 4 + (rows[0][4],) + (None,) * 5 + rows[0][-len(MOVE_FACTS) :]
            ]
        else:
            self.env.cr.execute(query, log_exceptions=False)
            rows = self.env.cr.fetchall()
        row = rows[0]
        facts = dict(zip(MOVE_FACTS, row[-len(MOVE_FACTS) :], strict=True))
        line_id, old_lot, quants, old_quant, new_quants, *known_line = row[
            : -len(MOVE_FACTS)
        ]
        new_quant = self._place_first_quant(candidate, candidate["id"], new_quants)
        # The quants' packages, for the ORM's dependency walk of the reservation
        # change (``modified``) instead of reading the quants again.
        known = {}
        if new_quants == [candidate["quant_id"]]:
            known[new_quant] = candidate["package_id"]
        if not line_id:
            self._place_known_packages(known)
            return self.env["stock.move.line"], None, new_quant, facts
        line = self.env["stock.move.line"].browse(line_id)
        # What the query read of the line, for the ORM's dependency walk of the
        # write (``modified``) and its access check instead of reading it again.
        old_package = known_line[0]
        for name, value in zip(
            ("lot_id", "package_id", "location_id", "owner_id", "company_id"),
            (old_lot, *known_line[:4]),
            strict=True,
        ):
            line._fields[name]._insert_cache(line, [value])
        line._fields["move_id"]._insert_cache(line, [move_id])
        line._fields["product_id"]._insert_cache(line, [candidate["product_id"]])
        line._fields["picking_id"]._insert_cache(line, [known_line[4]])
        if quants == 1 and old_quant:
            known[old_quant] = old_package
        self._place_known_packages(known)
        if quants != 1 or not old_quant:
            old_quant = self._place_first_quant(
                {
                    "product_id": candidate["product_id"],
                    "location_id": line.location_id.id,
                    "package_id": line.package_id.id,
                    "owner_id": line.owner_id.id,
                },
                old_lot,
                [None] * (quants or 0),
            )
        swap = (old_quant, new_quant, old_lot) if old_quant and new_quant else None
        return line, swap, new_quant, facts

    @api.model
    def _place_known_packages(self, packages):
        """``{quant_id: package_id}`` read by the lookup, into the ORM cache."""
        Quant = self.env["stock.quant"]
        for quant_id, package_id in packages.items():
            Quant._fields["package_id"]._insert_cache(
                Quant.browse(quant_id), [package_id]
            )

    @api.model
    def _place_first_quant(self, key, lot_id, quant_ids):
        """The quant Odoo's ``_update_available_quantity`` changes for a
        reservation of ``lot_id`` under ``key`` (product, location, package,
        owner): the first of its strict gather. ``quant_ids``: that gather's
        quants as the lookup read them; only when there are several (zero quants
        left by an unreservation, until Odoo's cron removes them) is the gather
        run, for its order (the removal strategy). None: no quant (Odoo would
        create one: its ``write`` or ``create`` is used)."""
        if len(quant_ids) == 1 and quant_ids[0]:
            return quant_ids[0]
        if not quant_ids:
            return None
        Quant = self.env["stock.quant"].sudo()
        quants = Quant._gather(
            self.env["product.product"].browse(key["product_id"]),
            self.env["stock.location"].browse(key["location_id"]),
            lot_id=self.env["stock.lot"].browse(lot_id),
            package_id=self.env["stock.package"].browse(key["package_id"] or []),
            owner_id=self.env["res.partner"].browse(key["owner_id"] or []),
            strict=True,
        )
        return quants[:1].id or None

    @api.model
    def _place_take_line(
        self, picking, decision, candidate, lot, scan_id, answer, one_by_one, info
    ):
        """Put the unit on a line of the move, as ``(line, rows)`` (see
        ``_place_write_line``): a free line's serial is replaced, else a line is
        created (``serial.scan.placement.new.line``)."""
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
        line, swap, new_quant, facts = self._place_free_line(
            move.id, candidate, one_by_one
        )
        use_create_lots = (info or {}).get("use_create_lots")
        if use_create_lots is None:
            use_create_lots = picking.picking_type_id.use_create_lots
        expiry = expiry_dates_in_sql(self.env, use_create_lots)
        if line:
            return line, self._place_write_line(
                line, vals, scan_id, answer, swap, expiry
            )
        vals.update(
            move_id=move.id,
            picking_id=picking.id,
            product_id=candidate["product_id"],
            product_uom_id=facts["product_uom_id"],
            location_dest_id=facts["location_dest_id"],
            quantity=1.0,
        )
        if new_quant and not decision.line_id and sql_create_allowed(self.env):
            return self.env["serial.scan.placement.new.line"]._place_create_line(
                move,
                vals,
                new_quant,
                lambda line: [self._place_link_sql(scan_id, line.id), answer],
                facts,
                {name: candidate[name] for name in EXPIRY_DATES} if expiry else None,
            )
        return self.env["stock.move.line"].create(vals), None

    @api.model
    def _place_write_line(
        self, line, vals, scan_id, answer, swap=None, expiry_sql=False
    ):
        """``line.write(vals)``, through the SQL helper when it reproduces Odoo's
        ``write`` here (``tools/move_line_sql.py``: a swap whose quants are
        known), the scan row linked to the line and ``answer`` (SQL) read in the
        same round trip: its rows are returned, None when Odoo's ``write`` was
        used."""
        if swap and sql_write_allowed(self.env):
            link = self._place_link_sql(scan_id, line.id)
            return write_scanned_line(
                line, vals, swap=swap, also=[link, answer], expiry_sql=expiry_sql
            )
        line.write(vals)
        return None

    @api.model
    def _place_link_sql(self, scan_id, line_id):
        return SQL(
            "UPDATE serial_dispatch_scan SET move_line_id = %s WHERE id = %s;",
            line_id,
            scan_id,
        )

    @api.model
    def _place_mark_move_picked(self, move):
        """``stock.move.picked`` as Odoo derives it from its lines (any picked).

        The move's row is shared by everyone scanning the line: the ORM's recompute
        would update it on the first scan of each person, and two first scans
        would conflict. The line writes run with the field protected; the caller
        calls this when the lookup query read the flag unset; here the row is
        updated only if it can be without a conflict (``_place_try_lock``): when
        it cannot, another transaction is setting it or has set it already.
        ``_serial_dispatch_apply`` recomputes the field at Confirm and Deliver.
        """
        if self._place_try_lock("stock_move", move.id, SQL("picked = TRUE")):
            move.invalidate_recordset(["picked"])

    @api.model
    def _place_try_lock(self, table, row_id, update=None):
        """Lock the row ``FOR NO KEY UPDATE`` if that neither waits nor conflicts
        (and then run ``SET update`` on it): False when a transaction in flight
        holds it (``SKIP LOCKED``) or one this transaction's snapshot cannot see
        changed it (PostgreSQL's serialization failure, caught in a savepoint:
        nothing is retried, the row is passed). One round trip: the savepoint
        goes out with the lock and, on success, is left for the commit."""
        name = SQL.identifier(f"lock_{uuid.uuid4().hex}")
        locked = SQL(
            "SELECT id FROM %s WHERE id = %s FOR NO KEY UPDATE SKIP LOCKED",
            SQL.identifier(table),
            row_id,
        )
        if update is not None:
            locked = SQL(
                "WITH locked AS (%s) UPDATE %s t SET %s FROM locked "
                "WHERE t.id = locked.id RETURNING t.id",
                locked,
                SQL.identifier(table),
                update,
            )
        try:
            self.env.cr.execute(
                SQL("SAVEPOINT %s; %s", name, locked), log_exceptions=False
            )
            return bool(self.env.cr.fetchall())
        except psycopg2.errors.SerializationFailure:
            self.env.cr.execute(
                SQL("ROLLBACK TO SAVEPOINT %s; RELEASE SAVEPOINT %s", name, name)
            )
            return False
