from datetime import datetime, time

import psycopg2.errors

from odoo import api, models
from odoo.tools import SQL

from ..tools.dispatch_lines import line_update_dicts, line_updates_sql
from ..tools.move_line_sql import ORM_ONLY_KEY, REPRODUCED, write_scanned_line
from ..tools.move_line_sql import sql_write_allowed as _sql_write_allowed
from ..tools.receive_sql import free_line_sql
from ..tools.scan_decision import Refusal

# Source locations whose lines reserve nothing (Odoo's
# ``stock.location.should_bypass_reservation``): a receipt's line from there
# gets its unit without any quant changing.
BYPASS_USAGES = ("supplier", "customer", "inventory", "production")
# What the SQL write of a receipt's line stands for, besides the line's write.
RECEIVE_REPRODUCED = {
    **REPRODUCED,
    ("stock.location", "should_bypass_reservation"): (
        "odoo.addons.stock.models.stock_location",
    ),
}


def receive_sql_allowed(env):
    """Whether a receipt's line may take its unit through ``write_scanned_line``
    (``tools/move_line_sql.py``): no addon overrides what it reproduces."""
    return _sql_write_allowed(env, RECEIVE_REPRODUCED)


class SerialScanReceivePlacement(models.AbstractModel):
    """Where a received unit goes: the unit made (Odoo's ``create``, without
    the uniqueness query the scan's lookup answered) or taken, and put on a
    free line of its move.

    A free line of one unit from a vendor takes it through the engine's SQL
    helper ``write_scanned_line`` (what Odoo's ``stock.move.line.write`` leaves
    there: the line's ``lot_id``, ``picked`` and ``date``; no quant moves before
    validation), in one round trip with the scan row (already linked to its
    line) and the answer's line updates; else through the ORM.
    ``tests/test_receive_sql_equivalence.py`` compares both paths column by
    column."""

    _name = "serial.scan.receive.placement"
    _description = "Scan Flow: Receive Placement"

    @api.model
    def _receive_unit(self, info, product_id, serial, unit, label, prechecked=False):
        """The unit of ``serial``: the existing one (``unit``, a lookup row; a
        unit made ahead of stock takes its label's values) or a new one of the
        receipt's company, by Odoo's ``create``. ``prechecked``: the lookup
        query found no unit of that serial at all in this snapshot, which is
        what Odoo's uniqueness rule would query again: the core's
        ``serial_unique_checked`` skips it.

        One unit is made by ``create``, not by the core's creation of many
        units (``_serial_create_as_odoo``): measured on the benchmark's scans,
        that one costs about 2 ms more a unit (its prototype, the company check
        and the settling of computed fields are made for thousands of units)."""
        Lot = self.env["stock.lot"]
        if unit:
            lot = Lot.browse(unit["id"])
            if label and unit["unit_state"] == "draft":
                lot.write(label)
            return lot
        vals = {
            "name": serial,
            "product_id": product_id,
            "company_id": info["company_id"],
            **label,
        }
        if prechecked and not self.env.context.get(ORM_ONLY_KEY):
            lot = Lot.with_context(serial_unique_checked=True).create(vals)
            lot = lot.with_env(self.env)
        else:
            lot = Lot.create(vals)
        for name in ("product_id", "company_id"):  # known: not read again
            lot._fields[name]._insert_cache(lot, [vals[name]])
        # What create left to compute is computed (and stamped) as this user's,
        # as Odoo's create is flushed by the scan's next query.
        lot.flush_recordset()
        return lot

    @api.model
    def _receive_on_line(self, picking, move, lot, scan_uid, code, **scan_values):
        """Put ``lot`` on a free line of ``move`` (or a new one) and record the
        scan (``scan_values``: the scan row's own columns); the answer's line
        updates when they were read with the write, else None."""
        move_picked, line_id, quantity, in_uom, usage, *dates = self._receive_free_line(
            move
        )
        values = {**scan_values, "lot_id": lot.id}
        if (
            line_id
            and quantity == 1
            and in_uom
            and usage in BYPASS_USAGES
            and receive_sql_allowed(self.env)
        ):
            lines = self._receive_write_line(
                picking, move, line_id, lot, scan_uid, code, values, dates
            )
        else:
            lines = None
            self._receive_orm_line(
                picking, move, line_id, quantity, lot, scan_uid, code, values
            )
        if not move_picked:
            self.env["serial.scan.placement"]._place_mark_move_picked(move)
        return lines

    @api.model
    def _receive_free_line(self, move):
        """``(move picked, line id, line quantity, line in the product's unit,
        its source location's usage)``: the move's ``picked`` flag and the first
        line of ``move`` no unit or serial is on yet and no other scan holds
        (locked: ``SKIP LOCKED`` passes the lines of scans in flight, so two
        people on one receipt never take the same line), its id None when there
        is none. A line another scan took since this transaction's snapshot makes
        the lock fail (serialization failure, in a savepoint): then the lines
        are tried one by one and such a line is passed, as dispatch does
        (``serial.scan.placement._place_try_lock``): nothing is retried."""
        self.env["stock.move.line"].flush_model(
            ["move_id", "picked", "lot_id", "lot_name", "quantity"]
        )
        self.env["stock.move"].flush_model(["picked"])
        _savepoint, rows = self.env["serial.scan.service"]._scan_in_savepoint(
            free_line_sql(move.id), "free_line"
        )
        if rows is not None:
            return tuple(rows[0].values())
        rows = self.env.execute_query(free_line_sql(move.id, lock=False))
        placement = self.env["serial.scan.placement"]
        for row in rows:
            if row[1] and placement._place_try_lock("stock_move_line", row[1]):
                return row
        return (rows[0][0], *(None,) * (len(rows[0]) - 1))

    @api.model
    def _receive_write_line(
        self, picking, move, line_id, lot, scan_uid, code, values, dates
    ):
        """The unit on the free line through ``write_scanned_line``, with the scan
        row and the answer's line updates in the same round trip. A scan row
        that cannot go in (the serial just scanned by someone else) refuses: the
        step's savepoint takes the unit and the line back."""
        line = self.env["stock.move.line"].browse(line_id)
        for name, value in (
            ("move_id", move.id),
            ("picking_id", picking.id),
            ("product_id", values["product_id"]),
            ("company_id", picking.company_id.id),
            ("lot_id", None),
            ("picked", False),
            ("expiration_date", dates[0]),
            ("removal_date", dates[1]),
        ):
            line._fields[name]._insert_cache(line, [value])
        picking._serial_check_not_busy()  # as the line's write (core)
        product_id = values.pop("product_id")
        insert = self.env["serial.scan.receive"]._scan_record_sql(
            picking,
            move.id,
            product_id,
            scan_uid,
            code,
            move_line_id=line.id,
            line_created=False,
            **values,
        )
        answer = SQL(
            "SELECT a.*, (SELECT id FROM serial_dispatch_scan WHERE scan_uid = %s) "
            "FROM (%s) a",
            scan_uid,
            line_updates_sql([move.id]),
        )
        serial = values.get("serial") or code
        # stock.move.picked is shared by everyone scanning the move: left alone
        # here, set by _place_mark_move_picked when it can be without conflict.
        try:
            with self.env.protecting([move._fields["picked"]], move):
                rows = write_scanned_line(
                    line,
                    {"lot_id": lot.id, "picked": True},
                    reserved=False,
                    first=[SQL("%s;", insert)],
                    also=[answer],
                )
        except psycopg2.errors.SerializationFailure:
            raise Refusal("already_scanned", serial=serial) from None
        # The line's dates derived from its unit (product_expiry), written as
        # this user's, as Odoo's write would be flushed.
        line.flush_recordset()
        self.env["serial.dispatch.scan"].invalidate_model()
        if not rows or rows[0][-1] is None:
            raise Refusal("already_scanned", serial=serial)
        return line_update_dicts([row[:-1] for row in rows])

    @api.model
    def _receive_orm_line(
        self, picking, move, line_id, quantity, lot, scan_uid, code, values
    ):
        """The unit on the free line (or a new line) through Odoo's ``write`` /
        ``create``, the scan row recorded first."""
        flow = self.env["serial.scan.receive"]
        product_id = values.pop("product_id")
        flow._scan_record(
            picking,
            move.id,
            product_id,
            scan_uid,
            code,
            line_created=not line_id,
            move_line_id=line_id or None,
            **values,
        )
        vals = {"lot_id": lot.id, "quantity": 1.0, "picked": True}
        with self.env.protecting([move._fields["picked"]], move):
            if line_id:
                if quantity == 1:
                    del vals["quantity"]  # unchanged: Odoo's quantity code skipped
                self.env["stock.move.line"].browse(line_id).write(vals)
                return
            line = self.env["stock.move.line"].create(
                {**move._prepare_move_line_vals(quantity=1), **vals}
            )
        self.env.execute_query(
            SQL(
                "UPDATE serial_dispatch_scan SET move_line_id = %s WHERE scan_uid = %s",
                line.id,
                scan_uid,
            )
        )
        self.env["serial.dispatch.scan"].invalidate_model(["move_line_id"])

    @api.model
    def _receive_label_values(self, picking, product_id, gs1):
        """What a serial unit's GS1 label says of it: batch (AI 10, a
        ``serial.batch`` found or created), production (AI 11) and expiry (AI 17)."""
        if not gs1:
            return {}
        values = {}
        if gs1.batch:
            Batch = self.env["serial.batch"]
            batch = Batch.search(
                [
                    ("name", "=", gs1.batch),
                    ("product_id", "=", product_id),
                    ("company_id", "in", [picking.company_id.id, False]),
                ],
                order="company_id",
                limit=1,
            ) or Batch.create(
                {
                    "name": gs1.batch,
                    "product_id": product_id,
                    "company_id": picking.company_id.id,
                    "supplier_id": picking.partner_id.commercial_partner_id.id,
                }
            )
            values["batch_id"] = batch.id
        if gs1.production_date:
            values["manufacture_date"] = gs1.production_date
        if gs1.expiry_date:
            values["expiration_date"] = datetime.combine(gs1.expiry_date, time.min)
        return values
