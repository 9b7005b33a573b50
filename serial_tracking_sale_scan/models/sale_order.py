from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.serial_tracking.models.stock_lot import CLOSED_STATES


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

    def action_scan_unit(self, code, scan_uid=None):
        """Add the unit a scanned code names to the quotation (the sell flow of the
        scan engine, ``serial.scan.sale``). Returns ``{"status": "ok"|"error",
        "reason", "message", "code", "line_id", "scan_uid"}``; a refusal writes
        nothing."""
        self.ensure_one()
        return self.env["serial.scan.sale"]._scan(self, code, scan_uid)

    def scan_order_state(self):
        """The Scan to Order screen's view of the order: name, customer, state,
        total and the lines with their scanned serials."""
        self.ensure_one()
        return self.env["serial.scan.sale"]._screen_state(self)

    def action_remove_scan_unit(self, lot_id=False, serial=False):
        """Take a scanned unit (by id, or by serial from the scan screen) off the
        order: the unit is free again. Returns the screen's state of the order."""
        self.ensure_one()
        self._scan_check_draft()
        unit = self.scan_unit_ids.filtered(
            lambda unit: unit.lot_id.id == lot_id or unit.lot_id.name == serial
        )
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
        return self.scan_order_state()

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
