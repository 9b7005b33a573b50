import uuid

from odoo import fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.serial_tracking.models.stock_lot import CLOSED_STATES

from ..tools.dispatch_lines import dispatch_lines, line_update_dicts, line_updates_sql


class StockPicking(models.Model):
    """The dispatch screen's server side. A scan runs on the scan engine
    (``serial.scan.service``) configured as the dispatch flow
    (``serial.scan.dispatch``); this class holds the screen's entry points and
    Odoo's flow hooks.

    Public entry points (JSON-RPC from the OWL client action):
    ``serial_dispatch_state``, ``serial_dispatch_scan``,
    ``serial_dispatch_set_quantity``, ``serial_dispatch_unscan``,
    ``serial_dispatch_rescan``,
    ``serial_dispatch_summary``, ``serial_dispatch_confirm``,
    ``serial_dispatch_deliver``.

    Concurrency: scans share a lock on their delivery's row and write nothing on it,
    so several people scan one delivery at once; Rescan, Confirm and Deliver take
    it exclusively. Two deliveries scanning one serial are arbitrated by the partial
    unique index of ``serial.dispatch.scan``.
    """

    _inherit = "stock.picking"

    serial_dispatch_scan_ids = fields.One2many(
        "serial.dispatch.scan", "picking_id", string="Dispatch Scans"
    )
    serial_dispatch_confirmed = fields.Boolean(
        "Dispatch Confirmed", copy=False, readonly=True
    )
    # The transfer by scan (serial.scan.transfer): which locations were scanned.
    serial_scan_transfer = fields.Boolean("Transfer by Scan", copy=False, readonly=True)
    serial_transfer_source_set = fields.Boolean(copy=False, readonly=True)
    serial_transfer_dest_set = fields.Boolean(copy=False, readonly=True)

    # --- CRUD / Odoo flow hooks

    def _action_done(self):
        res = super()._action_done()
        done = self.filtered(lambda p: p.state == "done")
        if done:
            self.env["serial.dispatch.scan"].sudo().search(
                [("picking_id", "in", done.ids), ("state", "=", "open")]
            ).write({"state": "done"})
        return res

    def action_cancel(self):
        res = super().action_cancel()
        self.filtered(lambda p: p.state == "cancel")._serial_dispatch_drop_scans()
        return res

    def do_unreserve(self):
        # The scans point at reserved move lines that unreserving deletes: start over.
        self._serial_dispatch_drop_scans()
        self.serial_dispatch_confirmed = False
        return super().do_unreserve()

    # ------------------------------------------------------------------ actions

    def action_serial_dispatch(self):
        self.ensure_one()
        self._serial_dispatch_check_access()
        return {
            "type": "ir.actions.client",
            "tag": "serial_tracking_barcode.dispatch",
            "name": self.env._("Dispatch %(name)s", name=self.name),
            "params": {"picking_id": self.id},
            "context": {"active_id": self.id, "active_model": "stock.picking"},
        }

    # --- public scan service

    def serial_dispatch_state(self):
        """Everything the dispatch screen shows for this delivery."""
        self._serial_dispatch_check_access()
        return self.env["serial.scan.flow"]._scan_state(
            self,
            confirmed=self.serial_dispatch_confirmed,
            # A stock manager may ship an expired unit ("Ship anyway" on the screen).
            can_override=self.env.user.has_group("stock.group_stock_manager"),
        )

    def serial_dispatch_scan(self, code, scan_uid, override_expired=False):
        """Apply one scan and return a JSON-able dict.

        ``{"status": "ok"|"error", "reason": <code>, "message": <translated>, "code":
        ..., "scan_uid": ..., "replayed": bool, "lines": [<line update>, ...]}``; a
        line update is ``{"id", "product_id", "ordered", "scanned", "serials",
        "complete"}``.

        ``scan_uid`` is the client's idempotency key: a scan whose key was already
        recorded (a retry after a lost answer) is not applied again; its original
        outcome is returned. On any error nothing is recorded. ``override_expired``
        (stock managers only) ships an expired unit, noted on its timeline.
        """
        self.ensure_one()
        return self.env["serial.scan.dispatch"]._scan(
            self, code, scan_uid, override_expired=override_expired
        )

    def serial_dispatch_set_quantity(self, move_id, quantity):
        """Set the scanned quantity of a line by hand (untracked products)."""
        self._serial_dispatch_check_access()
        self._serial_dispatch_lock()
        move = self.move_ids.filtered(
            lambda m: m.id == move_id and m.state not in CLOSED_STATES
        )
        if not move:
            raise UserError(self.env._("This line is not part of the delivery."))
        if move.product_id.tracking == "serial":
            raise UserError(
                self.env._(
                    "%(product)s is tracked by serial: scan each unit instead.",
                    product=move.product_id.display_name,
                )
            )
        if (
            not isinstance(quantity, int | float)
            or quantity < 0
            or quantity > move.product_qty
        ):
            raise UserError(
                self.env._(
                    "The quantity of %(product)s must be between 0 and %(max)s.",
                    product=move.product_id.display_name,
                    max=move.product_qty,
                )
            )
        scans = self.env["serial.dispatch.scan"].search(
            [("move_id", "=", move.id), ("state", "=", "open")]
        )
        scans.unlink()
        if quantity:
            self.env["serial.dispatch.scan"].create(
                {
                    "picking_id": self.id,
                    "move_id": move.id,
                    "product_id": move.product_id.id,
                    "company_id": self.company_id.id,
                    "scan_uid": f"manual-{uuid.uuid4()}",
                    "quantity": quantity,
                }
            )
        self._serial_dispatch_unconfirm()
        return self._serial_dispatch_result(
            "ok",
            "ok",
            self.env._("Quantity updated."),
            move_ids=move.ids,
        )

    def serial_dispatch_unscan(self, serial):
        """Take one scanned serial off the delivery (a wrong scan): its scan is
        forgotten and its move line is no longer picked; the serial stays reserved on
        the line, as after a Rescan."""
        self._serial_dispatch_check_access()
        self._serial_dispatch_lock()
        if self.state in CLOSED_STATES:
            raise UserError(self.env._("This delivery is already closed."))
        scan = (
            self.env["serial.dispatch.scan"]
            .sudo()
            .search(
                [
                    ("picking_id", "=", self.id),
                    ("state", "=", "open"),
                    ("lot_id.name", "=", serial),
                ],
                limit=1,
            )
        )
        if not scan:
            raise UserError(
                self.env._(
                    "Serial %(serial)s is not scanned on this delivery.", serial=serial
                )
            )
        move_id, line_id = scan.move_id.id, scan.move_line_id.id
        scan.unlink()
        if line_id:
            self.env["stock.move.line"].browse(line_id).picked = False
        self._serial_dispatch_unconfirm()
        return self._serial_dispatch_result(
            "ok",
            "ok",
            self.env._("Serial %(serial)s removed.", serial=serial),
            move_ids=[move_id],
        )

    def serial_dispatch_rescan(self):
        """Forget every scan of this delivery: back to its reservation."""
        self._serial_dispatch_check_access()
        self._serial_dispatch_lock()
        if self.state in CLOSED_STATES:
            raise UserError(self.env._("This delivery is already closed."))
        self._serial_dispatch_drop_scans()
        self.move_ids.move_line_ids.filtered("picked").picked = False
        self._serial_dispatch_unconfirm()
        return self.serial_dispatch_state()

    def serial_dispatch_summary(self):
        """Does the shipment match the order? Complete lines, missing and extra
        quantities.
        """
        self._serial_dispatch_check_access()
        lines = self._serial_dispatch_lines()
        for line in lines:
            line["missing"] = max(line["ordered"] - line["scanned"], 0)
            line["extra"] = max(line["scanned"] - line["ordered"], 0)
        scanned = sum(line["scanned"] for line in lines)
        return {
            "lines": lines,
            "complete": all(
                not line["missing"] and not line["extra"] for line in lines
            ),
            "scanned": scanned,
            "missing": sum(line["missing"] for line in lines),
            "extra": sum(line["extra"] for line in lines),
            "complete_lines": sum(1 for line in lines if line["complete"]),
        }

    def serial_dispatch_confirm(self):
        """Confirm the shipment as scanned: scanned quantities become the delivery's
        picked quantities. Returns the summary.
        """
        self._serial_dispatch_check_access()
        self._serial_dispatch_lock()
        summary = self.serial_dispatch_summary()
        if not summary["scanned"]:
            raise UserError(self.env._("Nothing has been scanned yet."))
        self._serial_dispatch_apply()
        self.serial_dispatch_confirmed = True
        self.message_post(
            body=self.env._(
                "Dispatch confirmed: %(scanned)s unit(s) scanned, %(missing)s missing.",
                scanned=summary["scanned"],
                missing=summary["missing"],
            )
        )
        return summary

    def serial_dispatch_deliver(self):
        """Validate the delivery with what was scanned.

        Returns ``{"status": "done", "state": ...}`` or, when Odoo needs a choice
        (backorder wizard on a partial shipment), ``{"status": "action", "action": <Odoo
        action>}``.
        """
        self._serial_dispatch_check_access()
        self._serial_dispatch_lock()
        if self.state == "done":
            return {"status": "done", "state": self.serial_dispatch_state()}
        if self.state == "cancel":
            raise UserError(self.env._("This delivery is cancelled."))
        if not self.serial_dispatch_scan_ids.filtered(lambda s: s.state == "open"):
            raise UserError(self.env._("Nothing has been scanned yet."))
        self._serial_dispatch_apply()
        res = self.button_validate()
        if isinstance(res, dict):
            return {"status": "action", "action": res}
        return {"status": "done", "state": self.serial_dispatch_state()}

    # ------------------------------------------------------------------ helpers

    def _serial_dispatch_check_access(self):
        """Inventory users only, with write access to the delivery."""
        self.ensure_one()
        if not self.env.user.has_group("stock.group_stock_user"):
            raise AccessError(
                self.env._("Only inventory users can dispatch deliveries.")
            )
        self.check_access("write")
        if self.picking_type_code != "outgoing":
            raise UserError(
                self.env._(
                    "%(name)s is not a delivery: it cannot be dispatched.",
                    name=self.name,
                )
            )

    def _serial_dispatch_lock(self):
        """Exclusive lock on the delivery: waits for the scans in flight (see
        ``serial.scan.service._scan_lock_picking``)."""
        return self.env["serial.scan.service"]._scan_lock_picking(self, "update")

    def _serial_dispatch_unconfirm(self):
        """What was confirmed changed: confirm again (written only when set, so
        scans do not write the delivery's row)."""
        if self.serial_dispatch_confirmed:
            self.serial_dispatch_confirmed = False

    def _serial_dispatch_drop_scans(self):
        if self:
            self.env["serial.dispatch.scan"].sudo().search(
                [("picking_id", "in", self.ids), ("state", "=", "open")]
            ).unlink()

    def _serial_dispatch_result(
        self,
        status,
        reason,
        message,
        code="",
        scan_uid=None,
        move_ids=None,
        replayed=False,
        lines=None,
    ):
        """A scan service answer; ``lines`` are the line updates when the caller has
        them already, else they are read for ``move_ids``."""
        if lines is None:
            lines = self._serial_dispatch_line_updates(move_ids) if move_ids else []
        return {
            "status": status,
            "reason": reason,
            "message": message,
            "code": code,
            "scan_uid": scan_uid,
            "replayed": replayed,
            "lines": lines,
        }

    def _serial_dispatch_line_updates(self, move_ids):
        """What a scan changes on lines: their scanned quantity and serials."""
        return line_update_dicts(self.env.execute_query(line_updates_sql(move_ids)))

    def _serial_dispatch_lines(self, moves=None):
        """One dict per order line (stock.move), see ``tools/dispatch_lines.py``."""
        return dispatch_lines(self, moves)

    def _serial_dispatch_apply(self):
        """Make the delivery's picked quantities what was scanned.

        Serial lines are already right (each scan picks its move line); other lines get
        their scanned quantity and are picked, unscanned ones are left unpicked
        (backorder).
        """
        scanned = {
            move.id: qty
            for move, qty in self.env["serial.dispatch.scan"]._read_group(
                [("picking_id", "=", self.id), ("state", "=", "open")],
                ["move_id"],
                ["quantity:sum"],
            )
        }
        moves = self.move_ids.filtered(lambda m: m.state not in CLOSED_STATES)
        # Scans write what the moves and the delivery derive from their lines
        # (``picked``; a new line's ``quantity``, states, weight) only when nobody
        # else was (serial.scan.placement): derive all of it as Odoo does.
        self.env.add_to_compute(self.env["stock.move"]._fields["picked"], moves)
        moves.move_line_ids.modified(["quantity", "picked"])
        moves._recompute_state()
        moves.modified(["state"])  # the delivery's state, the lines' (related)
        for move in moves:
            if move.product_id.tracking == "serial":
                continue
            quantity = scanned.get(move.id, 0.0)
            if quantity:
                move.quantity = move.product_id.uom_id._compute_quantity(
                    quantity, move.product_uom
                )
                move.picked = True
            else:
                move.move_line_ids.picked = False
