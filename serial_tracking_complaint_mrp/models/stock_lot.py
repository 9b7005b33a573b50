from odoo import models
from odoo.tools import SQL


class StockLot(models.Model):
    _inherit = "stock.lot"

    def _complaint_upstream(self):
        """Every lot built into each unit, down every level of sub-assembly: the
        lines a production order consumed for the lines it produced (Odoo's
        ``consume_line_ids``, what its traceability report follows), in one
        recursive query for all of ``self``."""
        if not self:
            return {}
        self.env["stock.move.line"].flush_model(["lot_id", "state", "consume_line_ids"])
        rows = self.env.execute_query(
            SQL(
                """
            WITH RECURSIVE up(root, lot_id) AS (
                SELECT id, id FROM unnest(%(ids)s::int[]) AS id
              UNION
                SELECT up.root, cml.lot_id
                  FROM up
                  JOIN stock_move_line pml
                    ON pml.lot_id = up.lot_id AND pml.state = 'done'
                  JOIN stock_move_line_consume_rel rel
                    ON rel.consume_line_id = pml.id
                  JOIN stock_move_line cml ON cml.id = rel.produce_line_id
                 WHERE cml.state = 'done' AND cml.lot_id IS NOT NULL
            )
            SELECT root, ARRAY_AGG(DISTINCT lot_id) FROM up GROUP BY root
                """,
                ids=self.ids,
            )
        )
        return {root: set(lot_ids) for root, lot_ids in rows}

    def _complaint_productions(self):
        """{lot id: ids of the production orders that made it}, one query."""
        if not self:
            return {}
        self.env["stock.move.line"].flush_model(["lot_id", "state", "move_id"])
        self.env["stock.move"].flush_model(["production_id"])
        rows = self.env.execute_query(
            SQL(
                """
            SELECT ml.lot_id, ARRAY_AGG(DISTINCT m.production_id)
              FROM stock_move_line ml
              JOIN stock_move m ON m.id = ml.move_id
             WHERE ml.lot_id = ANY(%(ids)s) AND ml.state = 'done'
               AND m.production_id IS NOT NULL
          GROUP BY ml.lot_id
                """,
                ids=self.ids,
            )
        )
        return {lot_id: set(production_ids) for lot_id, production_ids in rows}
