from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.serial_tracking_barcode.tools.scan_decision import (
    Refusal,
    decide_sale,
)

from ..tools import order_totals_global, scan_totals
from ..tools.sale_scan_sql import lock_order_sql

# Fields of an order line that depend on its quantity only through its pricelist
# rule: left as they are when one more unit keeps the price (``_scan_price_fields``).
PRICE_FIELDS = ("pricelist_item_id", "price_unit", "technical_price_unit", "discount")


class SerialScanSale(models.AbstractModel):
    """The sell flow on the scan engine (``serial.scan.service``): scan unit labels
    onto a quotation.

    Its writes: the order's line of the unit's product, through the ORM (Odoo's
    pricelist, taxes and totals), and the hold row (``sale.scan.unit``) inserted
    with ``ON CONFLICT DO NOTHING``: its partial unique index gives a unit to one
    quotation only, whoever scans it at the same moment. Scans lock the order's row
    (adding a line rewrites its totals).
    """

    _name = "serial.scan.sale"
    _description = "Scan Flow: Sell"

    _scan_kinds = ("gs1", "serial", "manufacturer_serial", "product")

    @api.model
    def _scan(self, order, code, scan_uid=None):
        """Add the unit a scanned code names to the quotation ``order``; see
        ``sale.order.action_scan_unit``."""
        service = self.env["serial.scan.service"]
        if not self.env.user.has_group("sales_team.group_sale_salesman"):
            raise AccessError(self.env._("Only salespeople can scan units to orders."))
        shown = service._scan_start(order, code, scan_uid)
        try:
            code = shown = service._scan_clean_code(code)
            info = self._scan_lock(order, scan_uid, code)
            if info["previous"]:
                if info["previous"] != order.id:
                    raise UserError(
                        self.env._("This scan key belongs to another order.")
                    )
                return self._scan_answer(
                    "ok",
                    "replayed",
                    self.env._("This scan was already recorded."),
                    code,
                )
            if info["state"] not in ("draft", "sent"):
                raise Refusal("order_closed", order=info["name"])
            row = self._scan_unit(code, info)
            line_id, plain_line = row["order_line"] or (None, False)
            decision = decide_sale(
                order.id,
                row["unit"],
                row["tracking"],
                service._scan_blocked_states(),
                service._scan_now(),
                row["held_by"],
                line_id=line_id,
                location_name=info["location_name"],
            )
            row["keeps_price"] = plain_line and not info["quantity_priced"]
            line = self._scan_apply(order, decision, row, scan_uid, info)
        except Refusal as refusal:
            return self._scan_answer(
                "error", refusal.reason, self._scan_message(refusal), shown
            )
        return self._scan_answer(
            "ok",
            "ok",
            self.env._(
                "%(product)s %(unit)s added at %(price)s.",
                product=row["product_name"],
                unit=row["name"],
                price=line.currency_id.format(line.price_unit),
            ),
            code,
            line_id=line.id,
            scan_uid=scan_uid,
            lines=[self._screen_line(line, row)],
            amount=order.currency_id.format(order.amount_total),
        )

    # --- lock and resolve

    @api.model
    def _scan_lock(self, order, scan_uid, serial=None):
        """Lock the order's row (``FOR NO KEY UPDATE``: a new line rewrites its
        totals) and read what a scan needs: its warehouse's stock location, the
        order a previous scan with ``scan_uid`` went on, and with ``serial`` (a
        plain code) its lookup as a serial, in the same round trip. The user's
        record rules for writing orders are part of the query."""
        service = self.env["serial.scan.service"]
        if serial is not None:
            serial = service._scan_serial_code(serial)
        query, columns = lock_order_sql(
            order.id,
            scan_uid,
            service._scan_write_rules_sql(order),
            self.env.lang or "en_US",
            serial,
            order_totals_global.global_bases_sql(self.env),
        )
        info = service._scan_lock_record(order, query, serial)
        return {**info, "unit_columns": columns}

    @api.model
    def _scan_unit(self, code, info):
        """The serial unit a code names (the engine's resolvers and lookup query),
        with the order that holds it; refuse anything else with its reason."""
        service = self.env["serial.scan.service"]
        try:
            match = service._scan_resolve(code, info, self._scan_kinds)
        except Refusal:
            self._scan_check_other_company(code, info)
            raise
        gs1 = match.get("gs1")
        if match["units"]:
            units = match["units"]
            if len(units) > 1:
                raise Refusal("several_units", code=code, count=len(units))
            return units[0]
        raise service._scan_no_unit_refusal(code, match, gs1)

    @api.model
    def _scan_check_other_company(self, code, info):
        """On the refusal path only: say so when the code is a unit of another of
        the user's companies (one query)."""
        lot = (
            self.env["stock.lot"]
            .sudo()
            .search(
                [
                    ("name", "=", code),
                    ("company_id", "not in", [info["company_id"], False]),
                ],
                limit=1,
            )
        )
        if lot:
            raise Refusal("other_company", serial=lot.name)

    # --- write

    @api.model
    def _scan_apply(self, order, decision, row, scan_uid, info):
        """Tie the unit to the order (the hold row), then one more on the product's
        line, or a new line, through the ORM (Odoo's pricelist, taxes and totals).
        One more unit on a line whose price it keeps (``row["keeps_price"]``, see
        ``_scan_price_fields``) does not recompute the price: Odoo recomputes the
        line's amounts only. The order's totals move by the line's change (a new
        line's amounts, or one more unit's) when Odoo's computation allows it
        (``tools/scan_totals.py``); else Odoo computes them. A concurrent scan that
        took the unit leaves nothing written."""
        globally, totals = scan_totals.plan(self.env, info)
        if decision.line_id:
            line = self.env["sale.order.line"].browse(decision.line_id)
            # The hold row first: when another scan holds the unit, nothing is written.
            if not self._scan_insert(order, line, decision, scan_uid, info):
                raise Refusal("just_taken", serial=row["name"])
            kept = self._scan_price_fields() if row["keeps_price"] else []
            with self.env.protecting(kept, line):
                with self.env.protecting(totals, order):
                    subtotal, total = line.price_subtotal, line.price_total
                    before = order_totals_global.line_base(line) if globally else None
                    line.product_uom_qty += 1
                    moved = scan_totals.move(
                        self.env,
                        order,
                        info,
                        line,
                        globally,
                        before,
                        (line.price_subtotal - subtotal, line.price_total - total),
                    )
                scan_totals.compute(self.env, order, totals, moved)
            return line
        try:
            with self.env.cr.savepoint():
                with self.env.protecting(totals, order):
                    line = self.env["sale.order.line"].create(
                        {
                            "order_id": order.id,
                            "product_id": decision.product_id,
                            "product_uom_qty": 1,
                        }
                    )
                    moved = scan_totals.move(
                        self.env,
                        order,
                        info,
                        line,
                        globally,
                        None,
                        (line.price_subtotal, line.price_total),
                    )
                scan_totals.compute(self.env, order, totals, moved)
                if not self._scan_insert(order, line, decision, scan_uid, info):
                    raise Refusal("just_taken", serial=row["name"])
        except Refusal:
            self.env.invalidate_all()
            raise
        return line

    @api.model
    def _scan_price_fields(self):
        """The line fields one more unit leaves as they are when it keeps the price:
        those that depend on the quantity only through the pricelist rule
        (``PRICE_FIELDS``). A unit keeps the price of its line when the line is a
        plain line of the product in its unit of measure (no combo) and no rule of
        the order's pricelist, or of one it is based on, has a minimum quantity
        (``LINE_OF_PRODUCT``, ``QUANTITY_PRICED``): Odoo's recomputation would then
        find the same rule and the same price (``test_sale_scan_equivalence.py``)."""
        fields = self.env["sale.order.line"]._fields
        return [fields[name] for name in PRICE_FIELDS]

    @api.model
    def _scan_insert(self, order, line, decision, scan_uid, info):
        """Insert the hold row; False when the unit's unique index refuses it."""
        row_id = self.env["serial.scan.service"]._scan_insert_values(
            "sale.scan.unit",
            {
                "order_id": order.id,
                "order_line_id": line.id,
                "lot_id": decision.lot_id,
                "company_id": info["company_id"],
                "active": True,
                "scan_uid": scan_uid,
            },
        )
        order.invalidate_recordset(["scan_unit_ids"])
        return bool(row_id)

    # --- answers

    @api.model
    def _scan_answer(self, status, reason, message, code, **extra):
        """``{"status", "reason", "message", "code", "line_id", "scan_uid",
        "lines", "amount"}``: ``lines`` the changed line, as ``_screen_lines``."""
        return {
            "line_id": False,
            "scan_uid": None,
            "lines": [],
            **extra,
            "status": status,
            "reason": reason,
            "message": message,
            "code": code,
        }

    @api.model
    def _screen_state(self, order):
        """What the Scan to Order screen shows of ``order``."""
        states = dict(order._fields["state"]._description_selection(self.env))
        return {
            "id": order.id,
            "name": order.name,
            "partner": order.partner_id.display_name,
            "state": order.state,
            "state_label": states[order.state],
            "amount": order.currency_id.format(order.amount_total),
            "lines": self._screen_lines(
                order.order_line.filtered(lambda line: not line.display_type)
            ),
        }

    @api.model
    def _screen_line(self, line, row):
        """The line card a scan changed, from what the write left in the cache:
        the screen adds the scanned serial (``serial``) to the card's serials."""
        currency = line.currency_id
        return {
            "id": line.id,
            "product": row["product_name"],
            "barcode": "",
            "tracking": "serial",
            "ordered": None,
            "scanned": line.product_uom_qty,
            "uom": row["uom_name"]
            if line.product_uom_id.id == row["uom_id"]
            else line.product_uom_id.name,
            "serial": row["name"],
            "complete": True,
            "detail": self.env._(
                "%(price)s each · %(subtotal)s",
                price=currency.format(line.price_unit),
                subtotal=currency.format(line.price_subtotal),
            ),
        }

    @api.model
    def _screen_lines(self, lines):
        """Order lines as the shared scan screen's line cards, with their scanned
        serials (one search)."""
        units = self.env["sale.scan.unit"].search_fetch(
            [("order_line_id", "in", lines.ids)], ["order_line_id", "lot_id"]
        )
        serials = {line.id: [] for line in lines}
        for unit in units:
            serials[unit.order_line_id.id].append(unit.lot_id.name)
        return [
            {
                "id": line.id,
                "product": line.product_id.display_name,
                "barcode": line.product_id.barcode or "",
                "tracking": line.product_id.tracking,
                "ordered": None,
                "scanned": line.product_uom_qty,
                "uom": line.product_uom_id.name,
                "serials": serials[line.id],
                "complete": True,  # no target: every line is as scanned
                "detail": self.env._(
                    "%(price)s each · %(subtotal)s",
                    price=line.currency_id.format(line.price_unit),
                    subtotal=line.currency_id.format(line.price_subtotal),
                ),
            }
            for line in lines
        ]

    @api.model
    def _scan_message(self, refusal):
        p = refusal.params
        if "order_id" in p:
            other = self.env["sale.order"].sudo().browse(p["order_id"])
            visible = other.company_id in self.env.user.company_ids
            p = {**p, "order": other.name if visible else self.env._("another order")}
        if refusal.reason == "unit_expired":
            p = {**p, "date": fields.Date.to_string(p["date"])}
        messages = {
            "order_closed": lambda: self.env._(
                "%(order)s is confirmed: only quotations take scanned units.", **p
            ),
            "not_a_serial": lambda: self.env._(
                "%(serial)s is a batch, not a serial unit: add it on the order.", **p
            ),
            "product_barcode": lambda: self.env._(
                "This is the product barcode of %(product)s; scan the unit's serial "
                "label.",
                **p,
            ),
            "other_company": lambda: self.env._(
                "Serial %(serial)s belongs to another company.", **p
            ),
            "on_this_order": lambda: self.env._(
                "Serial %(serial)s is already on this order.", **p
            ),
            "on_other_order": lambda: self.env._(
                "Serial %(serial)s is already on order %(order)s.", **p
            ),
            "just_taken": lambda: self.env._(
                "Serial %(serial)s was just scanned onto another order.", **p
            ),
            "unit_expired": lambda: self.env._(
                "Serial %(serial)s expired on %(date)s: it cannot be sold.", **p
            ),
        }
        nouns = {"this": self.env._("this order"), "picking": self.env["stock.picking"]}
        return self.env["serial.scan.service"]._scan_refusal_message(
            refusal, nouns, messages
        )
