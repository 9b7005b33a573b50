from datetime import datetime, time

from odoo import api, fields, models
from odoo.tools import SQL

from odoo.addons.serial_tracking.models.stock_lot import UNIT_STATES

AGE_BUCKETS = [
    ("0_30", "0-30 days"),
    ("31_90", "31-90 days"),
    ("91_180", "91-180 days"),
    ("181_365", "181-365 days"),
    ("365_plus", "Over a year"),
]
# Odoo's valued locations (stock.location._should_be_valued): of a company, internal
# or transit.
VALUED_USAGES = ("internal", "transit")


class SerialStockReport(models.Model):
    """One row per serial unit: where it is, how old, what it is worth as of a date.

    The date comes from the context key ``serial_report_date`` (a date; none: now)
    set by the *Serial Stock at Date* wizard. Quantities count what Odoo values:
    valued locations (internal or transit of a company), units owned by the company.
    Values follow Odoo 19's valuation (no ``stock.valuation.layer`` any more):

    - product *not* valued by lot/serial: every unit is worth the product's average,
      ``product.total_value / qty_available`` as Odoo computes them at that date
      (FIFO, AVCO or standard), so a product's total here is Odoo's own total;
    - valued by lot/serial (``lot_valuated``), standard price: the unit's own cost
      (``stock.lot.standard_price``), as Odoo values it;
    - valued by lot/serial, FIFO or AVCO: the value of the unit's last valued
      incoming move up to the date (``stock.move.value`` per unit), or for AVCO a
      later manual cost of the unit or product (``product.value``): what
      ``stock.lot.total_value`` computes today, in one query for all units. At a
      past date Odoo's own per-unit figure multiplies by the product's quantity
      instead of the unit's; this report keeps the move's value (as Odoo stores it:
      an AVCO cost change revalues the receipts it applies to).

    Rows are cached by unit like any record: read a new date with a fresh cache
    (every request has one).
    """

    _name = "serial.stock.report"
    _description = "Serial Stock Report"
    _auto = False
    _order = "product_id, name, id"
    _rec_name = "name"

    lot_id = fields.Many2one("stock.lot", "Serial Unit", readonly=True)
    name = fields.Char("Serial", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    batch_id = fields.Many2one("serial.batch", readonly=True)
    unit_state = fields.Selection(UNIT_STATES, "Unit Status", readonly=True)
    location_id = fields.Many2one("stock.location", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    customer_id = fields.Many2one("res.partner", "Held by", readonly=True)
    receipt_date = fields.Datetime(readonly=True)
    expiration_date = fields.Datetime(readonly=True)
    age_days = fields.Integer("Age (days)", aggregator="avg", readonly=True)
    age_bucket = fields.Selection(AGE_BUCKETS, "Age", readonly=True)
    lot_valuated = fields.Boolean("Valued by Serial", readonly=True)
    quantity = fields.Float(readonly=True, digits="Product Unit")
    unit_value = fields.Monetary(aggregator="avg", readonly=True)
    value = fields.Monetary(readonly=True)

    _depends = {  # noqa: RUF012 (Odoo reads it from the class)
        "stock.lot": [
            "name",
            "product_id",
            "company_id",
            "batch_id",
            "unit_state",
            "customer_id",
            "receipt_date",
            "expiration_date",
            "standard_price",
        ],
        "stock.quant": ["lot_id", "location_id", "quantity", "owner_id"],
        "stock.move": ["value", "is_in", "date", "state", "product_id"],
        "stock.move.line": [
            "lot_id",
            "move_id",
            "location_id",
            "location_dest_id",
            "quantity_product_uom",
            "picked",
            "state",
            "date",
            "owner_id",
        ],
        "stock.location": ["usage", "company_id", "warehouse_id"],
        "product.value": ["product_id", "lot_id", "move_id", "value", "date"],
    }

    @api.model
    def _report_datetime(self):
        """End of the report's day (UTC), or None for now."""
        day = self.env.context.get("serial_report_date")
        if not day:
            return None
        day = fields.Date.to_date(day)
        if day >= fields.Date.context_today(self):
            return None
        return datetime.combine(day, time(23, 59, 59))

    @property
    def _table_query(self):
        at = self._report_datetime()
        products = self._product_valuation(at)
        return SQL(
            """
            WITH qty AS (%(qty)s), lot_in AS (%(lot_in)s),
                 products(product_id, company_id, mode, unit_value) AS (%(products)s)
            SELECT lot.id, lot.id AS lot_id, lot.name, lot.product_id,
                   pt.categ_id, company.id AS company_id, company.currency_id,
                   lot.batch_id,
                   lot.unit_state, COALESCE(qty.location_id, lot.location_id)
                       AS location_id,
                   loc.warehouse_id, lot.customer_id, lot.receipt_date,
                   lot.expiration_date, age.days AS age_days,
                   CASE WHEN age.days IS NULL THEN NULL
                        WHEN age.days <= 30 THEN '0_30'
                        WHEN age.days <= 90 THEN '31_90'
                        WHEN age.days <= 180 THEN '91_180'
                        WHEN age.days <= 365 THEN '181_365'
                        ELSE '365_plus' END AS age_bucket,
                   pt.lot_valuated, COALESCE(qty.quantity, 0) AS quantity,
                   unit.value AS unit_value,
                   COALESCE(qty.quantity, 0) * COALESCE(unit.value, 0) AS value
              FROM stock_lot lot
              JOIN product_product pp ON pp.id = lot.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
         LEFT JOIN qty ON qty.lot_id = lot.id
         LEFT JOIN res_company company
                ON company.id = COALESCE(lot.company_id, qty.company_id)
         LEFT JOIN stock_location loc
                ON loc.id = COALESCE(qty.location_id, lot.location_id)
         LEFT JOIN products p
                ON p.product_id = lot.product_id AND p.company_id = company.id
         LEFT JOIN lot_in ON lot_in.lot_id = lot.id
             CROSS JOIN LATERAL (
                   SELECT (%(at)s::date - lot.receipt_date::date) AS days) age
             CROSS JOIN LATERAL (
                   SELECT CASE p.mode
                          WHEN 'product' THEN p.unit_value
                          WHEN 'lot_standard' THEN COALESCE(
                              (lot.standard_price ->> company.id::text)::numeric,
                              (pp.standard_price ->> company.id::text)::numeric, 0)
                          ELSE lot_in.unit_value END AS value) unit
             WHERE pt.tracking = 'serial'
            """,
            qty=self._quantity_sql(at),
            lot_in=self._lot_in_value_sql(at, products),
            products=self._products_values_sql(products),
            at=at or self.env.cr.now(),
        )

    # -- quantities --------------------------------------------------------------

    @api.model
    def _quantity_sql(self, at):
        """Valued quantity and location of each unit: from quants now, from done
        move lines up to ``at`` otherwise."""
        if not at:
            return SQL(
                """
                SELECT q.lot_id, SUM(q.quantity) AS quantity,
                       MIN(q.location_id) FILTER (WHERE q.quantity > 0) AS location_id,
                       MIN(l.company_id) AS company_id
                  FROM stock_quant q
                  JOIN stock_location l ON l.id = q.location_id
                  JOIN res_company c ON c.id = l.company_id
                 WHERE q.lot_id IS NOT NULL AND l.usage IN %(usages)s
                   AND (q.owner_id IS NULL OR q.owner_id = c.partner_id)
              GROUP BY q.lot_id
                """,
                usages=VALUED_USAGES,
            )
        return SQL(
            """
            SELECT lot_id, SUM(CASE WHEN dst_valued AND NOT src_valued THEN qty
                                    WHEN src_valued AND NOT dst_valued THEN -qty
                                    ELSE 0 END) AS quantity,
                   (ARRAY_AGG(location_dest_id ORDER BY date DESC, id DESC))[1]
                       AS location_id,
                   MIN(company_id) AS company_id
              FROM (
                SELECT ml.id, ml.lot_id, ml.date, ml.location_dest_id, ml.company_id,
                       ml.quantity_product_uom AS qty,
                       (src.company_id IS NOT NULL AND src.usage IN %(usages)s)
                           AS src_valued,
                       (dst.company_id IS NOT NULL AND dst.usage IN %(usages)s)
                           AS dst_valued
                  FROM stock_move_line ml
                  JOIN stock_location src ON src.id = ml.location_id
                  JOIN stock_location dst ON dst.id = ml.location_dest_id
                  JOIN res_company c ON c.id = ml.company_id
                 WHERE ml.lot_id IS NOT NULL AND ml.state = 'done'
                   AND ml.date <= %(at)s
                   AND (ml.owner_id IS NULL OR ml.owner_id = c.partner_id)
              ) lines
          GROUP BY lot_id
            """,
            usages=VALUED_USAGES,
            at=at,
        )

    # -- values ------------------------------------------------------------------

    @api.model
    def _product_valuation(self, at):
        """``{(product id, company id): (mode, unit value)}`` of serial products with
        stock in the user's companies. ``mode``: ``product`` (every unit at the
        product's average, Odoo's own ``total_value`` / valued quantity),
        ``lot_standard`` or ``lot_move`` (valued by serial, see the class)."""
        Product = self.env["product.product"]
        Product.flush_model()
        self.env["stock.quant"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT q.product_id, l.company_id
                  FROM stock_quant q
                  JOIN stock_location l ON l.id = q.location_id
                  JOIN product_product pp ON pp.id = q.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE pt.tracking = 'serial' AND l.usage IN %(usages)s
                   AND l.company_id = ANY(%(companies)s)
                """,
                usages=VALUED_USAGES,
                companies=self.env.companies.ids,
            )
        )
        result = {}
        for product_id, company_id in rows:
            company = self.env["res.company"].browse(company_id)
            product = Product.browse(product_id).with_company(company).sudo()
            if at:
                product = product.with_context(to_date=at)
            if product.lot_valuated:
                mode = (
                    "lot_standard" if product.cost_method == "standard" else "lot_move"
                )
                result[product_id, company_id] = (mode, None)
                continue
            quantity = product._with_valuation_context().qty_available
            unit_value = product.total_value / quantity if quantity else 0.0
            result[product_id, company_id] = ("product", unit_value)
        return result

    @api.model
    def _products_values_sql(self, products):
        if not products:
            return SQL(
                "SELECT NULL::int, NULL::int, NULL::varchar, NULL::numeric WHERE FALSE"
            )
        return SQL(
            "VALUES %s",
            SQL(", ").join(
                SQL(
                    "(%s, %s, %s, %s::numeric)",
                    product_id,
                    company_id,
                    mode,
                    unit_value,
                )
                for (product_id, company_id), (mode, unit_value) in products.items()
            ),
        )

    @api.model
    def _lot_in_value_sql(self, at, products):
        """Per unit of the products valued by serial with FIFO or AVCO: the value of
        its last valued incoming move (per unit of the move), or for AVCO a later
        manual cost of the unit or of the product."""
        fifo = [pid for (pid, _c), (mode, _v) in products.items() if mode == "lot_move"]
        if not fifo:
            return SQL("SELECT NULL::int AS lot_id, NULL::numeric AS unit_value")
        average = [
            pid
            for pid in fifo
            if self.env["product.product"].browse(pid).sudo().cost_method == "average"
        ]
        at = at or datetime.max.replace(microsecond=0)
        return SQL(
            """
            SELECT last_in.lot_id,
                   CASE WHEN pv.value IS NOT NULL THEN pv.value
                        ELSE last_in.unit_value END AS unit_value
              FROM (
                SELECT DISTINCT ON (lot_id) lot_id, product_id, date,
                       value / NULLIF(move_qty, 0) AS unit_value
                  FROM (
                    SELECT ml.lot_id, m.id, m.product_id, m.date, m.value,
                           SUM(ml.quantity_product_uom) OVER (PARTITION BY m.id)
                               AS move_qty
                      FROM stock_move m
                      JOIN stock_move_line ml ON ml.move_id = m.id
                      JOIN stock_location src ON src.id = ml.location_id
                      JOIN stock_location dst ON dst.id = ml.location_dest_id
                     WHERE m.is_in AND m.state = 'done'
                       AND m.product_id = ANY(%(fifo)s) AND m.date <= %(at)s
                       AND ml.picked
                       AND NOT (src.company_id IS NOT NULL
                                AND src.usage IN %(usages)s)
                       AND dst.company_id IS NOT NULL AND dst.usage IN %(usages)s
                  ) in_lines
                 WHERE lot_id IS NOT NULL
              ORDER BY lot_id, date DESC, id DESC
              ) last_in
         LEFT JOIN LATERAL (
                SELECT v.value FROM product_value v
                 WHERE last_in.product_id = ANY(%(average)s)
                   AND v.move_id IS NULL AND v.product_id = last_in.product_id
                   AND (v.lot_id = last_in.lot_id OR v.lot_id IS NULL)
                   AND v.date <= %(at)s AND v.date > last_in.date
              ORDER BY v.date DESC, v.id DESC LIMIT 1
              ) pv ON TRUE
            """,
            usages=VALUED_USAGES,
            fifo=fifo,
            average=average,
            at=at,
        )
