from collections import defaultdict

import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, mute_logger

from odoo.addons.serial_tracking.models.stock_lot import INTERNAL_USAGES

from ..tools import count_result
from ..tools.count_result import (
    REASON_ELSEWHERE,
    REASON_MOVED,
    REASON_NOT_IN_STOCK,
    REASON_UNKNOWN,
    QuantRow,
    ScanRow,
    Stranger,
)


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

    def action_scan(self, code, scan_uid=None):
        """Count one scanned code (the count flow of the scan engine,
        ``serial.scan.count``). Returns ``{"status": "ok"|"error", "kind",
        "reason", "message", "code", "scan_uid", "product"}``: kind ``found`` /
        ``unexpected`` / ``quantity``, ``product`` the scanned product's row of the
        live result. A refusal writes nothing."""
        self.ensure_one()
        return self.env["serial.scan.count"]._scan(self, code, scan_uid)

    def action_remove_scan(self, line_id):
        self.ensure_one()
        self._check_draft()
        self.line_ids.filtered(lambda line: line.id == line_id).unlink()
        return True

    def _check_draft(self):
        if self.state != "draft":
            raise UserError(self.env._("The count %(name)s is closed.", name=self.name))

    # -- the result ---------------------------------------------------------------

    def _subtree(self, parent_path=None):
        return SQL(
            "(SELECT id FROM stock_location WHERE parent_path LIKE %s)",
            f"{parent_path or self.location_id.parent_path}%",
        )

    def _count_result(self, lock=False, product_ids=None, parent_path=None):
        """What the count found, set-based (three queries whatever the size),
        decided by the plain functions of ``tools/count_result.py``.

        ``found``: ``[(lot_id, product_id)]`` of units scanned and recorded here;
        ``missing``: ``QuantRow`` of units recorded here and not scanned;
        ``unexpected``: dicts (``lot_id``, ``product_id``, ``lot_name``, ``reason``,
        ``quant_id``) of units scanned but not recorded here; ``moved``: unit ids
        that left after they were scanned; ``quantities``: per (product, batch) of
        untracked and batch products, ``expected`` and ``counted``.
        ``product_ids`` limits the result to these products (the scan's answer),
        ``parent_path`` is the counted location's when the caller read it already.
        """
        self.ensure_one()
        self.env["stock.quant"].flush_model()
        self.env["serial.count.line"].flush_model()
        self.env["stock.move.line"].flush_model(
            ["lot_id", "state", "date", "location_id", "location_dest_id"]
        )
        products = (
            SQL("AND q.product_id = ANY(%s)", list(product_ids))
            if product_ids
            else SQL()
        )
        quants = [
            QuantRow(*row)
            for row in self.env.execute_query(
                SQL(
                    """SELECT q.id, q.lot_id, q.product_id, q.quantity, pt.tracking
                         FROM stock_quant q
                         JOIN product_product pp ON pp.id = q.product_id
                         JOIN product_template pt ON pt.id = pp.product_tmpl_id
                        WHERE q.location_id IN %(here)s AND q.quantity != 0
                          AND pt.is_storable %(products)s %(lock)s""",
                    here=self._subtree(parent_path),
                    products=products,
                    lock=SQL("FOR UPDATE OF q") if lock else SQL(),
                )
            )
        ]
        scans = [
            ScanRow(*row)
            for row in self.env.execute_query(
                SQL(
                    """SELECT lot_id, product_id, lot_name, is_serial, SUM(quantity),
                              MIN(create_date)
                         FROM serial_count_line q
                        WHERE count_id = %s %s
                     GROUP BY lot_id, product_id, lot_name, is_serial""",
                    self.id,
                    products,
                )
            )
        ]
        found, missing, strangers, unknown = count_result.split_serials(quants, scans)
        unexpected = unknown + count_result.stranger_reasons(
            self._where_are(list(strangers), parent_path), strangers
        )
        return {
            "found": found,
            "missing": missing,
            "unexpected": [u for u in unexpected if u["reason"] != REASON_MOVED],
            "moved": [u["lot_id"] for u in unexpected if u["reason"] == REASON_MOVED],
            "quantities": count_result.quantities(quants, scans),
        }

    def _where_are(self, lot_ids, parent_path=None):
        """Where the scanned units that are not here are recorded (one query)."""
        if not lot_ids:
            return []
        return [
            Stranger(*row)
            for row in self.env.execute_query(
                SQL(
                    """SELECT lot.id, lot.product_id, q.id, q.reserved_quantity > 0,
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
                    here=self._subtree(parent_path),
                    internal=INTERNAL_USAGES,
                    ids=lot_ids,
                )
            )
        ]

    def get_summary(self):
        """The live result for the count screen (``serial.scan.count._summary``)."""
        self.ensure_one()
        return self.env["serial.scan.count"]._summary(self)

    # -- applying -------------------------------------------------------------------

    def action_apply(self):
        """Turn the result into Odoo inventory adjustments, once, after the user
        confirmed: missing units and quantity differences through ``stock.quant``'s
        inventory mode (``inventory_quantity`` + ``action_apply_inventory``), units
        found here but recorded at another stock location relocated here
        (``move_quants``, as the Physical Inventory's *Relocate*), units found here
        but not in stock (and unknown serials, when allowed) counted in here. Every
        step is one set-based call whatever the number of units."""
        self.ensure_one()
        self._lock_for_apply()
        result = self._count_result(lock=True)
        Quant = self.env["stock.quant"].with_context(
            inventory_mode=True, inventory_name=self.name
        )
        here = self.location_id
        by_reason = defaultdict(list)
        for unit in result["unexpected"]:
            by_reason[unit["reason"]].append(unit)
        missing = Quant.browse([quant.id for quant in result["missing"]])
        missing.inventory_quantity = 0
        quantity_quants, new_quant_vals = self._apply_quantities(result, Quant)
        new_quant_vals += [
            {
                "product_id": u["product_id"],
                "lot_id": u["lot_id"],
                "inventory_quantity": 1,
            }
            for u in by_reason[REASON_NOT_IN_STOCK]
        ]
        new_lots = self._apply_unknown(
            result, by_reason[REASON_UNKNOWN], new_quant_vals
        )
        created = Quant.create(
            [{**vals, "location_id": here.id} for vals in new_quant_vals]
        )
        to_apply = (missing | quantity_quants | created).filtered(
            "inventory_diff_quantity"
        )
        if to_apply and to_apply.action_apply_inventory():
            raise UserError(
                self.env._(
                    "Stock at %(location)s changed while it was counted; open the "
                    "count again and apply it once more.",
                    location=here.display_name,
                )
            )
        relocate = Quant.browse([u["quant_id"] for u in by_reason[REASON_ELSEWHERE]])
        if relocate:
            relocate.move_quants(location_dest_id=here, message=self.name)
        self._log_counted(result, by_reason, new_lots)
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

    def _apply_unknown(self, result, unknown, new_quant_vals):
        """Serials and batches no unit had, received as found when the count
        allows it: the new units (``new_quant_vals`` gets their quants)."""
        unknown_qty = [
            q for q in result["quantities"] if q["lot_name"] and not q["lot_id"]
        ]
        items = unknown + unknown_qty
        if not self.allow_unknown or not items:
            return self.env["stock.lot"]
        new_lots = self.env["stock.lot"].create(
            [
                {
                    "product_id": item["product_id"],
                    "name": item["lot_name"],
                    "company_id": self.company_id.id,
                }
                for item in items
            ]
        )
        new_quant_vals += [
            {
                "product_id": item["product_id"],
                "lot_id": lot.id,
                "inventory_quantity": item.get("counted", 1),
            }
            for lot, item in zip(new_lots, items, strict=True)
        ]
        return new_lots

    def _apply_quantities(self, result, Quant):
        """Batches and untracked products: their quants' counted quantities
        (``count_result.inventory_targets``, one search), and the values of the
        quants to create here."""
        products = list({q["product_id"] for q in result["quantities"]})
        quants = Quant.search(
            [
                ("product_id", "in", products),
                ("location_id", "child_of", self.location_id.id),
                ("package_id", "=", False),
                ("owner_id", "=", False),
            ]
        )
        targets, new = count_result.inventory_targets(
            result["quantities"],
            [
                (q.id, q.product_id.id, q.lot_id.id, q.location_id.id, q.quantity)
                for q in quants
            ],
            self.location_id.id,
        )
        by_value = defaultdict(list)
        for quant_id, quantity in targets.items():
            by_value[quantity].append(quant_id)
        for quantity, quant_ids in by_value.items():
            Quant.browse(quant_ids).inventory_quantity = quantity
        vals = [
            {"product_id": product_id, "lot_id": lot_id, "inventory_quantity": qty}
            for product_id, lot_id, qty in new
        ]
        return Quant.browse(list(targets)), vals

    def _lock_for_apply(self):
        """One apply per count. Scans hold the count's row ``FOR SHARE`` for a few
        milliseconds: Apply waits for the scans in flight, but not for another
        Apply, which is refused after a short wait."""
        cr = self.env.cr
        cr.execute("SHOW lock_timeout")
        previous = cr.fetchone()[0]
        try:
            with mute_logger("odoo.sql_db"), cr.savepoint():
                cr.execute("SET LOCAL lock_timeout = '3s'")
                cr.execute(
                    SQL("SELECT id FROM serial_count WHERE id = %s FOR UPDATE", self.id)
                )
                cr.execute(SQL("SELECT set_config('lock_timeout', %s, true)", previous))
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

    def _log_counted(self, result, by_reason, new_lots):
        """One "counted" event per serial unit the count settled (one create)."""
        missing = {q.lot_id for q in result["missing"] if q.lot_id}
        settled = (REASON_ELSEWHERE, REASON_NOT_IN_STOCK)
        lot_ids = [lot_id for lot_id, _product in result["found"]]
        lot_ids += [u["lot_id"] for reason in settled for u in by_reason[reason]]
        lot_ids += new_lots.filtered(lambda lot: lot.tracking == "serial").ids
        lots = self.env["stock.lot"].browse(lot_ids + list(missing))
        description = self.env._("Missing at the count")
        lots._log_events(
            "counted",
            values_by_lot={lot_id: {"description": description} for lot_id in missing},
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
