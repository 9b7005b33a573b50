from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.serial_tracking_barcode.tools.scan_decision import (
    Refusal,
    decide_stock_count,
)

from ..tools import count_result
from ..tools.count_scan_sql import lock_count_sql


class _CountedAhead(Exception):
    """The scan row written ahead (``count_scan_sql``) is not the decision's: it
    was taken back, the scan runs again without writing ahead."""


class SerialScanCount(models.AbstractModel):
    """The count flow on the scan engine (``serial.scan.service``): scan the units,
    batches and untracked products found at the counted location.

    Its one write is the scan row (``serial.count.line``), inserted with ``ON
    CONFLICT DO NOTHING``: the row's unique indexes refuse a unit counted twice (by
    one person or two at the same moment) and a replayed scan key. Scans share the
    count's row lock (``FOR SHARE``) and write nothing on it; Apply takes it
    ``FOR UPDATE`` and waits for the scans in flight. A plain code naming one
    serial unit (the usual scan) is one round trip: lock, lookup and scan row in
    one statement (``tools/count_scan_sql.py``).
    """

    _name = "serial.scan.count"
    _description = "Scan Flow: Stock Count"

    _scan_kinds = ("gs1", "serial", "manufacturer_serial", "product")

    @api.model
    def _scan(self, count, code, scan_uid=None, ahead=True):
        """Count one scanned code on ``count``; see ``serial.count.action_scan``.
        ``ahead``: write the scan row of a single serial unit with the lookup."""
        service = self.env["serial.scan.service"]
        service._scan_check_user()
        shown = service._scan_start(count, code, scan_uid)
        info = {}
        try:
            code = shown = service._scan_clean_code(code)
            info = self._scan_lock(count, scan_uid, code if ahead else None)
            if info["previous"]:
                return self._scan_replayed(count, info, code, scan_uid)
            if info["state"] != "draft":
                raise Refusal("count_closed", name=info["name"])
            match = service._scan_resolve(code, info, self._scan_kinds)
            scan, label, product_name = self._scan_decide(match, info, code)
            if not self._scan_insert(count, scan, code, scan_uid, info):
                raise Refusal("already_counted", serial=label)
        except Refusal as refusal:
            if info.get("counted"):
                self._scan_take_back(info)
            return self._scan_answer(
                count, "error", refusal.reason, self._scan_message(refusal), shown
            )
        except _CountedAhead:
            return self._scan(count, code, scan_uid, ahead=False)
        message = (
            self.env._(
                "%(product)s %(serial)s counted, but it is not recorded here.",
                product=product_name,
                serial=label,
            )
            if scan.kind == "unexpected"
            else self.env._(
                "%(product)s %(serial)s counted.", product=product_name, serial=label
            )
        )
        return self._scan_answer(
            count,
            "ok",
            scan.kind,
            message,
            code,
            scan_uid=scan_uid,
            product_id=scan.product_id,
        )

    # --- lock and resolve

    @api.model
    def _scan_lock(self, count, scan_uid, serial=None):
        """Share-lock the count's row and read what a scan needs (one query); the
        user's record rules for writing counts are part of the query. With
        ``serial`` (a plain code), the same round trip looks it up as a serial and
        writes the scan row of a single serial unit (``counted``), in a savepoint
        (``savepoint``) that takes it back when the decision differs."""
        service = self.env["serial.scan.service"]
        if serial is not None:
            serial = service._scan_serial_code(serial)
        query = lock_count_sql(
            count.id,
            scan_uid,
            service._scan_write_rules_sql(count),
            serial,
            self.env.lang or "en_US",
            self.env.uid,
        )
        savepoint = serial is not None and "count_scan"
        info = service._scan_lock_record(count, query, serial, savepoint)
        if info is None:
            # A unit another transaction just counted (the unique index): the
            # plain path answers it from a savepoint of its own.
            return self._scan_lock(count, scan_uid)
        if info.get("counted"):
            self.env["serial.count.line"].invalidate_model()
            count.invalidate_recordset(["line_ids"])
        return info

    @api.model
    def _scan_take_back(self, info):
        """Undo the scan row written ahead (and the lock taken with it)."""
        self.env.cr.execute(SQL("ROLLBACK TO SAVEPOINT %s", info["savepoint"]))
        self.env.invalidate_all()

    @api.model
    def _scan_decide(self, match, info, code):
        """``(scan, label, product name)``: the :class:`UnitScan` of a match
        (``decide_stock_count``), the serial or batch and product it names."""
        gs1 = match.get("gs1")
        units = match["units"]
        if not units and match["products"] and gs1 and gs1.batch and not gs1.serial:
            units = self.env["serial.scan.service"]._scan_units(
                SQL(
                    "lot.product_id = ANY(%s) AND lot.name = %s",
                    [product["id"] for product in match["products"]],
                    gs1.batch,
                ),
                info,
            )
        if units:
            row = units[0]
            product = {
                "id": row["product_id"],
                "product_name": row["product_name"],
                "tracking": row["tracking"],
            }
        elif match["products"]:
            product = dict(match["products"][0])
            if product["tracking"] == "none":
                product["storable"] = (
                    self.env["product.product"].browse(product["id"]).is_storable
                )
        elif gs1 and gs1.serial:
            raise Refusal("unknown_code", serial=gs1.serial, gtin=gs1.gtin)
        else:
            raise Refusal("unknown_code", code=code)
        name = gs1 and (gs1.serial if product["tracking"] == "serial" else gs1.batch)
        scan = decide_stock_count([row["unit"] for row in units], product, name)
        label = units[0]["name"] if units else scan.lot_name or ""
        return scan, label, product["product_name"]

    # --- write

    @api.model
    def _scan_insert(self, count, scan, code, scan_uid, info):
        """Insert the scan row; False when a unique index refuses it. A row written
        ahead with the lookup (``info["attempted"]``) is the one inserted, when it
        is the decision's."""
        if info.get("attempted"):
            counted = info["counted"]
            if counted is None:
                return False
            if scan.is_serial and not scan.lot_name and scan.lot_id == counted[1]:
                return True
            self._scan_take_back(info)
            raise _CountedAhead()
        row_id = self.env["serial.scan.service"]._scan_insert_values(
            "serial.count.line",
            {
                "count_id": count.id,
                "company_id": info["company_id"],
                "product_id": scan.product_id,
                "lot_id": scan.lot_id,
                "lot_name": scan.lot_name,
                "quantity": 1.0,
                "is_serial": scan.is_serial,
                "scan_uid": scan_uid,
                "user_id": self.env.uid,
            },
        )
        count.invalidate_recordset(["line_ids"])
        return bool(row_id)

    # --- answers

    @api.model
    def _scan_replayed(self, count, info, code, scan_uid):
        count_id, product_id = info["previous"]
        if count_id != count.id:
            raise UserError(self.env._("This scan key belongs to another count."))
        return self._scan_answer(
            count,
            "ok",
            "replayed",
            self.env._("This scan was already recorded."),
            code,
            scan_uid=scan_uid,
            product_id=product_id,
        )

    @api.model
    def _scan_answer(self, count, status, kind, message, code, scan_uid=None, **keys):
        """``{"status", "kind", "reason", "message", "code", "scan_uid",
        "product"}``. ``product``: what the scan changed in its product's row of
        the live result (``product_id`` and the changed numbers: ``found`` +1 and
        ``missing`` -1, ``unexpected`` +1, or ``counted_qty`` +1), so a scan costs
        no query over the location; the screen adds it to the row it shows."""
        changes = {
            "found": {"found": 1, "missing": -1},
            "unexpected": {"unexpected": 1},
            "quantity": {"counted_qty": 1},
        }
        product_id = keys.get("product_id")
        return {
            "status": status,
            "kind": kind if status == "ok" else False,
            "reason": kind,
            "message": message,
            "code": code,
            "scan_uid": scan_uid,
            "product": kind in changes
            and {"product_id": product_id, "changes": changes[kind]},
        }

    @api.model
    def _summary(self, count):
        """The live result for the screen: per product, found / missing /
        unexpected units and counted quantities, and the totals."""
        result = count._count_result()
        rows = count_result.summary_rows(result)
        products = self.env["product.product"].browse(list(rows))
        return {
            "id": count.id,
            "name": count.name,
            "state": count.state,
            "location": count.location_id.display_name,
            "products": [
                {
                    "product_id": product.id,
                    "product": product.display_name,
                    "barcode": product.barcode or "",
                    "tracking": product.tracking,
                    "uom": product.uom_id.name,
                    **rows[product.id],
                }
                for product in products
            ],
            "found": len(result["found"]),
            "missing": len(result["missing"]),
            "unexpected": len(result["unexpected"]),
        }

    @api.model
    def _scan_message(self, refusal):
        p = refusal.params
        messages = {
            "count_closed": lambda: self.env._("The count %(name)s is closed.", **p),
            "already_counted": lambda: self.env._(
                "%(serial)s is already counted.", **p
            ),
            "not_stored": lambda: self.env._(
                "%(product)s is not a stored product: it is not counted.", **p
            ),
            "label_required": lambda: self.env._(
                "This is the product barcode of %(product)s; scan the unit's serial "
                "label or the batch label.",
                **p,
            ),
        }
        nouns = {"this": self.env._("this count"), "picking": self.env["stock.picking"]}
        return self.env["serial.scan.service"]._scan_refusal_message(
            refusal, nouns, messages
        )
