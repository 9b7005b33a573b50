"""Set-based SQL of recalls: where each affected unit is, in one statement.

Everything here works on a *set* of units given as SQL (a query returning
``stock_lot.id``), so a recall of a million units is a handful of statements.
"""

from odoo.tools import SQL

# Where an affected unit is, as the recall lines say it.
POSITIONS = [
    ("held", "With us"),
    ("transit", "In transit"),
    ("open_delivery", "On an open delivery"),
    ("delivered", "Delivered"),
    ("other", "Elsewhere"),
]
# Positions of the units we hold (they count in the value at stake, can be quarantined).
HELD_POSITIONS = ("held", "transit", "open_delivery")


# Columns of ``stock_lot`` the split reads; a query of units gives them in this order.
UNIT_COLUMNS = SQL(
    "l.id, l.product_id, l.location_id, l.customer_id, l.delivery_date, "
    "l.standard_price"
)


# A unit of ``lots`` (in split_sql) with a positive quantity in our stock.
HELD_HERE = SQL(
    """EXISTS (
        SELECT 1 FROM stock_quant q
          JOIN stock_location loc ON loc.id = q.location_id
         WHERE q.lot_id = lots.id AND loc.usage IN ('internal', 'transit')
      GROUP BY q.location_id
        HAVING SUM(q.quantity) > 0)"""
)


def units_by_id_sql(lot_ids):
    """The ``UNIT_COLUMNS`` of the units ``lot_ids`` (an SQL query of
    ``stock_lot.id``, each once), one primary-key probe per unit: a hash join
    would read the whole table for a few thousand units."""
    return SQL(
        """SELECT %(columns)s
             FROM (%(lot_ids)s) AS scope(id)
             CROSS JOIN LATERAL (
                 SELECT * FROM stock_lot WHERE stock_lot.id = scope.id LIMIT 1
             ) l""",
        columns=UNIT_COLUMNS,
        lot_ids=lot_ids,
    )


