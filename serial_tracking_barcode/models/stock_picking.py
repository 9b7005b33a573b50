import logging
import uuid

from odoo import fields, models
from odoo.exceptions import AccessError, MissingError, UserError
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
    ``serial_dispatch_set_quantity``, ``serial_dispatch_unscan``,
    ``serial_dispatch_rescan``,
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
        ..., "scan_uid": ..., "replayed": bool, "lines": [<line update>, ...],
        "version": int}``; a line update is ``{"id", "product_id", "ordered",
        "scanned", "serials", "complete"}``.

        ``scan_uid`` is the client's idempotency key: a scan whose key was already
        recorded (a retry after a lost answer) is not applied again; its original
        outcome is returned. On any error nothing is recorded.

        This is the hot path of the screen: a handful of targeted queries, no wide
        ORM reads; uncommon cases fall back to the ORM.
        """
        # Record rules are applied by the lock query (no read of the delivery).
        self._serial_dispatch_check_access(check_type=False, rules=False)
        code = (code or "").strip()
        if not isinstance(scan_uid, str) or not 8 <= len(scan_uid) <= 64:
            raise UserError(
                self.env._("A scan needs a scan key of 8 to 64 characters.")
            )
        info = self._serial_dispatch_lock(scan_uid)
        if info["type_code"] != "outgoing":
            raise UserError(
                self.env._(
                    "%(name)s is not a delivery: it cannot be dispatched.",
                    name=info["name"],
                )
            )
        if info["previous"]:
            picking_id, move_id = info["previous"]
            if picking_id != self.id:
                raise UserError(
                    self.env._("This scan key belongs to another delivery.")
                )
            return self._serial_dispatch_result(
                "ok",
                "ok",
                self.env._("This scan was already recorded."),
                code=code,
                scan_uid=scan_uid,
                move_ids=[move_id],
                replayed=True,
                version=info["version"],
            )
        try:
            move_id, message, recorded = self._serial_dispatch_record(
                code, scan_uid, info
            )
        except ScanRefused as refusal:
            return self._serial_dispatch_result(
                "error",
                refusal.reason,
                refusal.message,
                code=code,
                scan_uid=scan_uid,
                version=info["version"],
            )
        if recorded:  # the fast path bumped the version and read the line back
            lines, version = recorded
        else:
            version = self._serial_dispatch_bump()
            lines = self._serial_dispatch_line_updates([move_id])
        return self._serial_dispatch_result(
            "ok",
            "ok",
            message,
            code=code,
            scan_uid=scan_uid,
            lines=lines,
            version=version,
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
        self._serial_dispatch_bump()
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
        version = self._serial_dispatch_bump()
        return self._serial_dispatch_result(
            "ok",
            "ok",
            self.env._("Serial %(serial)s removed.", serial=serial),
            move_ids=[move_id],
            version=version,
        )

    def serial_dispatch_rescan(self):
        """Forget every scan of this delivery: back to its reservation."""
        self._serial_dispatch_check_access()
        self._serial_dispatch_lock()
        if self.state in CLOSED_STATES:
            raise UserError(self.env._("This delivery is already closed."))
        self._serial_dispatch_drop_scans()
        self.move_ids.move_line_ids.filtered("picked").picked = False
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

    def _serial_dispatch_check_access(self, check_type=True, rules=True):
        """Inventory users only, with write access to the delivery; ``rules=False``
        checks the model's access rights only (the caller applies the record rules,
        see ``_serial_dispatch_lock``)."""
        self.ensure_one()
        if not self.env.user.has_group("stock.group_stock_user"):
            raise AccessError(
                self.env._("Only inventory users can dispatch deliveries.")
            )
        (self if rules else self.browse()).check_access("write")
        if check_type and self.picking_type_code != "outgoing":
            raise UserError(
                self.env._(
                    "%(name)s is not a delivery: it cannot be dispatched.",
                    name=self.name,
                )
            )

    def _serial_dispatch_lock(self, scan_uid=None):
        """Row lock on the delivery: scans of one delivery run one after the other.

        Returns what the scan needs to know about the delivery, read by the same
        query, with ``previous``: ``[picking_id, move_id]`` of the scan already
        recorded with this scan key, if any. The user's record rules for writing
        deliveries are part of the query (what ``check_access("write")`` evaluates
        record by record in Python): a delivery they forbid is not locked and
        ``check_access`` raises Odoo's usual error.
        """
        self.env.flush_all()
        rows = self.env.execute_query_dict(
            SQL(
                """
                SELECT p.name, p.state, p.company_id, t.code AS type_code,
                       l.parent_path, COALESCE(p.serial_dispatch_version, 0) AS version,
                       (SELECT JSON_BUILD_ARRAY(s.picking_id, s.move_id)
                          FROM serial_dispatch_scan s
                         WHERE s.scan_uid = %(scan_uid)s) AS previous
                  FROM stock_picking p
                  JOIN stock_picking_type t ON t.id = p.picking_type_id
                  JOIN stock_location l ON l.id = p.location_id
                 WHERE p.id = %(picking)s AND %(allowed)s
                   FOR NO KEY UPDATE OF p
                """,
                picking=self.id,
                scan_uid=scan_uid,
                allowed=self._serial_dispatch_write_rules_sql(),
            )
        )
        if not rows:
            self.check_access("write")
            raise MissingError(self.env._("This delivery no longer exists."))
        return rows[0]

    def _serial_dispatch_write_rules_sql(self):
        """The user's record rules for writing deliveries, as an SQL condition on
        ``p`` (the delivery)."""
        domain = self.env["ir.rule"]._compute_domain(self._name, "write")
        if self.env.su or not domain:
            return SQL("TRUE")
        allowed = self.sudo().with_context(active_test=False)._search(domain)
        return SQL("p.id IN %s", allowed.subselect())

    def _serial_dispatch_bump(self):
        """Bump the delivery's version: the write that serializes concurrent scans."""
        rows = self.env.execute_query(
            SQL(
                """
                UPDATE stock_picking
                   SET serial_dispatch_version =
                           COALESCE(serial_dispatch_version, 0) + 1,
                       serial_dispatch_confirmed = FALSE
                 WHERE id = %s
             RETURNING serial_dispatch_version
                """,
                self.id,
            )
        )
        self.invalidate_recordset(
            ["serial_dispatch_version", "serial_dispatch_confirmed"]
        )
        return rows[0][0]

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
        version=None,
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
            "version": self.serial_dispatch_version if version is None else version,
        }

    def _serial_dispatch_line_updates(self, move_ids):
        """What a scan changes on lines: their scanned quantity and serials."""
        return self._serial_dispatch_line_update_dicts(
            self.env.execute_query(self._serial_dispatch_line_updates_sql(move_ids))
        )

    def _serial_dispatch_line_updates_sql(self, move_ids):
        return SQL(
            """
            SELECT m.id, m.product_id, m.product_qty, COALESCE(SUM(s.quantity), 0),
                   ARRAY_REMOVE(ARRAY_AGG(l.name ORDER BY l.name), NULL)
              FROM stock_move m
         LEFT JOIN serial_dispatch_scan s ON s.move_id = m.id
         LEFT JOIN stock_lot l ON l.id = s.lot_id
             WHERE m.id = ANY(%s)
          GROUP BY m.id
            """,
            list(move_ids),
        )

    def _serial_dispatch_line_update_dicts(self, rows):
        return [
            {
                "id": move_id,
                "product_id": product_id,
                "ordered": ordered,
                "scanned": scanned,
                "serials": serials,
                "complete": scanned >= ordered,
            }
            for move_id, product_id, ordered, scanned, serials in rows
        ]

    def _serial_dispatch_lines(self, moves=None):
        """One dict per order line (stock.move): product, ordered, scanned, serials.

        One query for the quantities and serials of every line, one read of products.
        """
        move_ids = moves.ids if moves is not None else None
        self.env["serial.dispatch.scan"].flush_model()
        self.env["stock.move"].flush_model(["picking_id", "state", "product_qty"])
        rows = self.env.execute_query(
            SQL(
                """SELECT m.id, m.product_id, m.product_qty,
                          COALESCE(SUM(s.quantity), 0),
                          ARRAY_REMOVE(ARRAY_AGG(l.name ORDER BY l.name), NULL)
                     FROM stock_move m
                LEFT JOIN serial_dispatch_scan s ON s.move_id = m.id
                LEFT JOIN stock_lot l ON l.id = s.lot_id
                    WHERE %s
                 GROUP BY m.id
                 ORDER BY m.sequence, m.id""",
                SQL("m.id = ANY(%s)", move_ids)
                if move_ids is not None
                else SQL("m.picking_id = %s AND m.state != 'cancel'", self.id),
            )
        )
        products = self.env["product.product"].browse({row[1] for row in rows})
        info = {
            product.id: (
                product.display_name,
                product.barcode or "",
                product.tracking,
                product.uom_id.name,
            )
            for product in products
        }
        lines = []
        for move_id, product_id, ordered, scanned, serials in rows:
            name, barcode, tracking, uom = info[product_id]
            lines.append(
                {
                    "id": move_id,
                    "product_id": product_id,
                    "product": name,
                    "barcode": barcode,
                    "tracking": tracking,
                    "ordered": ordered,
                    "scanned": scanned,
                    "uom": uom,
                    "serials": serials,
                    "complete": scanned >= ordered,
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
        """Ids of the products whose barcode is this GTIN-14 or a shorter form."""
        candidates = sorted({gtin, gtin[1:], gtin[2:], gtin[6:]})
        return [row["id"] for row in self._serial_dispatch_products_sql(candidates)]

    def _serial_dispatch_products_sql(self, barcodes):
        self.env["product.product"].flush_model(["barcode"])
        return self.env.execute_query_dict(
            SQL(
                """
                SELECT pp.id, pt.tracking,
                       COALESCE(pt.name->>%(lang)s, pt.name->>'en_US') AS product_name
                  FROM product_product pp
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE pp.barcode = ANY(%(barcodes)s)
              ORDER BY pp.active DESC, pp.id
                """,
                barcodes=barcodes,
                lang=self.env.lang or "en_US",
            )
        )

    def _serial_dispatch_lots_sql(self, where, info):
        """Serials matching ``where`` (SQL condition on ``lot``), each with everything
        a scan decides on, in one query:

        * its product, and the product's open lines on this delivery with what each
          still misses (``moves``, ``first_open``);
        * the delivery it is already scanned on (``scanned_on``);
        * the open move lines reserving it (``lines``);
        * the quant holding it under the delivery's source location (``quant_*``);
        * the first unpicked one-unit line of ``first_open`` with the quant it
          reserves (``free_line_id``, ``free_lot_id``, ``old_quant_id``).
        """
        self.env.flush_all()
        return self.env.execute_query_dict(
            SQL(
                """
                SELECT lot.id, lot.name, lot.product_id, lot.unit_state, pt.tracking,
                       COALESCE(pt.name->>%(lang)s, pt.name->>'en_US') AS product_name,
                       mv.moves, mv.first_open, sc.picking_id AS scanned_on, mls.lines,
                       q.id AS quant_id, q.location_id, q.package_id, q.owner_id,
                       q.reserved_quantity, fl.line_id AS free_line_id,
                       fl.lot_id AS free_lot_id, fl.old_quant_id
                  FROM stock_lot lot
                  JOIN product_product pp ON pp.id = lot.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
             LEFT JOIN LATERAL (
                       SELECT JSON_AGG(JSON_BUILD_ARRAY(x.id, x.missing)
                                       ORDER BY x.seq, x.id) AS moves,
                              (ARRAY_AGG(x.id ORDER BY x.seq, x.id)
                                   FILTER (WHERE x.missing > 0))[1] AS first_open
                         FROM (SELECT m.id, MAX(m.sequence) AS seq,
                                      MAX(m.product_qty) - COALESCE(SUM(s.quantity), 0)
                                          AS missing
                                 FROM stock_move m
                            LEFT JOIN serial_dispatch_scan s ON s.move_id = m.id
                                WHERE m.picking_id = %(picking)s
                                  AND m.product_id = lot.product_id
                                  AND m.state NOT IN ('done', 'cancel')
                             GROUP BY m.id) x) mv ON TRUE
             LEFT JOIN LATERAL (
                       SELECT s.picking_id FROM serial_dispatch_scan s
                        WHERE s.lot_id = lot.id AND s.state = 'open'
                        LIMIT 1) sc ON TRUE
             LEFT JOIN LATERAL (
                       SELECT JSON_AGG(JSON_BUILD_ARRAY(ml.id, ml.picking_id,
                                                        ml.move_id, ml.picked)) AS lines
                         FROM stock_move_line ml
                        WHERE ml.lot_id = lot.id AND ml.quantity > 0
                          AND ml.state NOT IN ('done', 'cancel')) mls ON TRUE
             LEFT JOIN LATERAL (
                       SELECT q.*
                         FROM stock_quant q
                         JOIN stock_location l ON l.id = q.location_id
                        WHERE q.lot_id = lot.id AND q.quantity > 0
                          AND l.parent_path LIKE %(path)s
                     ORDER BY q.quantity DESC, q.id
                        LIMIT 1) q ON TRUE
             LEFT JOIN LATERAL (%(free_line)s) fl ON TRUE
                 WHERE (lot.company_id = %(company)s OR lot.company_id IS NULL)
                   AND %(where)s
                """,
                where=where,
                free_line=self._serial_dispatch_free_line_sql(SQL("mv.first_open")),
                picking=self.id,
                path=f"{info['parent_path']}%",
                company=info["company_id"],
                lang=self.env.lang or "en_US",
            )
        )

    def _serial_dispatch_lookup(self, code, info):
        """Return ``(lots, products)`` a code may name, as lists of dicts.

        Serials by name or manufacturer serial (index lookups), GS1 element strings and
        Digital Link URLs (GTIN + serial), else product barcodes.
        """
        if looks_like_gs1(code):
            try:
                gs1 = decode(code)
            except Gs1Error:
                gs1 = None
            if gs1 and gs1.gtin:
                product_ids = self._serial_dispatch_products_by_gtin(gs1.gtin)
                if not gs1.serial:
                    return [], self._serial_dispatch_products_sql(
                        sorted({gs1.gtin, gs1.gtin[1:], gs1.gtin[2:], gs1.gtin[6:]})
                    )
                lots = self._serial_dispatch_lots_sql(
                    SQL(
                        "lot.product_id = ANY(%(products)s) AND (lot.name = %(serial)s "
                        "OR lot.manufacturer_serial = %(serial)s)",
                        products=product_ids,
                        serial=gs1.serial,
                    ),
                    info,
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
                return lots, []
        lots = self._serial_dispatch_lots_sql(SQL("lot.name = %s", code), info)
        if not lots:
            lots = self._serial_dispatch_lots_sql(
                SQL("lot.manufacturer_serial = %s", code), info
            )
        if lots:
            return lots, []
        return [], self._serial_dispatch_products_sql([code])

    def _serial_dispatch_moves(self, product_id):
        """Open lines of the product on this delivery: ``[(move_id, missing), ...]``."""
        self.env["stock.move"].flush_model(
            ["picking_id", "product_id", "state", "product_qty", "sequence"]
        )
        return self.env.execute_query(
            SQL(
                """
                SELECT m.id, MAX(m.product_qty) - COALESCE(SUM(s.quantity), 0)
                  FROM stock_move m
             LEFT JOIN serial_dispatch_scan s ON s.move_id = m.id
                 WHERE m.picking_id = %(picking)s AND m.product_id = %(product)s
                   AND m.state NOT IN ('done', 'cancel')
              GROUP BY m.id
              ORDER BY MAX(m.sequence), m.id
                """,
                picking=self.id,
                product=product_id,
            )
        )

    def _serial_dispatch_resolve(self, code, info):
        """Return ``(product, lot, moves)`` named by the code, or refuse.

        ``product`` and ``lot`` are dicts (lot None for untracked products), ``moves``
        the product's open lines on the delivery.
        """
        if not code:
            raise ScanRefused("unknown_code", self.env._("Empty scan."))
        lots, products = self._serial_dispatch_lookup(code, info)
        if not lots and not products:
            raise ScanRefused(
                "unknown_code",
                self.env._(
                    "Unknown barcode %(code)s: no serial or product has it.", code=code
                ),
            )
        for candidate in lots or products:
            if lots:
                moves = [tuple(move) for move in candidate["moves"] or []]
            else:
                moves = self._serial_dispatch_moves(candidate["id"])
            if moves:
                break
        else:
            raise ScanRefused(
                "product_not_in_order",
                self.env._(
                    "%(product)s is not on this delivery.",
                    product=(lots or products)[0]["product_name"],
                ),
            )
        if lots:
            lot = candidate
            product = {
                "id": lot["product_id"],
                "tracking": lot["tracking"],
                "product_name": lot["product_name"],
            }
        else:
            lot, product = None, candidate
            if product["tracking"] == "serial":
                raise ScanRefused(
                    "serial_required",
                    self.env._(
                        "%(product)s is tracked by serial: scan the unit's serial "
                        "number.",
                        product=product["product_name"],
                    ),
                )
        return product, lot, moves

    def _serial_dispatch_check_lot(self, lot, info):
        """Refuse a serial that cannot go out on this delivery.

        Returns ``(state, own_line)``: the serial's state (see ``_lot_state``) and the
        line of this delivery already reserving it, ``(id, move_id, picked)`` or None.
        """
        if lot["unit_state"] in BLOCKED_UNIT_STATES:
            # the core names the reason (a recall addon names the recall)
            messages = self.env["stock.lot"].browse(lot["id"])._serial_block_messages()
            raise ScanRefused(
                "unit_blocked",
                messages.get(lot["id"])
                or self.env._(
                    "Serial %(serial)s cannot leave the warehouse.", serial=lot["name"]
                ),
            )
        state = lot
        if state["scanned_on"]:
            self._serial_dispatch_refuse_scanned(lot["name"], state["scanned_on"])
        if not state["quant_id"]:
            raise ScanRefused(
                "not_in_stock",
                self.env._(
                    "Serial %(serial)s is not in stock in %(location)s.",
                    serial=lot["name"],
                    location=self.location_id.display_name,
                ),
            )
        lines = state["lines"] or []
        elsewhere = [
            picking_id for _id, picking_id, _m, _p in lines if picking_id != self.id
        ]
        if elsewhere:
            other = self.sudo().browse(elsewhere[0])
            raise ScanRefused(
                "reserved_elsewhere",
                self.env._(
                    "Serial %(serial)s is reserved for %(other)s.",
                    serial=lot["name"],
                    other=other.name or self.env._("another operation"),
                ),
            )
        own = [(ml_id, move_id, picked) for ml_id, _p, move_id, picked in lines]
        return state, (own[0] if own else None)

    def _serial_dispatch_refuse_scanned(self, serial, picking_id):
        picking = self.sudo().browse(picking_id)
        if picking_id == self.id:
            message = self.env._(
                "Serial %(serial)s is already scanned on this delivery.", serial=serial
            )
        elif picking.company_id in self.env.user.company_ids:
            message = self.env._(
                "Serial %(serial)s is already scanned on %(other)s.",
                serial=serial,
                other=picking.name,
            )
        else:
            message = self.env._(
                "Serial %(serial)s is already scanned on another delivery.",
                serial=serial,
            )
        raise ScanRefused("already_scanned", message)

    def _serial_dispatch_record(self, code, scan_uid, info):
        """Check and record one scan; return ``(move_id, message, lines)`` or raise
        ScanRefused. ``lines`` are the line updates when the fast path computed them
        already, else None."""
        if info["state"] in CLOSED_STATES:
            raise ScanRefused(
                "delivery_closed",
                self.env._("Delivery %(name)s is already closed.", name=info["name"]),
            )
        product, lot, moves = self._serial_dispatch_resolve(code, info)
        state, own_line = (
            self._serial_dispatch_check_lot(lot, info) if lot else (None, None)
        )
        open_moves = [move_id for move_id, missing in moves if missing > 0]
        if not open_moves:
            raise ScanRefused(
                "line_complete",
                self.env._(
                    "%(product)s: all ordered units are already scanned.",
                    product=product["product_name"],
                ),
            )
        move_id = open_moves[0]
        if own_line and own_line[1] in open_moves:
            move_id = own_line[1]
        if not lot:
            self._serial_dispatch_insert_scan(move_id, product, None, scan_uid, code)
            return (
                move_id,
                self.env._("%(product)s scanned.", product=product["product_name"]),
                None,
            )
        message = self.env._(
            "%(product)s: serial %(serial)s scanned.",
            product=product["product_name"],
            serial=lot["name"],
        )
        plan = self._serial_dispatch_plan(move_id, lot, own_line)
        if plan:
            lines = self._serial_dispatch_apply_plan(
                plan, move_id, product, lot, scan_uid, code
            )
            return move_id, message, lines
        # Uncommon case (no free line of one unit, reservation elsewhere in this
        # delivery, odd quants): Odoo's own move line logic, in a savepoint.
        try:
            with self.env.cr.savepoint():
                scan_id = self._serial_dispatch_insert_scan(
                    move_id, product, lot, scan_uid, code
                )
                line = self._serial_dispatch_orm_take_line(
                    self.env["stock.move"].browse(move_id),
                    self.env["stock.lot"].browse(lot["id"]),
                    state,
                    self.env["stock.move.line"].browse(own_line[0] if own_line else []),
                )
                self.env.cr.execute(
                    SQL(
                        "UPDATE serial_dispatch_scan SET move_line_id = %s "
                        "WHERE id = %s",
                        line.id,
                        scan_id,
                    )
                )
                self.env.flush_all()
        except UserError as error:
            self.env.invalidate_all()
            raise ScanRefused("not_available", str(error)) from error
        return move_id, message, None

    def _serial_dispatch_insert_scan_sql(
        self, move_id, product, lot, scan_uid, code, line_id=None
    ):
        """The INSERT of a scan row, ``ON CONFLICT DO NOTHING`` on the partial unique
        index: a concurrent scan of the same serial waits there until the other
        transaction ends; if that one committed, PostgreSQL raises a serialization
        failure and Odoo retries the request, which then sees the scan and answers
        "already scanned"."""
        return SQL(
            """
            INSERT INTO serial_dispatch_scan
                   (picking_id, move_id, move_line_id, lot_id, product_id,
                    company_id, scan_uid, code, quantity, state, create_uid,
                    write_uid, create_date, write_date)
            VALUES (%(picking)s, %(move)s, %(line)s, %(lot)s, %(product)s,
                    %(company)s, %(uid_key)s, %(code)s, 1.0, 'open', %(user)s,
                    %(user)s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC')
       ON CONFLICT DO NOTHING
            """,
            picking=self.id,
            move=move_id,
            line=line_id,
            lot=lot["id"] if lot else None,
            product=product["id"],
            company=SQL(
                "(SELECT company_id FROM stock_picking WHERE id = %s)", self.id
            ),
            uid_key=scan_uid,
            code=code[:256],
            user=self.env.uid,
        )

    def _serial_dispatch_already_taken(self, lot, code):
        return ScanRefused(
            "already_scanned",
            self.env._(
                "Serial %(serial)s has just been scanned on another delivery.",
                serial=lot["name"] if lot else code,
            ),
        )

    def _serial_dispatch_insert_scan(
        self, move_id, product, lot, scan_uid, code, line_id=None
    ):
        """Insert the scan row; return its id, or refuse when the serial is taken."""
        rows = self.env.execute_query(
            SQL(
                "%s RETURNING id",
                self._serial_dispatch_insert_scan_sql(
                    move_id, product, lot, scan_uid, code, line_id=line_id
                ),
            )
        )
        self.env["serial.dispatch.scan"].invalidate_model()
        if not rows:
            raise self._serial_dispatch_already_taken(lot, code)
        return rows[0][0]

    def _serial_dispatch_free_line_sql(self, move):
        """SQL of the first unpicked one-unit line of the move ``move`` (an SQL
        expression) with the serial it reserves and the quant holding that
        reservation (``line_id``, ``lot_id``, ``old_quant_id``): the line a scanned
        serial can take over. The quant is found by the serial (indexed)."""
        return SQL(
            """
            SELECT fl.id AS line_id, fl.lot_id, oq.id AS old_quant_id
              FROM (SELECT ml.id, ml.lot_id, ml.product_id, ml.location_id,
                           ml.package_id, ml.owner_id
                      FROM stock_move_line ml
                      JOIN product_product fpp ON fpp.id = ml.product_id
                      JOIN product_template fpt ON fpt.id = fpp.product_tmpl_id
                     WHERE ml.move_id = %(move)s AND NOT ml.picked
                       AND ml.quantity = 1 AND ml.product_uom_id = fpt.uom_id
                  ORDER BY ml.id
                     LIMIT 1) fl
         LEFT JOIN LATERAL (
                   SELECT oq.id FROM stock_quant oq
                    WHERE oq.lot_id = fl.lot_id
                      AND oq.product_id = fl.product_id
                      AND oq.location_id = fl.location_id
                      AND oq.package_id IS NOT DISTINCT FROM fl.package_id
                      AND oq.owner_id IS NOT DISTINCT FROM fl.owner_id
                      AND oq.reserved_quantity >= 1
                 ORDER BY oq.id LIMIT 1) oq ON TRUE
            """,
            move=move,
        )

    def _serial_dispatch_plan(self, move_id, state, own_line):
        """How to put the serial on a line of the move with plain SQL, or None.

        * the serial is already reserved on an unpicked line of this move: pick it;
        * the serial is free and the move has an unpicked line of one unit reserving
          another serial: swap the serials (what ``stock.move.line.write({'lot_id'})``
          does: the old quant gives back its reservation, the new one takes it).
        """
        if own_line:
            line_id, line_move_id, picked = own_line
            if line_move_id == move_id and not picked:
                return {"kind": "pick", "line_id": line_id}
            return None
        if state["reserved_quantity"]:
            return None
        if move_id == state["first_open"]:
            # Found by the lookup query already.
            free = {
                "line_id": state["free_line_id"],
                "lot_id": state["free_lot_id"],
                "old_quant_id": state["old_quant_id"],
            }
        else:
            rows = self.env.execute_query_dict(
                self._serial_dispatch_free_line_sql(SQL("%s", move_id))
            )
            free = rows[0] if rows else {}
        if not free.get("line_id") or not free.get("old_quant_id"):
            return None
        return {"kind": "swap", **free}

    def _serial_dispatch_apply_plan(self, plan, move_id, product, lot, scan_uid, code):
        """Record the scan and its plan in one statement batch: the scan row, move
        line, quants, move, unit states and the delivery's version bump, then read
        back the move's line update. Every statement after the INSERT only acts if
        the scan row went in (the serial was not taken by a concurrent scan).
        Returns the line updates (see ``_serial_dispatch_line_updates``)."""
        user = self.env.uid
        recorded = SQL(
            "EXISTS (SELECT 1 FROM serial_dispatch_scan WHERE scan_uid = %s)",
            scan_uid,
        )
        statements = [
            SQL(
                "%s;",
                self._serial_dispatch_insert_scan_sql(
                    move_id, product, lot, scan_uid, code, line_id=plan["line_id"]
                ),
            )
        ]
        if plan["kind"] == "pick":
            statements.append(
                SQL(
                    """
                    UPDATE stock_move_line SET picked = TRUE, write_uid = %(user)s,
                           write_date = NOW() AT TIME ZONE 'UTC'
                     WHERE id = %(line)s AND %(recorded)s;
                    """,
                    line=plan["line_id"],
                    user=user,
                    recorded=recorded,
                )
            )
        else:
            statements += [
                SQL(
                    """
                    UPDATE stock_quant
                       SET reserved_quantity = reserved_quantity
                               + CASE WHEN id = %(new_quant)s THEN 1 ELSE -1 END,
                           write_date = NOW() AT TIME ZONE 'UTC', write_uid = %(user)s
                     WHERE id IN (%(old_quant)s, %(new_quant)s) AND %(recorded)s;
                    UPDATE stock_move_line
                       SET lot_id = %(lot)s, location_id = %(location)s,
                           package_id = %(package)s, owner_id = %(owner)s,
                           picked = TRUE, write_date = NOW() AT TIME ZONE 'UTC',
                           write_uid = %(user)s
                     WHERE id = %(line)s AND %(recorded)s;
                    """,
                    old_quant=plan["old_quant_id"],
                    new_quant=lot["quant_id"],
                    lot=lot["id"],
                    location=lot["location_id"],
                    package=lot["package_id"],
                    owner=lot["owner_id"],
                    line=plan["line_id"],
                    user=user,
                    recorded=recorded,
                ),
                self.env["stock.lot"]._unit_state_reservation_sql(
                    reserved_id=lot["id"], released_id=plan["lot_id"], where=recorded
                ),
            ]
        statements += [
            SQL(
                """
                UPDATE stock_move SET picked = TRUE
                 WHERE id = %(move)s AND NOT picked AND %(recorded)s;
                UPDATE stock_picking
                   SET serial_dispatch_version =
                           COALESCE(serial_dispatch_version, 0) + 1,
                       serial_dispatch_confirmed = FALSE
                 WHERE id = %(picking)s AND %(recorded)s;
                """,
                move=move_id,
                picking=self.id,
                recorded=recorded,
            ),
            SQL(
                "SELECT %s AS recorded, *, %s AS version FROM (%s) lines",
                recorded,
                SQL(
                    "(SELECT serial_dispatch_version FROM stock_picking WHERE id = %s)",
                    self.id,
                ),
                self._serial_dispatch_line_updates_sql([move_id]),
            ),
        ]
        self.env.cr.execute(SQL("\n").join(statements))
        rows = self.env.cr.fetchall()
        if not rows or not rows[0][0]:
            raise self._serial_dispatch_already_taken(lot, code)
        self._serial_dispatch_invalidate(plan, move_id, lot)
        return self._serial_dispatch_line_update_dicts(
            [row[1:-1] for row in rows]
        ), rows[0][-1]

    def _serial_dispatch_invalidate(self, plan, move_id, lot):
        """Forget cached values written by the SQL of the fast path."""
        self.env["serial.dispatch.scan"].invalidate_model()
        self.env["stock.move.line"].browse(plan["line_id"]).invalidate_recordset()
        self.env["stock.move"].browse(move_id).invalidate_recordset(["picked"])
        self.invalidate_recordset(
            ["serial_dispatch_version", "serial_dispatch_confirmed"]
        )
        if plan["kind"] == "swap":
            self.env["stock.quant"].browse(
                [plan["old_quant_id"], lot["quant_id"]]
            ).invalidate_recordset()
            self.env["stock.lot"].browse(
                [lot["id"], plan["lot_id"]]
            ).invalidate_recordset(["unit_state", "write_uid", "write_date"])

    def _serial_dispatch_orm_take_line(self, move, lot, quant, own_line):
        """General case through the ORM (Odoo's move line write/create/unlink keep the
        quant reservations in sync)."""
        if own_line:
            # Reserved on another line of this delivery that is not being filled.
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
