from functools import partial

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.serial_tracking.models.stock_lot import CLOSED_STATES

from ..tools.scan_decision import Refusal
from ..tools.scan_sql import insert_row_sql
from .serial_scan_dispatch import _FoldedSavepoint


class _StepSavepoint(_FoldedSavepoint):
    """The savepoint of a flow's step (``_scan_run``): its ``SAVEPOINT`` goes out
    with the step's first statement (``sql()``, a flow whose step folds it,
    ``_scan_folds_savepoint``) or on its own before the step; never released on
    success (the commit does it); rolled back when the step refuses."""

    opened = False

    def sql(self):
        self.opened = True
        return super().sql()

    def rollback(self):
        return super().rollback() if self.opened else None


class SerialScanFlow(models.AbstractModel):
    """What the receive and transfer flows share on the scan engine: the steps of
    a scan around the flow's own ``_scan_step`` (``docs/TECHNICAL.md`` §5), the
    scan row that arbitrates races, the screen's state and the flows' messages.

    A flow ``_inherit``\\ s this model and sets ``_scan_type_code`` (the operation
    type it works on) and ``_scan_kinds``; it implements ``_scan_nouns`` and
    ``_scan_step(picking, code, scan_uid, info, **options)`` which raises ``Refusal`` or
    returns ``(message, move_ids)``. The step runs in a savepoint: a refusal
    leaves nothing written.
    """

    _name = "serial.scan.flow"
    _description = "Scan Flow: Shared Steps"

    _scan_type_code = None
    _scan_kinds = ()
    # The step sends the step's SAVEPOINT with its first statement
    # (``info["savepoint"].sql()``), before anything it writes.
    _scan_folds_savepoint = False

    @api.model
    def _scan_nouns(self, picking):
        return {"this": self.env._("this operation"), "picking": picking}

    @api.model
    def _scan_step(self, picking, code, scan_uid, info, **options):
        raise NotImplementedError

    @api.model
    def _scan_picking(self, picking_id):
        """The flow's operation, after checking the user may scan it."""
        picking = self._scan_browse(picking_id).exists()
        if not picking:
            raise UserError(self.env._("This operation no longer exists."))
        picking.check_access("write")
        if picking.picking_type_code != self._scan_type_code:
            raise UserError(self._scan_wrong_type_message(picking))
        return picking

    @api.model
    def _scan_browse(self, picking_id):
        """The flow's operation for a scan, without reading it: the scan's lock
        query (``_scan_run``) checks that it exists, that the user may write it
        (record rules) and its operation type, in the one query it runs anyway."""
        self.env["serial.scan.service"]._scan_check_user()
        if not isinstance(picking_id, int):
            raise UserError(self.env._("No operation was given."))
        picking = self.env["stock.picking"].browse(picking_id)
        picking.browse().check_access("write")  # the model's access rights only
        return picking

    @api.model
    def _scan_wrong_type_message(self, picking):
        return self.env._(
            "%(name)s cannot be scanned on this screen.", name=picking.name
        )

    @api.model
    def _scan_run(self, picking, code, scan_uid, **options):
        """One scan on ``picking``: clean, lock, replay, the flow's step, answer
        (the answer of ``stock.picking.serial_dispatch_scan``)."""
        service = self.env["serial.scan.service"]
        service._scan_check_key(scan_uid)
        answer = partial(picking._serial_dispatch_result, scan_uid=scan_uid)
        try:
            shown = (code if isinstance(code, str) else "").strip()
            shown = shown.encode("unicode_escape").decode()[:256]
            code = shown = service._scan_clean_code(code)
            info = service._scan_lock_picking(picking, "share", scan_uid)
            if info["type_code"] != self._scan_type_code:
                raise UserError(self._scan_wrong_type_message(picking))
            if info["previous"]:
                return self._scan_replay(picking, info["previous"], answer, code)
            if info["state"] in CLOSED_STATES:
                raise Refusal("closed", name=info["name"])
            self._scan_known(picking, info)
            savepoint = info["savepoint"] = _StepSavepoint(self.env.cr)
            if not self._scan_folds_savepoint:
                self._scan_open_savepoint(info)
            try:
                message, move_ids, *lines = self._scan_step(
                    picking, code, scan_uid, info, **options
                )
            except Exception:
                savepoint.rollback()
                raise
        except Refusal as refusal:
            self.env.invalidate_all()
            message = self._scan_message(refusal, self._scan_nouns(picking))
            return answer("error", refusal.reason, message, code=shown)
        return answer(
            "ok",
            "ok",
            message,
            code=code,
            move_ids=move_ids,
            lines=lines[0] if lines else None,
        )

    @api.model
    def _scan_open_savepoint(self, info):
        """Send the step's savepoint now, unless it went out already (a step
        that folds it, ``_scan_folds_savepoint``, before its first write)."""
        if not info["savepoint"].opened:
            self.env.cr.execute(info["savepoint"].sql())

    @api.model
    def _scan_known(self, picking, info):
        """What the lock query read of the operation (its row held ``FOR
        SHARE``), put in the ORM cache instead of reading the operation again."""
        for name in ("name", "state", "company_id", "location_id", "location_dest_id"):
            picking._fields[name]._insert_cache(picking, [info[name]])

    @api.model
    def _scan_replay(self, picking, previous, answer, code):
        """A scan key already recorded (a retry after a lost answer): its outcome,
        nothing applied again."""
        picking_id, move_id = previous
        if picking_id != picking.id:
            raise UserError(self.env._("This scan key belongs to another operation."))
        message = self.env._("This scan was already recorded.")
        return answer("ok", "ok", message, code=code, move_ids=[move_id], replayed=True)

    @api.model
    def _scan_unscan(self, picking_id, serial):
        """Take one scan of ``serial`` back (the user scanned the wrong unit): its
        open scan row on the operation goes, and the flow's ``_scan_undo(scan)``
        frees what the scan took. Locked like a scan (``FOR SHARE``: other people
        keep scanning; Validate waits). The answer of a scan."""
        picking = self._scan_picking(picking_id)
        service = self.env["serial.scan.service"]
        try:
            serial = service._scan_clean_code(serial)
        except Refusal as refusal:
            raise UserError(
                self._scan_message(refusal, self._scan_nouns(picking))
            ) from None
        info = service._scan_lock_picking(picking, "share")
        if info["state"] in CLOSED_STATES:
            raise UserError(
                self.env._("%(name)s is already closed.", name=info["name"])
            )
        scan = (
            self.env["serial.dispatch.scan"]
            .sudo()
            .search(
                [
                    ("picking_id", "=", picking.id),
                    ("state", "=", "open"),
                    ("lot_id", "!=", False),
                    "|",
                    ("serial", "=", serial),
                    ("lot_id.name", "=", serial),
                ],
                limit=1,
            )
        )
        if not scan:
            raise UserError(
                self.env._(
                    "Serial %(serial)s is not scanned on %(this)s.",
                    serial=serial,
                    this=self._scan_nouns(picking)["this"],
                )
            )
        move_id = scan.move_id.id
        self._scan_undo(scan.with_env(self.env))
        return picking._serial_dispatch_result(
            "ok",
            "ok",
            self.env._("Serial %(serial)s removed.", serial=serial),
            move_ids=[move_id],
        )

    @api.model
    def _scan_undo(self, scan):
        """Free what the accepted ``scan`` took on its operation (the flow's own)."""
        raise NotImplementedError

    @api.model
    def _scan_validate(self, picking_id):
        """Validate the flow's operation with what was scanned (Odoo's
        ``button_validate``), locked ``FOR NO KEY UPDATE`` (it waits for the
        scans in flight): ``{"status": "action", "action": <Odoo's wizard>}``
        (backorder, expired units...) or the flow's ``_scan_validated``. A
        closed operation, or one nothing was scanned on, is refused; the flow's
        ``_scan_before_validate`` derives what scans left to it."""
        picking = self._scan_picking(picking_id)
        self.env["serial.scan.service"]._scan_lock_picking(picking, "update")
        if picking.state in CLOSED_STATES:
            raise UserError(
                self.env._("%(name)s is already closed.", name=picking.name)
            )
        if not self._scan_scanned_lines(picking):
            raise UserError(self.env._("Nothing has been scanned yet."))
        self._scan_before_validate(picking)
        res = picking.button_validate()
        if isinstance(res, dict):
            return {"status": "action", "action": res}
        return self._scan_validated(picking)

    @api.model
    def _scan_scanned_lines(self, picking):
        """The move lines scanned on ``picking`` (Validate needs one)."""
        return picking.move_line_ids

    @api.model
    def _scan_before_validate(self, picking):
        """Derive what the scans left to derive, or refuse (``UserError``)."""

    @api.model
    def _scan_validated(self, picking):
        return {"status": "done", "state": self._scan_state(picking)}

    @api.model
    def _scan_record(self, picking, move_id, product_id, scan_uid, code, **values):
        """The scan row (``serial.dispatch.scan``) of an accepted scan, inserted
        with ``ON CONFLICT DO NOTHING``: its unique indexes arbitrate a unit (or a
        new serial, ``serial``) scanned on two open operations at the same moment.
        The later transaction waits there for the first; when that one commits,
        its serialization failure is caught in a savepoint and the scan refused
        ("just scanned on another operation"), with no retry."""
        query = self._scan_record_sql(
            picking, move_id, product_id, scan_uid, code, **values
        )
        self.env.flush_all()
        row_id = self.env["serial.scan.service"]._scan_insert_row(query)
        self.env["serial.dispatch.scan"].invalidate_model()
        if not row_id:
            raise Refusal("already_scanned", serial=values.get("serial") or code)
        return row_id

    @api.model
    def _scan_record_sql(self, picking, move_id, product_id, scan_uid, code, **values):
        """The ``INSERT ... ON CONFLICT DO NOTHING RETURNING id`` of an accepted
        scan's row (``_scan_record``)."""
        values = {
            "picking_id": picking.id,
            "move_id": move_id,
            "product_id": product_id,
            "company_id": picking.company_id.id,
            "scan_uid": scan_uid,
            "code": code,
            "quantity": 1.0,
            "state": "open",
            **values,
        }
        insert = insert_row_sql("serial_dispatch_scan", values, self.env.uid)
        return SQL("%s RETURNING id", insert)

    @api.model
    def _scan_state(self, picking, **extra):
        """What a flow's screen shows of ``picking`` (the dispatch screen's shape)."""
        states = dict(picking._fields["state"]._description_selection(self.env))
        return {
            "id": picking.id,
            "name": picking.name,
            "partner": picking.partner_id.display_name or "",
            "origin": picking.origin or "",
            "state": picking.state,
            "state_label": states[picking.state],
            "location": picking.location_id.display_name,
            "location_dest": picking.location_dest_id.display_name,
            "lines": picking._serial_dispatch_lines(),
            **extra,
        }

    @api.model
    def _scan_message(self, refusal, nouns):
        """The service's messages, and those of the reasons only these flows give."""
        p = refusal.params
        messages = {
            "pending_elsewhere": lambda: self.env._(
                "Serial %(serial)s is already on receipt %(other)s.",
                serial=p["serial"],
                other=self._scan_other_name(p["picking_id"]),
            ),
            "already_in_stock": lambda: self.env._(
                "Serial %(serial)s is already in stock: it cannot be received twice.",
                **p,
            ),
            "product_barcode": lambda: self.env._(
                "This is the product barcode of %(product)s; scan the unit's serial "
                "label.",
                **p,
            ),
            "batch_required": lambda: self.env._(
                "%(product)s is tracked by batch: scan its GS1 label with the batch.",
                **p,
            ),
            "choose_line": lambda: self.env._(
                "Serial %(serial)s: several products of %(this)s take serials. Tap "
                "the line it belongs to, or scan the unit's GS1 label.",
                serial=p["serial"],
                this=nouns["this"],
            ),
            "reserved": lambda: self.env._(
                "Serial %(serial)s is reserved for another operation.", **p
            ),
            "location_first": lambda: self.env._(
                "Scan a location first: where the units go (or where they come from)."
            ),
            "location_needed": lambda: self.env._(
                "Scan the destination location before validating."
            ),
            "source_locked": lambda: self.env._(
                "Units from %(location)s are already scanned: validate them before "
                "choosing another source.",
                **p,
            ),
            "same_location": lambda: self.env._(
                "The units are already in %(location)s.", **p
            ),
            "other_company": lambda: self.env._(
                "%(code)s belongs to another company.", **p
            ),
        }
        factory = messages.get(refusal.reason)
        if factory:
            return factory()
        return self.env["serial.scan.service"]._scan_refusal_message(refusal, nouns)

    @api.model
    def _scan_other_name(self, picking_id):
        other = self.env["stock.picking"].sudo().browse(picking_id)
        if other.company_id in self.env.user.company_ids:
            return other.name
        return self.env._("another operation")
