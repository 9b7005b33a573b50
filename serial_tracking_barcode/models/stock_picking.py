import logging
import uuid

from psycopg2 import errors as pg_errors

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from odoo.addons.serial_tracking.tools.gs1 import Gs1Error, decode, looks_like_gs1

_logger = logging.getLogger(__name__)

BLOCKED_UNIT_STATES = ("quarantined", "recalled")
CLOSED_STATES = ("done", "cancel")


class ScanRefused(Exception):
    """A scan that must not be recorded: ``reason`` is a stable code, ``message``
    translated.
    """

    def __init__(self, reason, message):
        super().__init__(message)
        self.reason = reason
        self.message = message


class StockPicking(models.Model):
    """The dispatch screen's server side: every scan is decided here, in one
    transaction.

    Public entry points (JSON-RPC from the OWL client action):
    ``serial_dispatch_state``, ``serial_dispatch_scan``,
    ``serial_dispatch_set_quantity``, ``serial_dispatch_rescan``,
    ``serial_dispatch_summary``, ``serial_dispatch_confirm``,
    ``serial_dispatch_deliver``.

    Concurrency: a scan first locks its delivery's row and, when it records something,
    bumps ``serial_dispatch_version`` on it, so two scans of one delivery are serialized
    (the later one is retried by Odoo's request retry with a fresh snapshot). Two
    deliveries scanning one serial are arbitrated by the partial unique index of
    ``serial.dispatch.scan``.
    """

    _inherit = "stock.picking"

    serial_dispatch_scan_ids = fields.One2many(
        "serial.dispatch.scan", "picking_id", string="Dispatch Scans"
    )
    serial_dispatch_version = fields.Integer(
        copy=False,
        readonly=True,
        help="Bumped by every recorded scan: concurrent scans of one delivery "
        "serialize on it.",
    )
    serial_dispatch_confirmed = fields.Boolean(
        "Dispatch Confirmed", copy=False, readonly=True
    )

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
        return {
            "id": self.id,
            "name": self.name,
            "partner": self.partner_id.display_name or "",
            "origin": self.origin or "",
            "state": self.state,
            "state_label": dict(self._fields["state"]._description_selection(self.env))[
                self.state
            ],
            "location": self.location_id.display_name,
            "version": self.serial_dispatch_version,
            "confirmed": self.serial_dispatch_confirmed,
            "lines": self._serial_dispatch_lines(),
        }

    def serial_dispatch_scan(self, code, scan_uid):
        """Apply one scan and return a JSON-able dict.

        ``{"status": "ok"|"error", "reason": <code>, "message": <translated>, "code":
        ..., "scan_uid": ..., "replayed": bool, "lines": [<updated line>, ...],
        "version": int}``

        ``scan_uid`` is the client's idempotency key: a scan whose key was already
        recorded (a retry after a lost answer) is not applied again; its original
        outcome is returned. On any error nothing is recorded.
        """
        self._serial_dispatch_check_access()
        code = (code or "").strip()
        if not isinstance(scan_uid, str) or not 8 <= len(scan_uid) <= 64:
            raise UserError(
                self.env._("A scan needs a scan key of 8 to 64 characters.")
            )
        self._serial_dispatch_lock()
        previous = (
            self.env["serial.dispatch.scan"]
            .sudo()
            .search([("scan_uid", "=", scan_uid)], limit=1)
        )
        if previous:
            if previous.picking_id != self:
                raise UserError(
                    self.env._("This scan key belongs to another delivery.")
                )
            return self._serial_dispatch_result(
                "ok",
                "ok",
                self._serial_dispatch_ok_message(previous.product_id, previous.lot_id),
                code=code,
                scan_uid=scan_uid,
                moves=previous.move_id,
                replayed=True,
            )
        try:
            move, lot = self._serial_dispatch_record(code, scan_uid)
        except ScanRefused as refusal:
            return self._serial_dispatch_result(
                "error", refusal.reason, refusal.message, code=code, scan_uid=scan_uid
            )
        self._serial_dispatch_bump()
        return self._serial_dispatch_result(
            "ok",
            "ok",
            self._serial_dispatch_ok_message(move.product_id, lot),
            code=code,
            scan_uid=scan_uid,
            moves=move,
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
        self.serial_dispatch_confirmed = False
        self._serial_dispatch_bump()
        return self._serial_dispatch_result(
            "ok",
            "ok",
            self.env._("Quantity updated."),
            moves=move,
        )

    def serial_dispatch_rescan(self):
        """Forget every scan of this delivery: back to its reservation."""
        self._serial_dispatch_check_access()
        self._serial_dispatch_lock()
        if self.state in CLOSED_STATES:
            raise UserError(self.env._("This delivery is already closed."))
        self._serial_dispatch_drop_scans()
        self.move_ids.move_line_ids.filtered("picked").picked = False
        self.serial_dispatch_confirmed = False
        self._serial_dispatch_bump()
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
        """Row lock on the delivery: scans of one delivery run one after the other."""
        self.env.cr.execute(
            SQL("SELECT id FROM stock_picking WHERE id = %s FOR NO KEY UPDATE", self.id)
        )

    def _serial_dispatch_bump(self):
        self.env.cr.execute(
            SQL(
                "UPDATE stock_picking SET serial_dispatch_version = "
                "COALESCE(serial_dispatch_version, 0) + 1 WHERE id = %s",
                self.id,
            )
        )
        self.invalidate_recordset(["serial_dispatch_version"])

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
        moves=None,
        replayed=False,
    ):
        return {
            "status": status,
            "reason": reason,
            "message": message,
            "code": code,
            "scan_uid": scan_uid,
            "replayed": replayed,
            "lines": self._serial_dispatch_lines(moves) if moves else [],
            "version": self.serial_dispatch_version,
        }

    def _serial_dispatch_ok_message(self, product, lot):
        if lot:
            return self.env._(
                "%(product)s: serial %(serial)s scanned.",
                product=product.display_name,
                serial=lot.name,
            )
        return self.env._("%(product)s scanned.", product=product.display_name)

    def _serial_dispatch_lines(self, moves=None):
        """One dict per order line (stock.move): product, ordered, scanned, serials."""
        if moves is None:
            moves = self.move_ids.filtered(lambda m: m.state != "cancel")
        scans = {
            move.id: (qty, lots)
            for move, qty, lots in self.env["serial.dispatch.scan"]._read_group(
                [("move_id", "in", moves.ids)],
                ["move_id"],
                ["quantity:sum", "lot_id:recordset"],
            )
        }
        lines = []
        for move in moves:
            scanned, lots = scans.get(move.id, (0.0, self.env["stock.lot"]))
            lines.append(
                {
                    "id": move.id,
                    "product_id": move.product_id.id,
                    "product": move.product_id.display_name,
                    "barcode": move.product_id.barcode or "",
                    "tracking": move.product_id.tracking,
                    "ordered": move.product_qty,
                    "scanned": scanned,
                    "uom": move.product_id.uom_id.name,
                    "serials": sorted(lots.mapped("name")),
                    "complete": scanned >= move.product_qty,
                }
            )
        return lines

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
        for move in self.move_ids.filtered(lambda m: m.state not in CLOSED_STATES):
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

    # --- decoding and matching

    def _serial_dispatch_products_by_gtin(self, gtin):
        """Products whose barcode is this GTIN-14 or its GTIN-13/12/8 form."""
        candidates = {gtin, gtin[1:], gtin[2:], gtin[6:]}
        return (
            self.env["product.product"]
            .with_context(active_test=False)
            .search([("barcode", "in", sorted(candidates))])
        )

    def _serial_dispatch_lookup(self, code):
        """Return ``(lots, products)`` a code may name (both possibly empty)."""
        Lot = self.env["stock.lot"]
        company = self.company_id.id
        if looks_like_gs1(code):
            try:
                gs1 = decode(code)
            except Gs1Error:
                gs1 = None
            if gs1 and gs1.gtin:
                products = self._serial_dispatch_products_by_gtin(gs1.gtin)
                if not gs1.serial:
                    return Lot, products
                lots = Lot.search(
                    [
                        ("product_id", "in", products.ids),
                        ("company_id", "in", [company, False]),
                        "|",
                        ("name", "=", gs1.serial),
                        ("manufacturer_serial", "=", gs1.serial),
                    ]
                )
                if not lots:
                    raise ScanRefused(
                        "unknown_code",
                        self.env._(
                            "Unknown serial %(serial)s (GTIN %(gtin)s).",
                            serial=gs1.serial,
                            gtin=gs1.gtin,
                        ),
                    )
                return lots, products
        Lot.flush_model(["name", "manufacturer_serial", "company_id"])
        rows = self.env.execute_query(
            SQL(
                """SELECT id FROM stock_lot WHERE name = %(code)s AND (company_id =
                %(company)s OR company_id IS NULL) UNION SELECT id FROM stock_lot
                WHERE manufacturer_serial = %(code)s AND (company_id = %(company)s OR
                company_id IS NULL)
                """,
                code=code,
                company=company,
            )
        )
        lots = Lot.browse(row[0] for row in rows)
        if lots:
            return lots, lots.product_id
        products = (
            self.env["product.product"]
            .with_context(active_test=False)
            .search([("barcode", "=", code)], limit=1)
        )
        return Lot, products

    def _serial_dispatch_resolve(self, code):
        """Return ``(product, lot)`` named by the code for this delivery, or refuse."""
        if not code:
            raise ScanRefused("unknown_code", self.env._("Empty scan."))
        lots, products = self._serial_dispatch_lookup(code)
        open_moves = self.move_ids.filtered(lambda m: m.state not in CLOSED_STATES)
        order_products = open_moves.product_id
        lot = (
            lots.filtered(lambda lot: lot.product_id in order_products)[:1] or lots[:1]
        )
        product = lot.product_id if lot else products[:1]
        if not product:
            raise ScanRefused(
                "unknown_code",
                self.env._(
                    "Unknown barcode %(code)s: no serial or product has it.", code=code
                ),
            )
        if product not in order_products:
            raise ScanRefused(
                "product_not_in_order",
                self.env._(
                    "%(product)s is not on this delivery.", product=product.display_name
                ),
            )
        if not lot and product.tracking == "serial":
            raise ScanRefused(
                "serial_required",
                self.env._(
                    "%(product)s is tracked by serial: scan the unit's serial number.",
                    product=product.display_name,
                ),
            )
        return product, lot

    def _serial_dispatch_quant(self, lot):
        """The first line of this product that still misses units."""
        self.env["stock.quant"].flush_model(
            [
                "lot_id",
                "location_id",
                "package_id",
                "owner_id",
                "quantity",
                "reserved_quantity",
            ]
        )
        self.env["stock.location"].flush_model(["parent_path"])
        rows = self.env.execute_query_dict(
            SQL(
                """SELECT q.id, q.location_id, q.package_id, q.owner_id, q.quantity,
                q.reserved_quantity FROM stock_quant q JOIN stock_location l ON l.id
                = q.location_id WHERE q.lot_id = %(lot)s AND q.quantity > 0 AND
                l.parent_path LIKE %(path)s ORDER BY q.quantity DESC, q.id LIMIT 1
                """,
                lot=lot.id,
                path=f"{self.location_id.parent_path}%",
            )
        )
        return rows[0] if rows else None

    def _serial_dispatch_check_lot(self, lot):
        """Refuse a serial that cannot go out on this delivery; return (quant,
        own_line).
        """
        if lot.unit_state in BLOCKED_UNIT_STATES:
            state = dict(lot._fields["unit_state"]._description_selection(self.env))
            raise ScanRefused(
                "unit_blocked",
                self.env._(
                    "Serial %(serial)s is %(state)s: it must not be shipped.",
                    serial=lot.name,
                    state=state[lot.unit_state].lower(),
                ),
            )
        scan = (
            self.env["serial.dispatch.scan"]
            .sudo()
            .search([("lot_id", "=", lot.id), ("state", "=", "open")], limit=1)
        )
        if scan:
            self._serial_dispatch_refuse_scanned(lot, scan.picking_id)
        quant = self._serial_dispatch_quant(lot)
        if not quant:
            raise ScanRefused(
                "not_in_stock",
                self.env._(
                    "Serial %(serial)s is not in stock in %(location)s.",
                    serial=lot.name,
                    location=self.location_id.display_name,
                ),
            )
        self.env["stock.move.line"].flush_model(
            ["lot_id", "state", "quantity", "picking_id"]
        )
        rows = self.env.execute_query(
            SQL(
                """SELECT id, picking_id FROM stock_move_line WHERE lot_id = %s AND
                state NOT IN ('done', 'cancel') AND quantity > 0
                """,
                lot.id,
            )
        )
        elsewhere = [picking_id for _id, picking_id in rows if picking_id != self.id]
        if elsewhere:
            other = self.sudo().browse(elsewhere[0])
            raise ScanRefused(
                "reserved_elsewhere",
                self.env._(
                    "Serial %(serial)s is reserved for %(other)s.",
                    serial=lot.name,
                    other=other.name or self.env._("another operation"),
                ),
            )
        own = self.env["stock.move.line"].browse(
            [ml_id for ml_id, picking_id in rows if picking_id == self.id]
        )
        return quant, own[:1]

    def _serial_dispatch_refuse_scanned(self, lot, picking):
        if picking == self:
            message = self.env._(
                "Serial %(serial)s is already scanned on this delivery.",
                serial=lot.name,
            )
        elif picking.company_id in self.env.user.company_ids:
            message = self.env._(
                "Serial %(serial)s is already scanned on %(other)s.",
                serial=lot.name,
                other=picking.name,
            )
        else:
            message = self.env._(
                "Serial %(serial)s is already scanned on another delivery.",
                serial=lot.name,
            )
        raise ScanRefused("already_scanned", message)

    def _serial_dispatch_pick_move(self, product, own_line=None):
        """The first line of this product that still misses units (the reserved one
        first).
        """
        moves = self.move_ids.filtered(
            lambda m: m.product_id == product and m.state not in CLOSED_STATES
        )
        scanned = dict(
            self.env["serial.dispatch.scan"]._read_group(
                [("move_id", "in", moves.ids)], ["move_id"], ["quantity:sum"]
            )
        )
        open_moves = moves.filtered(lambda m: scanned.get(m, 0.0) < m.product_qty)
        if not open_moves:
            raise ScanRefused(
                "line_complete",
                self.env._(
                    "%(product)s: all ordered units are already scanned.",
                    product=product.display_name,
                ),
            )
        if own_line and own_line.move_id in open_moves:
            return own_line.move_id
        return open_moves[0]

    def _serial_dispatch_record(self, code, scan_uid):
        """Check and record one scan; return ``(move, lot)`` or raise
        :class:`ScanRefused`.
        """
        if self.state in CLOSED_STATES:
            raise ScanRefused(
                "delivery_closed",
                self.env._("Delivery %(name)s is already closed.", name=self.name),
            )
        product, lot = self._serial_dispatch_resolve(code)
        quant, own_line = self._serial_dispatch_check_lot(lot) if lot else (None, None)
        move = self._serial_dispatch_pick_move(product, own_line)
        try:
            with self.env.cr.savepoint():
                scan = self.env["serial.dispatch.scan"].create(
                    {
                        "picking_id": self.id,
                        "move_id": move.id,
                        "lot_id": lot.id if lot else False,
                        "product_id": product.id,
                        "company_id": self.company_id.id,
                        "scan_uid": scan_uid,
                        "code": code[:256],
                    }
                )
                if lot:
                    scan.move_line_id = self._serial_dispatch_take_line(
                        move, lot, quant, own_line
                    )
                self.serial_dispatch_confirmed = False
        except pg_errors.UniqueViolation as error:
            if error.diag.constraint_name == "serial_dispatch_scan__scan_uid_uniq":
                # the same scan key sent twice at once: let Odoo retry the request
                raise
            raise ScanRefused(
                "already_scanned",
                self.env._(
                    "Serial %(serial)s has just been scanned on another delivery.",
                    serial=lot.name,
                ),
            ) from error
        except UserError as error:
            raise ScanRefused("not_available", str(error)) from error
        return move, lot

    def _serial_dispatch_take_line(self, move, lot, quant, own_line):
        """Put the serial on a move line of ``move`` and mark it picked.

        The line already reserving it is used as is; otherwise an unpicked line of the
        move is switched to this serial (Odoo's move line ``write`` moves the quant
        reservation from the old serial to the new one); otherwise a new reserved line
        is created.
        """
        if own_line and own_line.move_id == move and not own_line.picked:
            own_line.picked = True
            return own_line
        if own_line:
            # Reserved on another line of this delivery that is not being filled:
            # release it.
            own_line.unlink()
        vals = {
            "lot_id": lot.id,
            "location_id": quant["location_id"],
            "package_id": quant["package_id"] or False,
            "owner_id": quant["owner_id"] or False,
            "picked": True,
        }
        free = move.move_line_ids.filtered(
            lambda ml: (
                not ml.picked and ml.product_uom_id.compare(ml.quantity, 1.0) == 0
            )
        )[:1]
        if free:
            free.write(vals)
            return free
        return self.env["stock.move.line"].create(
            {
                **vals,
                "move_id": move.id,
                "picking_id": self.id,
                "product_id": move.product_id.id,
                "product_uom_id": move.product_id.uom_id.id,
                "location_dest_id": move.location_dest_id.id,
                "quantity": 1.0,
            }
        )
