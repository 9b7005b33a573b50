import psycopg2

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, mute_logger

from odoo.addons.serial_tracking.models.stock_lot import (
    BLOCKED_UNIT_STATES,
    CLOSED_STATES,
)
from odoo.addons.serial_tracking.tools import gs1
from odoo.addons.serial_tracking.tools.text import (
    describe_characters,
    unprintable_characters,
)


class SaleOrder(models.Model):
    _inherit = "sale.order"

    scan_unit_ids = fields.One2many("sale.scan.unit", "order_id", "Scanned Units")

    @api.model
    def scan_create_order(self, partner_id):
        """*Scan to order*: a new quotation for the chosen or scanned customer."""
        partner = self.env["res.partner"].browse(partner_id).exists()
        if not partner:
            raise UserError(self.env._("Choose or scan a customer first."))
        return self.create({"partner_id": partner.id}).id

    @api.model
    def scan_find_customer(self, code):
        """The customer a scanned code names (its barcode or reference)."""
        code = (code or "").strip()
        partner = self.env["res.partner"].search(
            ["|", ("barcode", "=", code), ("ref", "=", code)], limit=2
        )
        if len(partner) != 1:
            return {
                "status": "error",
                "message": self.env._(
                    "No single customer has the code %(code)s.", code=code
                ),
            }
        return {"status": "ok", "partner_id": partner.id, "name": partner.display_name}

    def action_scan_unit(self, code):
        """Add the unit a scanned code names to the order. Returns
        ``{"status": "ok"|"error", "message", "line_id"}``; a refusal writes
        nothing."""
        self.ensure_one()
        try:
            lot = self._scan_resolve_unit(code)
            self._scan_check_unit(lot)
        except UserError as error:
            return {"status": "error", "message": error.args[0]}
        line = self.order_line.filtered(
            lambda line: line.product_id == lot.product_id and not line.display_type
        )[:1]
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                if line:
                    line.product_uom_qty += 1
                else:
                    line = self.env["sale.order.line"].create(
                        {
                            "order_id": self.id,
                            "product_id": lot.product_id.id,
                            "product_uom_qty": 1,
                        }
                    )
                self.env["sale.scan.unit"].create(
                    {"order_id": self.id, "order_line_id": line.id, "lot_id": lot.id}
                )
        except psycopg2.errors.UniqueViolation:
            self.invalidate_recordset()
            return {
                "status": "error",
                "message": self.env._(
                    "%(unit)s was just scanned onto another order.", unit=lot.name
                ),
            }
        return {
            "status": "ok",
            "line_id": line.id,
            "message": self.env._(
                "%(product)s %(unit)s added at %(price)s.",
                product=lot.product_id.display_name,
                unit=lot.name,
                price=line.price_unit,
            ),
        }

    def action_remove_scan_unit(self, lot_id):
        """Take a scanned unit off the order: the unit is free again."""
        self.ensure_one()
        self._scan_check_draft()
        unit = self.scan_unit_ids.filtered(lambda unit: unit.lot_id.id == lot_id)
        if not unit:
            raise UserError(
                self.env._("This unit is not on %(order)s.", order=self.name)
            )
        line = unit.order_line_id
        unit.unlink()
        if line.product_uom_qty <= 1:
            line.unlink()
        else:
            line.product_uom_qty -= 1
        return True

    def action_open_scan(self):
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "serial_tracking_sale_scan.order_scan",
            "name": self.name,
            "params": {"order_id": self.id},
        }

    def _scan_check_draft(self):
        if self.state not in ("draft", "sent"):
            raise UserError(
                self.env._(
                    "%(order)s is confirmed: only quotations take scanned units.",
                    order=self.name,
                )
            )

    def _scan_resolve_unit(self, code):
        self._scan_check_draft()
        code = (code or "").strip()
        if not code:
            raise UserError(self.env._("Scan a unit's label."))
        bad = unprintable_characters(code)
        if bad:
            raise UserError(
                self.env._(
                    "The scanned code contains control characters (%(chars)s).",
                    chars=describe_characters(bad),
                )
            )
        Lot = self.env["stock.lot"].sudo()
        lots = Lot.search(Lot._serial_code_domain(code, "="), limit=2)
        mine = lots.filtered(
            lambda lot: lot.company_id in (self.company_id, Lot.company_id)
        )
        if not mine and lots:
            raise UserError(
                self.env._("%(unit)s belongs to another company.", unit=lots[0].name)
            )
        if len(mine) > 1:
            raise UserError(
                self.env._(
                    "%(code)s names several units; scan its GS1 label.", code=code
                )
            )
        if not mine:
            gtin = code.zfill(14) if code.isdigit() and len(code) <= 14 else None
            product = gtin and self.env["product.product"].search(
                [("barcode", "in", gs1.gtin_variants(gtin))], limit=1
            )
            if product:
                raise UserError(
                    self.env._(
                        "This is the product barcode of %(product)s; scan the unit's "
                        "serial label.",
                        product=product.display_name,
                    )
                )
            raise UserError(self.env._("Unknown unit %(code)s.", code=code))
        lot = self.env["stock.lot"].browse(mine.id)
        if lot.product_id.tracking != "serial":
            raise UserError(
                self.env._(
                    "%(lot)s is a batch, not a serial unit.", lot=lot.display_name
                )
            )
        return lot

    def _scan_check_unit(self, lot):
        """Refuse a unit the order may not take, with the reason (three queries)."""
        if lot.unit_state in BLOCKED_UNIT_STATES:
            raise UserError(
                self.env._(
                    "%(unit)s is %(state)s and cannot be sold.",
                    unit=lot.name,
                    state=dict(
                        lot._fields["unit_state"]._description_selection(self.env)
                    )[lot.unit_state],
                )
            )
        if lot.expiration_date and lot.expiration_date < fields.Datetime.now():
            raise UserError(
                self.env._(
                    "%(unit)s expired on %(date)s.",
                    unit=lot.name,
                    date=fields.Date.to_string(lot.expiration_date),
                )
            )
        held = (
            self.env["sale.scan.unit"].sudo().search([("lot_id", "=", lot.id)], limit=1)
        )
        if held.order_id == self:
            raise UserError(
                self.env._("%(unit)s is already on this order.", unit=lot.name)
            )
        if held:
            raise UserError(
                self.env._(
                    "%(unit)s is reserved on order %(order)s.",
                    unit=lot.name,
                    order=held.order_id.name,
                )
            )
        stock = self.warehouse_id.lot_stock_id
        self.env["stock.quant"].flush_model(["lot_id", "quantity", "location_id"])
        self.env["stock.move.line"].flush_model(["lot_id", "state", "quantity"])
        rows = self.env.execute_query(
            SQL(
                """SELECT SUM(q.quantity),
                      (SELECT p.name FROM stock_move_line ml
                         JOIN stock_picking p ON p.id = ml.picking_id
                        WHERE ml.lot_id = %(lot)s AND ml.state NOT IN %(closed)s
                          AND ml.quantity > 0 LIMIT 1)
                 FROM stock_quant q JOIN stock_location l ON l.id = q.location_id
                WHERE q.lot_id = %(lot)s AND l.parent_path LIKE %(path)s""",
                lot=lot.id,
                closed=CLOSED_STATES,
                path=f"{stock.parent_path}%",
            )
        )
        quantity, picking = rows[0]
        if picking:
            raise UserError(
                self.env._(
                    "%(unit)s is reserved on %(picking)s.",
                    unit=lot.name,
                    picking=picking,
                )
            )
        if not quantity or quantity <= 0:
            raise UserError(
                self.env._(
                    "%(unit)s is not in stock at %(stock)s.",
                    unit=lot.name,
                    stock=stock.display_name,
                )
            )

    def _action_confirm(self):
        res = super()._action_confirm()
        self._scan_reserve_units()
        return res

    def _scan_reserve_units(self):
        """The deliveries reserve exactly the scanned units."""
        for order in self.filtered("scan_unit_ids"):
            units = order.scan_unit_ids
            moves = order.order_line.move_ids.filtered(
                lambda m, units=units: (
                    m.state not in CLOSED_STATES
                    and m.picking_code == "outgoing"
                    and m.sale_line_id in units.order_line_id
                )
            )
            for move in moves:
                wanted = units.filtered(
                    lambda u, move=move: u.order_line_id == move.sale_line_id
                ).lot_id
                if not wanted:
                    continue
                move._do_unreserve()
                for lot in wanted:
                    taken = move._update_reserved_quantity(
                        1, move.location_id, lot_id=lot, strict=False
                    )
                    if not taken:
                        raise UserError(
                            self.env._(
                                "%(unit)s could not be reserved on %(picking)s: "
                                "it is no longer in stock there.",
                                unit=lot.name,
                                picking=move.picking_id.name,
                            )
                        )
                move._recompute_state()
                if move.product_uom_qty > len(wanted):
                    move._action_assign()

    def _action_cancel(self):
        self.scan_unit_ids.unlink()
        return super()._action_cancel()
