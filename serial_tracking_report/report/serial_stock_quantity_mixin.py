from odoo import api, models
from odoo.tools import SQL

# Odoo's valued locations (stock.location._should_be_valued): of a company, internal
# or transit.
VALUED_USAGES = ("internal", "transit")


def valued_sql(alias):
    """Whether the ``stock_location`` row ``alias`` is a valued location."""
    return SQL(
        "(%(location)s.company_id IS NOT NULL AND %(location)s.usage IN %(usages)s)",
        location=SQL.identifier(alias),
        usages=VALUED_USAGES,
    )


def valued_entry_sql(source, destination):
    """Whether a line from location ``source`` to ``destination`` (aliases of
    ``stock_location`` rows) enters the valued stock."""
    return SQL("NOT %s AND %s", valued_sql(source), valued_sql(destination))


class SerialStockQuantityMixin(models.AbstractModel):
    """A unit's valued quantity and location, now or as of a date, in two shapes
    giving the same figures:

    - set-based (``_quantity_sql``): one query over every quant (and every line
      since the date), for totals over all units (pivot, graph, grouped lists);
    - per unit (``_unit_quantity_sql``): a ``LATERAL`` body reading the quants (and
      lines) of the unit ``lot`` by their index, for lists: a page of 80 units
      reads about 80 units, as PostgreSQL stops at the ``LIMIT``.
    """

    _name = "serial.stock.quantity.mixin"
    _description = "Serial Unit Valued Quantity"

    @api.model
    def _valued_location_ids(self):
        """Odoo's valued locations, by stock_account's own ``is_valued_internal``
        (a list: quants are read by the index on their location, not all of them)."""
        Location = self.env["stock.location"].sudo().with_context(active_test=False)
        return Location.search([("is_valued_internal", "=", True)]).ids

    @api.model
    def _quantity_sql(self, at):
        """Set-based: valued quantity and location of each unit (one row per unit
        with valued quants or lines since ``at``): from quants now; at a past
        date, the quants corrected by the done move lines after ``at`` (few, by
        an index on their date, where summing every line up to ``at`` would read
        the whole history), the location being where the first of them took the
        unit from."""
        now = SQL(
            """
            SELECT q.lot_id, SUM(q.quantity) AS quantity,
                   MIN(q.location_id) FILTER (WHERE q.quantity > 0) AS location_id,
                   MIN(l.company_id) AS company_id
              FROM stock_quant q
              JOIN stock_location l ON l.id = q.location_id
              JOIN res_company c ON c.id = l.company_id
             WHERE q.lot_id IS NOT NULL AND q.location_id = ANY(%(valued)s)
               AND (q.owner_id IS NULL OR q.owner_id = c.partner_id)
          GROUP BY q.lot_id
            """,
            valued=self._valued_location_ids(),
        )
        if not at:
            return now
        return SQL(
            """
            SELECT COALESCE(n.lot_id, a.lot_id) AS lot_id,
                   COALESCE(n.quantity, 0) - COALESCE(a.delta, 0) AS quantity,
                   CASE WHEN a.lot_id IS NULL THEN n.location_id
                        ELSE a.location_id END AS location_id,
                   COALESCE(n.company_id, a.company_id) AS company_id
              FROM (%(now)s) n
         FULL JOIN (
                SELECT lot_id, SUM(CASE WHEN dst_valued AND NOT src_valued THEN qty
                                        WHEN src_valued AND NOT dst_valued THEN -qty
                                        ELSE 0 END) AS delta,
                       (ARRAY_AGG(location_id ORDER BY date, id))[1] AS location_id,
                       MIN(company_id) AS company_id
                  FROM (
                    SELECT ml.id, ml.lot_id, ml.date, ml.location_id, ml.company_id,
                           ml.quantity_product_uom AS qty,
                           %(src_valued)s AS src_valued,
                           %(dst_valued)s AS dst_valued
                      FROM stock_move_line ml
                      JOIN stock_location src ON src.id = ml.location_id
                      JOIN stock_location dst ON dst.id = ml.location_dest_id
                      JOIN res_company c ON c.id = ml.company_id
                     WHERE ml.lot_id IS NOT NULL AND ml.state = 'done'
                       AND ml.date > %(at)s
                       AND (ml.owner_id IS NULL OR ml.owner_id = c.partner_id)
                  ) lines
              GROUP BY lot_id
              ) a ON a.lot_id = n.lot_id
            """,
            now=now,
            src_valued=valued_sql("src"),
            dst_valued=valued_sql("dst"),
            at=at,
        )

    @api.model
    def _unit_quantity_sql(self, at):
        """Per unit: the ``LATERAL`` body giving ``quantity``, ``location_id`` and
        ``company_id`` of the unit ``lot`` as ``_quantity_sql`` does (an aggregate
        with no ``GROUP BY``: one row, all NULL when the unit has no valued quant
        and no line since ``at``)."""
        valued = self._valued_location_ids()  # once, for both parts
        # the quant's company is its location's (a stored related field): no join
        # per unit, only the unit's quants through their index on the unit
        now = SQL(
            """
            SELECT SUM(q.quantity) AS quantity,
                   MIN(q.location_id) FILTER (WHERE q.quantity > 0) AS location_id,
                   MIN(q.company_id) AS company_id
              FROM stock_quant q
             WHERE q.lot_id = lot.id AND q.location_id = ANY(%(valued)s)
               AND (q.owner_id IS NULL OR q.owner_id = (
                    SELECT c.partner_id FROM res_company c WHERE c.id = q.company_id))
            """,
            valued=valued,
        )
        if not at:
            return now
        return SQL(
            """
            SELECT CASE WHEN n.quantity IS NULL AND a.lines = 0 THEN NULL
                        ELSE COALESCE(n.quantity, 0) - a.delta END AS quantity,
                   CASE WHEN a.lines = 0 THEN n.location_id
                        ELSE a.location_id END AS location_id,
                   COALESCE(n.company_id, a.company_id) AS company_id
              FROM (%(now)s) n, (
                SELECT COUNT(*) AS lines,
                       COALESCE(SUM(
                           CASE WHEN dst_valued AND NOT src_valued THEN qty
                                WHEN src_valued AND NOT dst_valued THEN -qty
                                ELSE 0 END), 0) AS delta,
                       (ARRAY_AGG(location_id ORDER BY date, id))[1] AS location_id,
                       MIN(company_id) AS company_id
                  FROM (
                    SELECT ml.id, ml.date, ml.location_id, ml.company_id,
                           ml.quantity_product_uom AS qty,
                           ml.location_id = ANY(%(valued)s) AS src_valued,
                           ml.location_dest_id = ANY(%(valued)s) AS dst_valued
                      FROM stock_move_line ml
                     WHERE ml.lot_id = lot.id AND ml.state = 'done'
                       AND ml.date > %(at)s AND ml.company_id IS NOT NULL
                       AND (ml.owner_id IS NULL OR ml.owner_id = (
                            SELECT c.partner_id FROM res_company c
                             WHERE c.id = ml.company_id))
                  ) lines
              ) a
            """,
            now=now,
            valued=valued,
            at=at,
        )
