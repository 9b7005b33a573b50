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


def split_sql(lot_ids, company_id):
    """Rows ``(lot_id, product_id, position, location_id, warehouse_id, partner_id,
    picking_id, move_line_id, date, quantity, unit_cost)`` of the units ``lot_ids``
    (an SQL query of ``stock_lot.id``):

    - one row per internal or transit location holding the unit (``held``,
      ``transit``, or ``open_delivery`` when an open outgoing transfer reserves it,
      then with that transfer and its partner);
    - for a unit no longer held, its last done delivery to a customer (every
      delivery for a lot-tracked product): ``delivered``, with the delivery, its
      address (``partner_id``), date and quantity;
    - else one ``other`` row (consumed, scrapped, returned to the vendor...).

    ``unit_cost`` is Odoo's own cost: the lot's (valuation by lot/serial) or the
    product's, in the company ``company_id``; never re-derived from moves.

    Each unit costs a few index probes in ``lot_id`` order: its quants, its open
    move lines (a small partial index of ``stock.move.line``) and its done lines
    into customer locations (a partial index on ``(lot_id, location_dest_id)``);
    only the lines that are deliveries are read from the table.
    """
    company = str(company_id)
    return SQL(
        """
        WITH lots AS MATERIALIZED (
            SELECT l.id, l.product_id, l.location_id, pt.tracking,
                   CASE WHEN pt.lot_valuated
                        THEN COALESCE((l.standard_price ->> %(company)s)::numeric, 0)
                        ELSE COALESCE((pp.standard_price ->> %(company)s)::numeric, 0)
                   END AS unit_cost
              FROM (%(lot_ids)s) AS scope(id)
              JOIN stock_lot l ON l.id = scope.id
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
        ),
        held AS MATERIALIZED (
            SELECT q.lot_id, q.location_id, loc.warehouse_id, loc.usage,
                   SUM(q.quantity) AS quantity
              FROM lots
              JOIN stock_quant q ON q.lot_id = lots.id
              JOIN stock_location loc ON loc.id = q.location_id
             WHERE loc.usage IN ('internal', 'transit')
          GROUP BY q.lot_id, q.location_id, loc.warehouse_id, loc.usage
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
            -- a serial unit no longer held: its last delivery; a lot: every one
            SELECT d.lot_id, d.move_line_id, d.picking_id,
                   COALESCE(p.partner_id, (SELECT m.partner_id FROM stock_move m
                                            WHERE m.id = d.move_id)) AS partner_id,
                   d.date, d.quantity
              FROM (
                  SELECT ml.lot_id, ml.id AS move_line_id, ml.picking_id,
                         ml.move_id, ml.date, ml.quantity, lots.tracking,
                         row_number() OVER (PARTITION BY ml.lot_id
                                            ORDER BY ml.date DESC, ml.id DESC) AS nth
                    FROM lots
                    JOIN stock_move_line ml ON ml.lot_id = lots.id
                   WHERE ml.lot_id IS NOT NULL AND ml.state = 'done'
                     AND ml.location_dest_id = ANY(ARRAY(
                         SELECT id FROM stock_location WHERE usage = 'customer'))
                     AND (lots.tracking != 'serial' OR NOT EXISTS (
                         SELECT 1 FROM held WHERE held.lot_id = lots.id))
              ) d
         LEFT JOIN stock_picking p ON p.id = d.picking_id
             WHERE d.nth = 1 OR d.tracking != 'serial'
        ),
        rows AS (
            SELECT held.lot_id,
                   CASE WHEN o.lot_id IS NOT NULL THEN 'open_delivery'
                        WHEN held.usage = 'transit' THEN 'transit'
                        ELSE 'held' END AS position,
                   held.location_id, held.warehouse_id, o.partner_id, o.picking_id,
                   o.move_line_id, o.scheduled_date AS date, held.quantity
              FROM held LEFT JOIN open_out o ON o.lot_id = held.lot_id
            UNION ALL
            SELECT d.lot_id, 'delivered', NULL, NULL, d.partner_id, d.picking_id,
                   d.move_line_id, d.date, d.quantity
              FROM delivered d
            UNION ALL
            SELECT lots.id, 'other', lots.location_id, NULL, NULL, NULL, NULL, NULL,
                   CASE WHEN lots.tracking = 'serial' THEN 1 ELSE 0 END
              FROM lots
             WHERE NOT EXISTS (SELECT 1 FROM held WHERE held.lot_id = lots.id)
               AND NOT EXISTS (SELECT 1 FROM delivered d WHERE d.lot_id = lots.id)
        )
        SELECT rows.lot_id, lots.product_id, rows.position, rows.location_id,
               rows.warehouse_id, rows.partner_id, rows.picking_id,
               rows.move_line_id, rows.date, rows.quantity, lots.unit_cost
          FROM rows JOIN lots ON lots.id = rows.lot_id
        """,
        lot_ids=lot_ids,
        company=company,
    )


def split_summary_sql(lot_ids, company_id):
    """Counts and value of ``split_sql`` by position: ``(position, units, quantity,
    value)`` rows, for the preview of a recall."""
    return SQL(
        """
        SELECT s.position, COUNT(DISTINCT s.lot_id), SUM(s.quantity),
               SUM(s.quantity * s.unit_cost)
          FROM (%s) s
      GROUP BY s.position
        """,
        split_sql(lot_ids, company_id),
    )
