from odoo import fields, models


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

    def action_view_serial_units(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.stock_lot_action_serial_units"
        )
        action["domain"] = [("id", "in", self.move_line_ids.lot_id.ids)]
        action["context"] = {"search_default_group_by_product": 1}
        return action
