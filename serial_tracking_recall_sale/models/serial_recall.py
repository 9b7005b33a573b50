from odoo import fields, models
from odoo.tools import SQL


class SerialRecall(models.Model):
    _inherit = "serial.recall"

    delivered_sale_value = fields.Monetary(
        "Sale Value of Delivered Units", compute="_compute_delivered_sale_value"
    )

    def _compute_delivered_sale_value(self):
        totals = dict(
            self.env["serial.recall.line"]._read_group(
                [("recall_id", "in", self.ids), ("position", "=", "delivered")],
                ["recall_id"],
                ["sale_value:sum"],
            )
        )
        for recall in self:
            recall.delivered_sale_value = totals.get(recall, 0.0)

    def _serial_recall_after_lines(self, lot_ids):
        """Delivered lines get their sale order line and the price the customer
        paid for them (``price_reduce_taxexcl``, converted at the order's date)."""
        res = super()._serial_recall_after_lines(lot_ids)
        self.env["sale.order.line"].flush_model(["price_reduce_taxexcl", "currency_id"])
        rows = self.env.execute_query(
            SQL(
                """
                UPDATE serial_recall_line line
                   SET sale_line_id = m.sale_line_id
                  FROM stock_move_line ml
                  JOIN stock_move m ON m.id = ml.move_id
                 WHERE line.recall_id = %(recall)s AND line.lot_id = ANY(%(lots)s)
                   AND line.position = 'delivered' AND ml.id = line.move_line_id
                   AND m.sale_line_id IS NOT NULL;
                SELECT so.currency_id, so.date_order::date,
                       array_agg(line.id), array_agg(sol.price_reduce_taxexcl)
                  FROM serial_recall_line line
                  JOIN sale_order_line sol ON sol.id = line.sale_line_id
                  JOIN sale_order so ON so.id = sol.order_id
                 WHERE line.recall_id = %(recall)s AND line.lot_id = ANY(%(lots)s)
              GROUP BY so.currency_id, so.date_order::date
                """,
                recall=self.id,
                lots=lot_ids,
            )
        )
        company = self.company_id
        for currency_id, date, line_ids, prices in rows:
            currency = self.env["res.currency"].browse(currency_id)
            rate = currency._get_conversion_rate(
                currency, company.currency_id, company, date
            )
            self.env.execute_query(
                SQL(
                    """UPDATE serial_recall_line line
                          SET sale_value = line.quantity * p.price * %(rate)s
                         FROM unnest(%(ids)s::int[], %(prices)s::numeric[])
                              AS p(id, price)
                        WHERE line.id = p.id""",
                    rate=rate,
                    ids=line_ids,
                    prices=[float(price or 0) for price in prices],
                )
            )
        self.env["serial.recall.line"].invalidate_model(["sale_line_id", "sale_value"])
        return res
