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

    Lists read the rows unit by unit (newest first, by the units' primary key, so
    a page of 80 reads about 80 units); totals (``_read_group``, the pivot and
    graph, grouped lists, a full count) read them set-based: see
    ``serial.stock.quantity.mixin``. Both give the same figures.

    Rows are cached by unit like any record: read a new date with a fresh cache
    (every request has one).
    """

    _name = "serial.stock.report"
    _inherit = (
        "serial.unit.report.mixin",
        "serial.stock.quantity.mixin",
        "serial.stock.lot.value.mixin",
    )
    _description = "Serial Stock Report"
    _auto = False
    # an order the units' primary key gives: a list's first page stops early (an
    # order by product would read every unit before the first row)
    _order = "id desc"
    _rec_name = "name"

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
        return self._units_sql()

    @api.model
    def _read_group(self, *args, **kwargs):
        grouped = self.with_context(serial_report_grouped=True)
        return super(SerialStockReport, grouped)._read_group(*args, **kwargs)

    @api.model
    def _read_grouping_sets(self, *args, **kwargs):
        grouped = self.with_context(serial_report_grouped=True)
        return super(SerialStockReport, grouped)._read_grouping_sets(*args, **kwargs)

    @api.model
    @api.readonly
    def search_count(self, domain, limit=None):
        # a count up to a limit stops early unit by unit; a full one reads all
        report = self if limit else self.with_context(serial_report_grouped=True)
        return super(SerialStockReport, report).search_count(domain, limit=limit)

    @api.model
    def _units_sql(self, held_only=False):
        """The report's rows as of the context's date.

        Per unit (lists): every unit with its valued quantity read by a
        ``LATERAL`` look-up. Set-based (``held_only`` or context key
        ``serial_report_grouped``): the units with a valued quantity, then (unless
        ``held_only``) the others, with no quantity. Two branches so that a filter
        on the quantity (the *In Stock* filter) drops the second one at planning:
        such a pivot reads the held units, not every unit ever received."""
        at = self._report_datetime()
        products = self._product_valuation(at)
        # the user's day (as the date filter's): a unit's age counts their days
        day = at.date() if at else fields.Date.context_today(self)
        if not (held_only or self.env.context.get("serial_report_grouped")):
            # no WITH: PostgreSQL flattens the report's query into Odoo's, so the
            # ORDER BY and LIMIT reach the units' primary key
            return self._unit_rows_sql(
                SQL(
                    "stock_lot lot CROSS JOIN LATERAL (%s) qty",
                    self._unit_quantity_sql(at),
                ),
                day,
                products=SQL("(%s)", self._products_values_sql(products, at)),
                lot_in=self._lot_in_value_sql(at, products, per_unit=True),
            )
        lot_in = SQL("SELECT i.unit_value FROM lot_in i WHERE i.lot_id = lot.id")
        held = self._unit_rows_sql(
            SQL("qty JOIN stock_lot lot ON lot.id = qty.lot_id"),
            day,
            lot_in=lot_in,
        )
        rest = self._unit_rows_sql(
            SQL(
                """stock_lot lot CROSS JOIN LATERAL (
                   SELECT NULL::numeric AS quantity, NULL::int AS location_id,
                          NULL::int AS company_id) qty"""
            ),
            day,
            lot_in=lot_in,
            where=SQL("NOT EXISTS (SELECT FROM qty held WHERE held.lot_id = lot.id)"),
        )
        return SQL(
            """WITH qty AS (%s), lot_in AS (%s), products AS MATERIALIZED (%s)
               %s""",
            self._quantity_sql(at),
            self._lot_in_value_sql(at, products),
            self._products_values_sql(products, at),
            held if held_only else SQL("%s UNION ALL %s", held, rest),
        )

    @api.model
    def _unit_rows_sql(self, source, day, lot_in, products=None, where=None):
        """Rows of the units of ``source`` (SQL giving ``lot`` and ``qty``), their
        ages counted up to ``day``; ``lot_in``: the look-up of a unit's value from
        its receipt (``_lot_in_value_sql``), ``products``: the products' values
        (none: the ``products`` CTE, set-based).

        Per unit (``products`` given): every look-up (product, company, location,
        valuation) is a ``LATERAL`` one that PostgreSQL may not flatten (``OFFSET
        0``): nested loops keep the units' order, so ``ORDER BY id`` with a
        ``LIMIT`` stops early (a hash join would read every unit first)."""
        per_unit = products is not None

        def look_up(alias, query, join="CROSS JOIN"):
            return SQL(
                "%s LATERAL (%s%s) %s%s",
                SQL(join),
                query,
                SQL(" OFFSET 0") if per_unit else SQL(""),
                SQL.identifier(alias),
                SQL("") if join == "CROSS JOIN" else SQL(" ON TRUE"),
            )

        joins = SQL(" ").join(
            [
                look_up(
                    "prod",
                    SQL(
                        """SELECT pt.categ_id, pt.lot_valuated, pp.standard_price
                             FROM product_product pp
                             JOIN product_template pt ON pt.id = pp.product_tmpl_id
                            WHERE pp.id = lot.product_id AND pt.tracking = 'serial'"""
                    ),
                ),
                look_up(
                    "company",
                    SQL(
                        """SELECT c.id, c.currency_id FROM res_company c
                            WHERE c.id = COALESCE(lot.company_id, qty.company_id)"""
                    ),
                    "LEFT JOIN",
                ),
                look_up(
                    "loc",
                    SQL(
                        """SELECT l.warehouse_id FROM stock_location l
                            WHERE l.id = COALESCE(qty.location_id, lot.location_id)"""
                    ),
                    "LEFT JOIN",
                ),
                look_up(
                    "p",
                    SQL(
                        """SELECT v.mode, v.unit_value FROM %s v
                            WHERE v.product_id = lot.product_id
                              AND v.company_id = company.id""",
                        products if per_unit else SQL("products"),
                    ),
                    "LEFT JOIN",
                ),
                look_up("lot_in", lot_in, "LEFT JOIN"),
            ]
        )
        return SQL(
            """
            SELECT lot.id, lot.id AS lot_id, lot.name, lot.product_id,
                   prod.categ_id, company.id AS company_id, company.currency_id,
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
                   prod.lot_valuated, qty.quantity, unit.value AS unit_value,
                   qty.quantity * COALESCE(unit.value, 0) AS value
              FROM %(source)s %(joins)s
             CROSS JOIN LATERAL (
                   SELECT (%(day)s::date - lot.receipt_date::date) AS days) age
             CROSS JOIN LATERAL (
                   SELECT CASE p.mode
                          WHEN 'product' THEN p.unit_value
                          WHEN 'standard' THEN p.unit_value
                          WHEN 'lot_standard' THEN COALESCE(
                              (lot.standard_price ->> company.id::text)::numeric,
                              (prod.standard_price ->> company.id::text)::numeric, 0)
                          ELSE lot_in.unit_value END AS value) unit
             WHERE %(where)s
            """,
            source=source,
            joins=joins,
            day=day,
            where=where or SQL("TRUE"),
        )

    # -- values ------------------------------------------------------------------

    @api.model
    def _product_valuation(self, at):
        """``{(product id, company id): (mode, unit value)}`` of the serial products
        for the user's companies. ``mode``:

        - ``standard``: standard price, not valued by serial: the price as of the
          date, looked up in SQL (``_products_values_sql``) the way Odoo's
          ``_get_standard_price_at_date`` does; the value given here is today's;
        - ``product`` (FIFO or AVCO, not valued by serial): every unit at the
          product's average, Odoo's own ``total_value`` / valued quantity; only
          these products cost one Odoo valuation each;
        - ``lot_standard`` or ``lot_move``: valued by serial (see the class).
        """
        Product = self.env["product.product"].sudo().with_context(active_test=False)
        products = Product.search([("tracking", "=", "serial")])
        result = {}
        for company in self.env.companies:
            for product in products.with_company(company):
                if product.company_id and product.company_id != company:
                    continue
                key = product.id, company.id
                if product.lot_valuated:
                    standard = product.cost_method == "standard"
                    result[key] = ("lot_standard" if standard else "lot_move", None)
                elif product.cost_method == "standard":
                    result[key] = ("standard", product.standard_price)
                else:
                    result[key] = ("product", self._odoo_unit_value(product, at))
        return result

    @api.model
    def _odoo_unit_value(self, product, at):
        """Odoo's own value of one unit of a FIFO or AVCO product (its average)."""
        if at:
            product = product.with_context(to_date=at)
        quantity = product._with_valuation_context().qty_available
        return product.total_value / quantity if quantity else 0.0

    @api.model
    def _products_values_sql(self, products, at):
        """The ``products`` CTE: one row per (product, company) with its mode and
        the value of one unit; standard prices as of ``at`` from the price history
        (``product.value`` rows of no move and no unit): the last one up to ``at``,
        else the first one ever, else today's price."""
        if not products:
            return SQL(
                "SELECT NULL::int AS product_id, NULL::int AS company_id, "
                "NULL::varchar AS mode, NULL::numeric AS unit_value WHERE FALSE"
            )
        values = SQL(", ").join(
            SQL("(%s, %s, %s, %s::numeric)", product_id, company_id, mode, unit_value)
            for (product_id, company_id), (mode, unit_value) in products.items()
        )
        if not at:
            return SQL(
                "SELECT * FROM (VALUES %s) v(product_id, company_id, mode, unit_value)",
                values,
            )
        return SQL(
            """
            SELECT v.product_id, v.company_id, v.mode,
                   CASE WHEN v.mode = 'standard'
                        THEN COALESCE(before.value, first.value, v.unit_value)
                        ELSE v.unit_value END AS unit_value
              FROM (VALUES %(values)s) v(product_id, company_id, mode, unit_value)
         LEFT JOIN LATERAL (
                SELECT pv.value FROM product_value pv
                 WHERE v.mode = 'standard' AND pv.product_id = v.product_id
                   AND pv.move_id IS NULL AND pv.lot_id IS NULL AND pv.date <= %(at)s
              ORDER BY pv.date DESC, pv.id DESC LIMIT 1) before ON TRUE
         LEFT JOIN LATERAL (
                SELECT pv.value FROM product_value pv
                 WHERE v.mode = 'standard' AND pv.product_id = v.product_id
                   AND pv.move_id IS NULL AND pv.lot_id IS NULL
              ORDER BY pv.date, pv.id LIMIT 1) first ON TRUE
            """,
            values=values,
            at=at,
        )