def split_sql(lot_ids, company_id, units=None, deliveries=True):
    """Rows ``(lot_id, product_id, position, location_id, warehouse_id, partner_id,
    picking_id, move_line_id, date, quantity, unit_cost)`` of the units ``lot_ids``
    (an SQL query of ``stock_lot.id``) or ``units`` (an SQL query of their
    ``UNIT_COLUMNS``, read in the same pass as the scope: no probe per unit):

    - one row per internal or transit location holding the unit (``held``,
      ``transit``, or ``open_delivery`` when an open outgoing transfer reserves it,
      then with that transfer and its partner);
    - for a unit no longer held, its last done delivery to a customer (every
      delivery for a lot-tracked product): ``delivered``, with the delivery, its
      address (``partner_id``), date and quantity;
    - else one ``other`` row (consumed, scrapped, returned to the vendor...).

    Rows come in no particular order. ``unit_cost`` is Odoo's own cost: the lot's
    (valuation by lot/serial) or the product's, in the company ``company_id``;
    never re-derived from moves.

    A serial unit in one place is where Odoo's ``stock.lot.location_id`` says (no
    quant read); others are read from their quants. Then each unit costs at most two
    index probes in ``lot_id`` order: its open move lines (a small partial index) if
    held, else its done lines into customer locations (a covering partial index:
    no table read once the table is vacuumed). A delivered serial unit that is
    still at the customer's takes its address from the core's holder
    (``stock.lot.customer_id``, the partner of its last move out).

    ``deliveries=False`` is for counts and groups (the preview): such a unit then
    takes its date from the core's ``stock.lot.delivery_date`` (its last delivery)
    and is not probed at all, so its row has no ``picking_id`` / ``move_line_id``.
    Positions, partners, dates and quantities are the same either way.
    """
    company = str(company_id)
    return SQL(
        """
        WITH lots AS MATERIALIZED (
            SELECT l.id, l.product_id, l.location_id, l.customer_id,
                   l.delivery_date, pt.tracking, here.warehouse_id AS here_warehouse_id,
                   here.usage AS here_usage,
                   -- how the split finds the unit: 'here' a serial unit in our
                   -- stock (Odoo's lot location), 'away' a serial unit at a
                   -- customer's with its holder, 'quants' any other
                   CASE WHEN pt.tracking = 'serial'
                             AND here.usage IN ('internal', 'transit') THEN 'here'
                        WHEN pt.tracking = 'serial' AND here.usage = 'customer'
                             AND l.customer_id IS NOT NULL THEN 'away'
                        ELSE 'quants' END AS kind,
                   CASE WHEN pt.lot_valuated
                        THEN COALESCE((l.standard_price ->> %(company)s)::numeric, 0)
                        ELSE COALESCE((pp.standard_price ->> %(company)s)::numeric, 0)
                   END AS unit_cost
              FROM (%(units)s) l
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
         LEFT JOIN stock_location here ON here.id = l.location_id
        ),
        held AS MATERIALIZED (
            SELECT lots.id AS lot_id, lots.product_id, lots.unit_cost,
                   lots.location_id, lots.here_warehouse_id AS warehouse_id,
                   lots.here_usage AS usage, 1.0 AS quantity
              FROM lots
             WHERE lots.kind = 'here'
            UNION ALL
            SELECT lots.id, lots.product_id, lots.unit_cost, q.location_id,
                   loc.warehouse_id, loc.usage, SUM(q.quantity)
              FROM lots
              JOIN stock_quant q ON q.lot_id = lots.id
              JOIN stock_location loc ON loc.id = q.location_id
             WHERE lots.kind = 'quants' AND loc.usage IN ('internal', 'transit')
          GROUP BY lots.id, lots.product_id, lots.unit_cost, q.location_id,
                   loc.warehouse_id, loc.usage
            HAVING SUM(q.quantity) > 0
        ),
        open_out AS MATERIALIZED (
            SELECT DISTINCT ON (ml.lot_id) ml.lot_id, ml.id AS move_line_id,
                   ml.picking_id, p.partner_id, p.scheduled_date
              FROM (SELECT DISTINCT lot_id FROM held) h
              JOIN stock_move_line ml ON ml.lot_id = h.lot_id
              JOIN stock_picking p ON p.id = ml.picking_id
              JOIN stock_picking_type t ON t.id = p.picking_type_id
             WHERE ml.lot_id IS NOT NULL AND ml.state NOT IN ('done', 'cancel')
               AND t.code = 'outgoing'
          ORDER BY ml.lot_id, ml.id DESC
        ),
        delivered AS MATERIALIZED (
            -- counts only: a serial unit at a customer's, from the core's holder
            SELECT lots.id AS lot_id, lots.product_id, lots.unit_cost,
                   NULL::int AS move_line_id, NULL::int AS picking_id,
                   lots.customer_id AS partner_id, lots.delivery_date AS date,
                   1.0 AS quantity
              FROM lots
             WHERE lots.kind = 'away' AND NOT %(deliveries)s
            UNION ALL
            -- a serial unit no longer held: its last delivery; a lot: every one
            SELECT lots.id, lots.product_id, lots.unit_cost,
                   d.move_line_id, d.picking_id,
                   CASE WHEN lots.kind = 'away' THEN lots.customer_id
                        ELSE COALESCE(
                            (SELECT p.partner_id FROM stock_picking p
                              WHERE p.id = d.picking_id),
                            (SELECT m.partner_id FROM stock_move m
                              WHERE m.id = d.move_id))
                   END,
                   d.date, d.quantity
              FROM lots
              CROSS JOIN LATERAL (
                  SELECT ml.id AS move_line_id, ml.picking_id, ml.move_id, ml.date,
                         ml.quantity
                    FROM stock_move_line ml
                   WHERE ml.lot_id = lots.id AND ml.lot_id IS NOT NULL
                     AND ml.state = 'done'
                     AND ml.location_dest_id = ANY(ARRAY(
                         SELECT id FROM stock_location WHERE usage = 'customer'))
                ORDER BY ml.date DESC, ml.id DESC
                   LIMIT CASE WHEN lots.tracking = 'serial' THEN 1 END
              ) d
             WHERE (lots.kind = 'away' AND %(deliveries)s)
                OR (lots.kind = 'quants'
                    AND (lots.tracking != 'serial' OR NOT %(held_here)s))
        )
        SELECT held.lot_id, held.product_id,
               CASE WHEN o.lot_id IS NOT NULL THEN 'open_delivery'
                    WHEN held.usage = 'transit' THEN 'transit'
                    ELSE 'held' END AS position,
               held.location_id, held.warehouse_id, o.partner_id, o.picking_id,
               o.move_line_id, o.scheduled_date AS date, held.quantity,
               held.unit_cost
          FROM held LEFT JOIN open_out o ON o.lot_id = held.lot_id
        UNION ALL
        SELECT d.lot_id, d.product_id, 'delivered', NULL, NULL, d.partner_id,
               d.picking_id, d.move_line_id, d.date, d.quantity, d.unit_cost
          FROM delivered d
        UNION ALL
        SELECT lots.id, lots.product_id, 'other', lots.location_id, NULL, NULL, NULL,
               NULL, NULL, CASE WHEN lots.tracking = 'serial' THEN 1 ELSE 0 END,
               lots.unit_cost
          FROM lots
         WHERE (lots.kind = 'quants' AND NOT %(held_here)s
                OR lots.kind = 'away' AND %(deliveries)s)
           AND NOT EXISTS (
                   SELECT 1 FROM stock_move_line ml
                    WHERE ml.lot_id = lots.id AND ml.lot_id IS NOT NULL
                      AND ml.state = 'done'
                      AND ml.location_dest_id = ANY(ARRAY(
                          SELECT id FROM stock_location WHERE usage = 'customer')))
        """,
        units=units if units is not None else units_by_id_sql(lot_ids),
        company=company,
        deliveries=bool(deliveries),
        # probes of the tables, not joins of the CTEs above: the planner cannot
        # estimate a scope's size (a genealogy) and nested-loops such joins
        held_here=HELD_HERE,
    )


def split_groups_sql(lot_ids, company_id, units=None):
    """The split as the recall shows it, aggregated in SQL: rows ``(level,
    position, warehouse_id, location_id, customer_id, units, quantity, value,
    last_date)``, where ``level`` is

    - ``'total'``: every unit of the scope, once (``position`` NULL);
    - ``'position'``: by position (``units`` distinct, as the preview counts);
    - ``'group'``: by position, warehouse, location and customer (the commercial
      partner of the delivery's address, or of the open delivery's): held units
      by where they are, delivered ones by who has them.

    Built on ``split_sql(..., deliveries=False)``: no delivery is read for a unit
    still at its customer's."""
    return SQL(
        """
        SELECT CASE WHEN GROUPING(s.position) = 1 THEN 'total'
                    WHEN GROUPING(s.warehouse_id) = 1 THEN 'position'
                    ELSE 'group' END,
               s.position, s.warehouse_id, s.location_id, rp.commercial_partner_id,
               COUNT(DISTINCT s.lot_id), SUM(s.quantity),
               SUM(s.quantity * s.unit_cost), MAX(s.date)
          FROM (%s) s
     LEFT JOIN res_partner rp ON rp.id = s.partner_id
      GROUP BY GROUPING SETS (
               (), (s.position),
               (s.position, s.warehouse_id, s.location_id, rp.commercial_partner_id))
        """,
        split_sql(lot_ids, company_id, units=units, deliveries=False),
    )
