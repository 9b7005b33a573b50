from odoo import api, fields, models
from odoo.tools import SQL


class SerialComplaintSibling(models.Model):
    _inherit = "serial.complaint.sibling"

    kind = fields.Selection(
        selection_add=[
            ("production", "Same production order"),
            ("component", "Same component lot"),
        ],
        ondelete={"production": "cascade", "component": "cascade"},
    )
    production_id = fields.Many2one("mrp.production", ondelete="cascade")
    component_lot_id = fields.Many2one("stock.lot", ondelete="cascade")

    @api.depends("production_id", "component_lot_id")
    def _compute_name(self):
        return super()._compute_name()

    def _shared_record(self):
        if self.kind == "production":
            return self.production_id
        if self.kind == "component":
            return self.component_lot_id
        return super()._shared_record()

    @api.model
    def _sibling_seed_sql(self, kind):
        if kind == "production":
            return SQL(
                "SELECT m.production_id, ml.lot_id FROM stock_move m "
                "JOIN stock_move_line ml ON ml.move_id = m.id "
                "WHERE m.production_id IN (SELECT key FROM grp) "
                "AND ml.state = 'done' AND ml.lot_id IS NOT NULL"
            )
        if kind == "component":
            return SQL(
                "SELECT l.id, l.id FROM stock_lot l WHERE l.id IN (SELECT key FROM grp)"
            )
        return super()._sibling_seed_sql(kind)

    @api.model
    def _sibling_units_sql(self):
        """The seed's lots and everything built from them, up every level."""
        return SQL(
            """
            SELECT key, lot_id FROM seed
          UNION
            SELECT u.key, pml.lot_id
              FROM units u
              JOIN stock_move_line cml
                ON cml.lot_id = u.lot_id AND cml.state = 'done'
              JOIN stock_move_line_consume_rel rel ON rel.produce_line_id = cml.id
              JOIN stock_move_line pml ON pml.id = rel.consume_line_id
             WHERE pml.state = 'done' AND pml.lot_id IS NOT NULL
            """
        )
