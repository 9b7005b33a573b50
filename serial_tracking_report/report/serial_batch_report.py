from odoo import fields, models
from odoo.tools import SQL

from .serial_stock_report import SerialStockReport

# Unit states counted as "held": the unit is with us, whatever quality decided.
HELD_STATES = ("in_stock", "reserved", "returned", "quarantined")


class SerialBatchReport(models.Model):
    """One row per batch: its units, their value as of the report's date (the
    serial stock report's, context key ``serial_report_date``), expiry, and how many
    are held, delivered, returned or scrapped."""

    _name = "serial.batch.report"
    _inherit = "serial.report.query.mixin"
    _description = "Serial Batch Report"
    _auto = False
    _order = "product_id, name, id"
    _rec_name = "name"

    batch_id = fields.Many2one("serial.batch", readonly=True)
    name = fields.Char("Batch Number", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    supplier_id = fields.Many2one("res.partner", readonly=True)
    manufacture_date = fields.Date(readonly=True)
    expiration_date = fields.Datetime(readonly=True)
    unit_count = fields.Integer("Units", readonly=True)
    held_count = fields.Integer("Held", readonly=True)
    delivered_count = fields.Integer("Delivered", readonly=True)
    returned_count = fields.Integer("Returned", readonly=True)
    scrapped_count = fields.Integer("Scrapped", readonly=True)
    quantity = fields.Float("In Stock", readonly=True, digits="Product Unit")
    value = fields.Monetary(readonly=True)

    _depends = {  # noqa: RUF012 (Odoo reads it from the class)
        **SerialStockReport._depends,
        "serial.batch": [
            "name",
            "product_id",
            "company_id",
            "supplier_id",
            "manufacture_date",
            "expiration_date",
        ],
    }

    @property
    def _table_query(self):
        return SQL(
            """
            WITH counts AS (
                SELECT batch_id, COUNT(*) AS unit_count,
                       COUNT(*) FILTER (WHERE unit_state IN %(held)s) AS held_count,
                       COUNT(*) FILTER (WHERE unit_state = 'delivered')
                           AS delivered_count,
                       COUNT(*) FILTER (WHERE unit_state = 'returned')
                           AS returned_count,
                       COUNT(*) FILTER (WHERE unit_state = 'scrapped')
                           AS scrapped_count
                  FROM stock_lot WHERE batch_id IS NOT NULL
              GROUP BY batch_id
            ), stock AS (
                SELECT batch_id, SUM(quantity) AS quantity, SUM(value) AS value
                  FROM (%(units)s) u
                 WHERE batch_id IS NOT NULL
              GROUP BY batch_id
            )
            SELECT b.id, b.id AS batch_id, b.name, b.product_id, pt.categ_id,
                   b.company_id, company.currency_id, b.supplier_id,
                   b.manufacture_date, b.expiration_date,
                   COALESCE(c.unit_count, 0) AS unit_count,
                   COALESCE(c.held_count, 0) AS held_count,
                   COALESCE(c.delivered_count, 0) AS delivered_count,
                   COALESCE(c.returned_count, 0) AS returned_count,
                   COALESCE(c.scrapped_count, 0) AS scrapped_count,
                   COALESCE(s.quantity, 0) AS quantity,
                   COALESCE(s.value, 0) AS value
              FROM serial_batch b
              JOIN product_product pp ON pp.id = b.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
         LEFT JOIN res_company company ON company.id = b.company_id
         LEFT JOIN counts c ON c.batch_id = b.id
         LEFT JOIN stock s ON s.batch_id = b.id
            """,
            held=HELD_STATES,
            units=self.env["serial.stock.report"]._units_sql(held_only=True),
        )
