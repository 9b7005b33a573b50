from odoo import api, fields, models
from odoo.tools import SQL


class SerialRecall(models.Model):
    _inherit = "serial.recall"

    component_lot_ids = fields.Many2many(
        "stock.lot",
        "serial_recall_component_lot_rel",
        string="Component Lots and Serials",
        check_company=True,
        help="Every unit built from these, through every level of sub-assembly "
        "(manufacturing orders' consumed and produced lines), and what is left of "
        "them.",
    )

    @api.depends("component_lot_ids")
    def _compute_preview(self):
        return super()._compute_preview()

    def _serial_recall_scope_fields(self):
        return [*super()._serial_recall_scope_fields(), "component_lot_ids"]

    def _serial_recall_scope_queries(self):
        queries = super()._serial_recall_scope_queries()
        if self.component_lot_ids:
            self._serial_recall_check_lots(self.component_lot_ids._origin)
            queries.append(genealogy_sql(self.component_lot_ids._origin.ids))
        return queries


def genealogy_sql(lot_ids):
    """``stock_lot.id`` of ``lot_ids`` and of every unit built from them, level by
    level: a done line consuming a unit (``produce_line_id`` of Odoo's
    ``stock_move_line_consume_rel``) links to the done lines its production made
    (``consume_line_id``). Set-based: one recursive step per level, and UNION stops
    on cycles (unbuilds, rework)."""
    return SQL(
        """
        WITH RECURSIVE genealogy(lot_id) AS (
            SELECT unnest(%(lots)s::int[])
          UNION
            SELECT fin.lot_id
              FROM genealogy g
              JOIN stock_move_line raw
                ON raw.lot_id = g.lot_id AND raw.state = 'done'
              JOIN stock_move_line_consume_rel rel ON rel.produce_line_id = raw.id
              JOIN stock_move_line fin
                ON fin.id = rel.consume_line_id AND fin.state = 'done'
             WHERE fin.lot_id IS NOT NULL
        )
        SELECT lot_id FROM genealogy
        """,
        lots=lot_ids,
    )
