from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .stock_lot import INTERNAL_USAGES, STATE_BY_EXIT_USAGE

# The timeline event of a unit leaving our stock: named after the state it ends in,
# but a unit sent back to its vendor is a return, not a delivery.
EXIT_EVENT_BY_USAGE = {**STATE_BY_EXIT_USAGE, "supplier": "vendor_return"}
REFRESH_FIELDS = {"lot_id", "quantity", "location_id", "location_dest_id"}


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    # Unit states, timelines and scans read move lines by serial: Odoo 19 has no index
    # on stock_move_line.lot_id.
    _serial_lot_id_idx = models.Index("(lot_id) WHERE lot_id IS NOT NULL")

    lot_handling_instructions = fields.Text(
        related="lot_id.handling_instructions", string="Handling Instructions"
    )
    lot_unit_state = fields.Selection(related="lot_id.unit_state", string="Unit Status")

    @api.constrains("lot_id", "company_id")
    def _check_lot_company(self):
        """Odoo does not enforce ``check_company`` on move lines: a unit of another
        company must never be moved (or shipped) by this one."""
        foreign = self.filtered(
            lambda line: (
                line.lot_id.company_id
                and line.company_id
                and line.lot_id.company_id != line.company_id
            )
        )
        if foreign:
            raise ValidationError(
                self.env._(
                    "These units belong to another company and cannot be moved here:"
                    "\n%(units)s",
                    units="\n".join(
                        f" - {line.lot_id.display_name} ({line.lot_id.company_id.name})"
                        for line in foreign
                    ),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._serial_refresh_units()
        return lines

    def write(self, vals):
        # A transfer being validated in the background is locked.
        self.picking_id._serial_check_not_busy()
        if (
            self.env.context.get("serial_defer_refresh")
            or not REFRESH_FIELDS & vals.keys()
        ):
            return super().write(vals)
        lots_before = self._serial_lines_to_refresh().lot_id
        res = super().write(vals)
        (lots_before | self._serial_lines_to_refresh().lot_id)._refresh_unit_state()
        return res

    def unlink(self):
        self.picking_id._serial_check_not_busy()
        lots = self._serial_lines_to_refresh().lot_id
        res = super().unlink()
        lots._refresh_unit_state()
        return res

    def _serial_lines_to_refresh(self):
        """Lines whose change can alter a unit's state: reservations, done lines."""
        if self.env.context.get("serial_defer_refresh"):
            return self.browse()
        return self.filtered(
            lambda line: (
                line.lot_id
                and line.product_id.tracking == "serial"
                and (line.state == "done" or line.location_id.usage in INTERNAL_USAGES)
            )
        )

    def _serial_refresh_units(self):
        self._serial_lines_to_refresh().lot_id._refresh_unit_state()

    def _serial_event_type(self):
        self.ensure_one()
        src, dst = self.location_id.usage, self.location_dest_id.usage
        if self.move_id.scrap_id:
            return "scrapped"
        if self.move_id.is_inventory:
            return "adjusted"
        if dst in INTERNAL_USAGES:
            if src in INTERNAL_USAGES:
                return "moved"
            return "returned" if src == "customer" else "received"
        return EXIT_EVENT_BY_USAGE.get(dst, "moved")

    def _prepare_serial_event_vals(self, date):
        self.ensure_one()
        move = self.move_id
        return {
            "lot_id": self.lot_id.id,
            "event_type": self._serial_event_type(),
            "date": date,
            "user_id": self.env.uid,
            "location_id": self.location_id.id,
            "location_dest_id": self.location_dest_id.id,
            "partner_id": (self.picking_id.partner_id or move.partner_id).id,
            "picking_id": self.picking_id.id,
            "move_id": move.id,
            "reference": move.reference or self.reference,
        }

    def _serial_log_done_events(self):
        """The timeline entries of done lines: one create for the whole validation."""
        now = fields.Datetime.now()
        return (
            self.env["serial.event"]
            .sudo()
            .create([line._prepare_serial_event_vals(now) for line in self])
        )
