from collections import defaultdict

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, mute_logger

from odoo.addons.serial_tracking.models.stock_lot import INTERNAL_USAGES

# Why a scanned unit is not one this location expected.
REASON_ELSEWHERE = "elsewhere"  # in our stock at another location: moved here
REASON_RESERVED = "reserved"  # reserved there by another transfer: left alone
REASON_NOT_IN_STOCK = "not_in_stock"  # delivered, scrapped, never received: found
REASON_UNKNOWN = "unknown"  # no unit has the serial: received if allowed
REASON_MOVED = "moved"  # left this location after it was scanned: not counted twice


class SerialCount(models.Model):
    """A count of one location, by serial. Scans are saved rows
    (``serial.count.line``): a count can be left, resumed and shared. Nothing
    touches stock until ``action_apply``, which hands the result to Odoo's own
    inventory mode of ``stock.quant``."""

    _name = "serial.count"
    _description = "Stock Count by Serial"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        required=True, default=lambda self: self.env._("Count"), copy=False
    )
    location_id = fields.Many2one(
        "stock.location",
        required=True,
        check_company=True,
        domain="[('usage', '=', 'internal')]",
        index=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    state = fields.Selection(
        [("draft", "Counting"), ("done", "Applied"), ("cancel", "Cancelled")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
    )
    allow_unknown = fields.Boolean(
        "Receive unknown serials",
        help="Serials read from GS1 labels that no unit has yet are received here "
        "as found when the count is applied.",
    )
    line_ids = fields.One2many("serial.count.line", "count_id", "Scans")
    date_done = fields.Datetime("Applied on", readonly=True, copy=False)
    found_count = fields.Integer(compute="_compute_counts")
    missing_count = fields.Integer(compute="_compute_counts")
    unexpected_count = fields.Integer(compute="_compute_counts")
    applied_counts = fields.Json(readonly=True, copy=False)

    def _compute_counts(self):
        for count in self:
            if count.state == "done" and count.applied_counts:
                totals = count.applied_counts
            else:
                result = count._count_result() if count.id else None
                totals = {
                    "found": len(result["found"]) if result else 0,
                    "missing": len(result["missing"]) if result else 0,
                    "unexpected": len(result["unexpected"]) if result else 0,
                }
            count.found_count = totals["found"]
            count.missing_count = totals["missing"]
            count.unexpected_count = totals["unexpected"]

    @api.constrains("location_id")
    def _check_location(self):
        for count in self:
            if count.location_id.usage != "internal":
                raise UserError(
                    self.env._(
                        "%(location)s is not a stock location: only internal "
                        "locations can be counted.",
                        location=count.location_id.display_name,
                    )
                )

    # -- scanning ---------------------------------------------------------------

    def action_scan(self, code):
        """Count one scanned code. Returns ``{"status": "ok"|"error", "message",
        "kind"}``, kind ``found`` / ``unexpected`` / ``quantity``."""
        self.ensure_one()
        self._check_draft()
        Line = self.env["serial.count.line"]
        try:
            vals = Line._resolve_code(code, self.company_id)
        except UserError as error:
            return {"status": "error", "message": error.args[0], "kind": False}
        product = self.env["product.product"].browse(vals["product_id"])
        label = (
            vals.get("lot_name")
            or self.env["stock.lot"].browse(vals.get("lot_id")).name
        )
        if vals["is_serial"]:
            domain = [("count_id", "=", self.id), ("is_serial", "=", True)]
            domain += (
                [("lot_id", "=", vals["lot_id"])]
                if vals.get("lot_id")
                else [
                    ("lot_id", "=", False),
                    ("product_id", "=", product.id),
                    ("lot_name", "=", vals["lot_name"]),
                ]
            )
            if Line.search_count(domain, limit=1) or not self._insert_line(vals):
                return {
                    "status": "error",
                    "kind": False,
                    "message": self.env._(
                        "%(serial)s is already counted.", serial=label
                    ),
                }
            kind = (
                "found"
                if vals.get("lot_id") and self._lots_here([vals["lot_id"]])
                else "unexpected"
            )
        else:
            self._insert_line(vals)
            kind = "quantity"
        return {
            "status": "ok",
            "kind": kind,
            "message": self.env._(
                "%(product)s %(serial)s counted.",
                product=product.display_name,
                serial=label or "",
            ),
        }

    def _insert_line(self, vals):
        """Insert one scan row; False when the database refuses it as a double scan
        (the same unit scanned by someone else at the same moment)."""
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                self.env["serial.count.line"].create({**vals, "count_id": self.id})
        except psycopg2.errors.UniqueViolation:
            return False
        return True

    def action_remove_scan(self, line_id):
        self.ensure_one()
        self._check_draft()
        self.line_ids.filtered(lambda line: line.id == line_id).unlink()
        return True

    def _check_draft(self):
        if self.state != "draft":
            raise UserError(self.env._("The count %(name)s is closed.", name=self.name))

    # -- the result ---------------------------------------------------------------

    def _subtree(self):
        return SQL(
            "(SELECT id FROM stock_location WHERE parent_path LIKE %s)",
            f"{self.location_id.parent_path}%",
        )

    def _lots_here(self, lot_ids):
        return {
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """SELECT lot_id FROM stock_quant
                        WHERE lot_id = ANY(%s) AND quantity > 0
                          AND location_id IN %s""",
                    lot_ids,
                    self._subtree(),
                )
            )
        }

    def _count_result(self, lock=False):
        """What the count found, set-based (four queries whatever the size).

        ``found``: unit ids scanned and recorded here; ``missing``: quant ids of units
        recorded here and not scanned; ``unexpected``: dicts (``lot_id``,
        ``product_id``, ``lot_name``, ``reason``, ``quant_id``) of units scanned but
        not recorded here; ``quantities``: per (product, batch) of untracked and
        lot-tracked products, ``expected`` and ``counted``.
        """
        self.ensure_one()
        self.env["stock.quant"].flush_model()
        self.env["serial.count.line"].flush_model()
        self.env["stock.move.line"].flush_model(
            ["lot_id", "state", "date", "location_id", "location_dest_id"]
        )
        quants = self.env.execute_query(
            SQL(
                """SELECT q.id, q.lot_id, q.product_id, q.quantity, pt.tracking,
                          q.location_id
                     FROM stock_quant q
                     JOIN product_product pp ON pp.id = q.product_id
                     JOIN product_template pt ON pt.id = pp.product_tmpl_id
                    WHERE q.location_id IN %(here)s AND q.quantity != 0
                      AND pt.is_storable %(lock)s""",
                here=self._subtree(),
                lock=SQL("FOR UPDATE OF q") if lock else SQL(""),
            )
        )
        scans = self.env.execute_query(
            SQL(
                """SELECT lot_id, product_id, lot_name, is_serial, SUM(quantity),
                          MIN(create_date)
                     FROM serial_count_line WHERE count_id = %s
                 GROUP BY lot_id, product_id, lot_name, is_serial""",
                self.id,
            )
        )
        serial_here = {
            lot_id: quant_id
            for quant_id, lot_id, _p, qty, tracking, _l in quants
            if tracking == "serial" and lot_id and qty > 0
        }
        scanned_at = {row[0]: row[5] for row in scans if row[3] and row[0]}
        found = [lot_id for lot_id in scanned_at if lot_id in serial_here]
        missing = [q for lot, q in serial_here.items() if lot not in scanned_at]
        strangers = [lot_id for lot_id in scanned_at if lot_id not in serial_here]
        unexpected = [
            {
                "lot_id": False,
                "product_id": product_id,
                "lot_name": lot_name,
                "reason": REASON_UNKNOWN,
                "quant_id": False,
            }
            for lot_id, product_id, lot_name, is_serial, _q, _d in scans
            if is_serial and not lot_id
        ]
        unexpected += self._where_are(strangers, scanned_at)
        expected_qty = defaultdict(float)
        for _id, lot_id, product_id, qty, tracking, _l in quants:
            if tracking != "serial":
                expected_qty[product_id, lot_id or False, False] += qty
        counted_qty = defaultdict(float)
        for lot_id, product_id, lot_name, is_serial, qty, _d in scans:
            if not is_serial:
                counted_qty[product_id, lot_id or False, lot_name or False] += qty
        quantities = [
            {
                "product_id": key[0],
                "lot_id": key[1],
                "lot_name": key[2],
                "expected": expected_qty.get(key, 0.0),
                "counted": counted_qty.get(key, 0.0),
            }
            for key in sorted(expected_qty.keys() | counted_qty.keys(), key=str)
        ]
        return {
            "found": found,
            "missing": missing,
            "unexpected": [u for u in unexpected if u["reason"] != REASON_MOVED],
            "moved": [u["lot_id"] for u in unexpected if u["reason"] == REASON_MOVED],
            "quantities": quantities,
        }

    def _where_are(self, lot_ids, scanned_at):
        """Where the scanned units that are not here are recorded (one query)."""
        if not lot_ids:
            return []
        rows = self.env.execute_query(
            SQL(
                """SELECT lot.id, lot.product_id, q.id, q.reserved_quantity,
                          (SELECT MAX(ml.date) FROM stock_move_line ml
                            WHERE ml.lot_id = lot.id AND ml.state = 'done'
                              AND ml.location_id IN %(here)s
                              AND ml.location_dest_id NOT IN %(here)s)
                     FROM stock_lot lot
                LEFT JOIN LATERAL (
                          SELECT q.id, q.reserved_quantity FROM stock_quant q
                            JOIN stock_location l ON l.id = q.location_id
                           WHERE q.lot_id = lot.id AND q.quantity > 0
                             AND l.usage IN %(internal)s
                           LIMIT 1) q ON TRUE
                    WHERE lot.id = ANY(%(ids)s)""",
                here=self._subtree(),
                internal=INTERNAL_USAGES,
                ids=lot_ids,
            )
        )
        result = []
        for lot_id, product_id, quant_id, reserved, left_at in rows:
            # move line dates are stored to the second, scan times are not
            if left_at and left_at >= scanned_at[lot_id].replace(microsecond=0):
                reason = REASON_MOVED
            elif quant_id:
                reason = REASON_RESERVED if reserved else REASON_ELSEWHERE
            else:
                reason = REASON_NOT_IN_STOCK
            result.append(
                {
                    "lot_id": lot_id,
                    "product_id": product_id,
                    "lot_name": False,
                    "reason": reason,
                    "quant_id": quant_id or False,
                }
            )
        return result

    def get_summary(self):
        """The live result for the screen: per product, found / missing /
        unexpected units and counted quantities."""
        self.ensure_one()
        result = self._count_result()
        Quant = self.env["stock.quant"]
        rows = defaultdict(
            lambda: {
                "found": 0,
                "missing": 0,
                "unexpected": 0,
                "expected_qty": 0.0,
                "counted_qty": 0.0,
            }
        )
        lots = self.env["stock.lot"].browse(result["found"])
        for lot in lots:
            rows[lot.product_id.id]["found"] += 1
        for quant in Quant.browse(result["missing"]):
            rows[quant.product_id.id]["missing"] += 1
        for unit in result["unexpected"]:
            rows[unit["product_id"]]["unexpected"] += 1
        for qty in result["quantities"]:
            rows[qty["product_id"]]["expected_qty"] += qty["expected"]
            rows[qty["product_id"]]["counted_qty"] += qty["counted"]
        products = self.env["product.product"].browse(list(rows))
        return {
            "state": self.state,
            "location": self.location_id.display_name,
            "products": [
                {
                    "product_id": product.id,
                    "product": product.display_name,
                    **rows[product.id],
                }
                for product in products
            ],
            "found": len(result["found"]),
            "missing": len(result["missing"]),
            "unexpected": len(result["unexpected"]),
        }

    # -- applying -------------------------------------------------------------------

    def action_apply(self):
        """Turn the result into Odoo inventory adjustments, once, after the user
        confirmed: missing units and quantity differences through ``stock.quant``'s
        inventory mode (``inventory_quantity`` + ``action_apply_inventory``), units
        found here but recorded at another stock location relocated here
        (``move_quants``, as the Physical Inventory's *Relocate*), units found here
        but not in stock (and unknown serials, when allowed) counted in here."""
        self.ensure_one()
        self._lock_for_apply()
        result = self._count_result(lock=True)
        Quant = self.env["stock.quant"].with_context(
            inventory_mode=True, inventory_name=self.name
        )
        here = self.location_id
        to_apply = Quant.browse(result["missing"])
        to_apply.inventory_quantity = 0
        quantity_quants, new_quant_vals = self._apply_quantities(result, Quant)
        to_apply |= quantity_quants
        relocate = Quant.browse()
        found_lots = self.env["stock.lot"].browse(result["found"])
        counted_in = self.env["stock.lot"]
        for unit in result["unexpected"]:
            if unit["reason"] == REASON_ELSEWHERE:
                relocate |= Quant.browse(unit["quant_id"])
            elif unit["reason"] == REASON_NOT_IN_STOCK:
                new_quant_vals.append(
                    {
                        "product_id": unit["product_id"],
                        "lot_id": unit["lot_id"],
                        "inventory_quantity": 1,
                    }
                )
                counted_in |= counted_in.browse(unit["lot_id"])
        unknown = [u for u in result["unexpected"] if u["reason"] == REASON_UNKNOWN]
        unknown_qty = [
            q for q in result["quantities"] if q["lot_name"] and not q["lot_id"]
        ]
        if self.allow_unknown and (unknown or unknown_qty):
            new_lots = self.env["stock.lot"].create(
                [
                    {
                        "product_id": u["product_id"],
                        "name": u["lot_name"],
                        "company_id": self.company_id.id,
                    }
                    for u in unknown + unknown_qty
                ]
            )
            for lot, item in zip(new_lots, unknown + unknown_qty, strict=True):
                new_quant_vals.append(
                    {
                        "product_id": lot.product_id.id,
                        "lot_id": lot.id,
                        "inventory_quantity": item.get("counted", 1),
                    }
                )
            counted_in |= new_lots.filtered(lambda lot: lot.tracking == "serial")
        if new_quant_vals:
            to_apply |= Quant.create(
                [{**vals, "location_id": here.id} for vals in new_quant_vals]
            )
        to_apply = to_apply.filtered(lambda q: q.inventory_diff_quantity)
        if to_apply:
            action = to_apply.action_apply_inventory()
            if action:
                raise UserError(
                    self.env._(
                        "Stock at %(location)s changed while it was counted; open "
                        "the count again and apply it once more.",
                        location=here.display_name,
                    )
                )
        if relocate:
            relocate.move_quants(location_dest_id=here, message=self.name)
        self._log_counted(found_lots, counted_in | relocate.lot_id, result)
        self.write(
            {
                "state": "done",
                "date_done": fields.Datetime.now(),
                "applied_counts": {
                    "found": len(result["found"]),
                    "missing": len(result["missing"]),
                    "unexpected": len(result["unexpected"]),
                },
            }
        )
        return True

    def _apply_quantities(self, result, Quant):
        """Batches and untracked products: the quant at the counted location holds
        the counted quantity, those of its sublocations none (one search)."""
        here = self.location_id
        keys = [q for q in result["quantities"] if q["lot_id"] or not q["lot_name"]]
        quants = Quant.search(
            [
                ("product_id", "in", list({q["product_id"] for q in keys})),
                ("location_id", "child_of", here.id),
                ("package_id", "=", False),
                ("owner_id", "=", False),
            ]
        )
        by_key = defaultdict(Quant.browse)
        for quant in quants:
            by_key[quant.product_id.id, quant.lot_id.id or False] |= quant
        to_apply, new_quant_vals = Quant.browse(), []
        for qty in keys:
            key_quants = by_key[qty["product_id"], qty["lot_id"]]
            at_here = key_quants.filtered(lambda q: q.location_id == here)[:1]
            elsewhere = (key_quants - at_here).filtered("quantity")
            elsewhere.inventory_quantity = 0
            to_apply |= elsewhere
            if at_here:
                at_here.inventory_quantity = qty["counted"]
                to_apply |= at_here
            elif qty["counted"]:
                new_quant_vals.append(
                    {
                        "product_id": qty["product_id"],
                        "lot_id": qty["lot_id"],
                        "inventory_quantity": qty["counted"],
                    }
                )
        return to_apply, new_quant_vals

    def _lock_for_apply(self):
        """One apply per count: the second user to click waits for nobody."""
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM serial_count WHERE id = %s FOR UPDATE NOWAIT",
                        self.id,
                    )
                )
        except psycopg2.errors.LockNotAvailable as error:
            raise UserError(
                self.env._(
                    "Someone else is applying %(name)s right now.", name=self.name
                )
            ) from error
        self.invalidate_recordset(["state"])
        self._check_draft()

    def action_cancel(self):
        self.filtered(lambda count: count.state == "draft").state = "cancel"

    def _log_counted(self, found, counted_in, result):
        missing = (
            self.env["stock.quant"]
            .browse(result["missing"])
            .lot_id.filtered(lambda lot: lot.tracking == "serial")
        )
        lots = found | counted_in | missing
        lots._log_events(
            "counted",
            values_by_lot={
                lot.id: {"description": self.env._("Missing at the count")}
                for lot in missing
            },
            location_id=self.location_id.id,
            reference=self.name,
        )

    def action_open_scan(self):
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "serial_tracking_count.count_scan",
            "name": self.name,
            "params": {"count_id": self.id},
        }
