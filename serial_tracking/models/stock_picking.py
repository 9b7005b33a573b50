from odoo import fields, models
from odoo.exceptions import UserError


class StockPicking(models.Model):
    _inherit = "stock.picking"

    serial_unit_count = fields.Integer("Units", compute="_compute_serial_unit_count")
    serial_handling_instructions = fields.Text(
        "Handling Instructions", compute="_compute_serial_handling_instructions"
    )

    def _compute_serial_unit_count(self):
        groups = self.env["stock.move.line"]._read_group(
            [
                ("picking_id", "in", self.ids),
                ("lot_id.product_id.tracking", "=", "serial"),
            ],
            ["picking_id"],
            ["lot_id:count_distinct"],
        )
        counts = dict(groups)
        for picking in self:
            picking.serial_unit_count = counts.get(picking, 0)

    def _compute_serial_handling_instructions(self):
        groups = self.env["stock.move.line"]._read_group(
            [
                ("picking_id", "in", self.ids),
                ("lot_id.handling_instructions", "!=", False),
            ],
            ["picking_id"],
            ["lot_id:recordset"],
        )
        by_picking = dict(groups)
        for picking in self:
            lots = by_picking.get(picking, self.env["stock.lot"])
            picking.serial_handling_instructions = (
                "\n".join(f"{lot.name}: {lot.handling_instructions}" for lot in lots)
                or False
            )

    def _pre_action_done_hook(self):
        # Before any confirmation wizard (backorder, expiry): the refusal comes first.
        self._serial_check_blocked_units()
        return super()._pre_action_done_hook()

    def _action_done(self):
        self._serial_check_blocked_units()
        return super()._action_done()

    def _serial_check_blocked_units(self):
        """Refuse to validate a delivery that ships a blocked unit (quarantined,
        recalled): see ``stock.lot._serial_block_messages``. A delivery is an outgoing
        transfer, or any line that sends a unit to a customer."""
        lines = self.move_line_ids.filtered(
            lambda line: (
                line.lot_id
                and line.quantity > 0
                and line.state not in ("done", "cancel")
                and (
                    line.picking_code == "outgoing"
                    or line.location_dest_id.usage == "customer"
                )
            )
        )
        messages = lines.lot_id._serial_block_messages()
        if messages:
            raise UserError(
                self.env._(
                    "This delivery cannot be validated:\n%(reasons)s",
                    reasons="\n".join(f" - {text}" for text in messages.values()),
                )
            )

    def action_view_serial_units(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.stock_lot_action_serial_units"
        )
        action["domain"] = [("id", "in", self.move_line_ids.lot_id.ids)]
        action["context"] = {"search_default_group_by_product": 1}
        return action
