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

    Rows come in no particular order. ``unit_cost`` is Odoo's own cost: the lot's
    (valuation by lot/serial) or the product's, in the company ``company_id``;
    never re-derived from moves.

    A serial unit in one place is where Odoo's ``stock.lot.location_id`` says (no
    quant read); others are read from their quants. Then each unit costs at most two
    index probes in ``lot_id`` order: its open move lines (a small partial index) if
    held, else its done lines into customer locations (a covering partial index:
    no table read once the table is vacuumed). A delivered serial unit that is
    still at the customer's takes its address from the core's holder
    (``stock.lot.customer_id``, the partner of its last move out), without reading
    the delivery.
    """
    company = str(company_id)
    return SQL(
        """
        WITH units AS MATERIALIZED (
            -- one probe per unit (a hash of every unit is slower)
            SELECT l.id, l.product_id, l.location_id, l.customer_id,
                   l.standard_price
              FROM (%(lot_ids)s) AS scope(id)
              CROSS JOIN LATERAL (
                  SELECT * FROM stock_lot WHERE stock_lot.id = scope.id LIMIT 1
              ) l
        ),
        lots AS MATERIALIZED (
            SELECT l.id, l.product_id, l.location_id, l.customer_id, pt.tracking,
                   here.usage AS here_usage, here.warehouse_id AS here_warehouse_id,
                   CASE WHEN pt.lot_valuated
                        THEN COALESCE((l.standard_price ->> %(company)s)::numeric, 0)
                        ELSE COALESCE((pp.standard_price ->> %(company)s)::numeric, 0)
                   END AS unit_cost
              FROM units l
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
         LEFT JOIN stock_location here ON here.id = l.location_id
        ),
        held AS MATERIALIZED (
            -- a serial unit in one place: Odoo's own lot location
            SELECT lots.id AS lot_id, lots.product_id, lots.unit_cost,
                   lots.location_id, lots.here_warehouse_id AS warehouse_id,
                   lots.here_usage AS usage, 1.0 AS quantity
              FROM lots
             WHERE lots.tracking = 'serial'
               AND lots.here_usage IN ('internal', 'transit')
            UNION ALL
            -- a lot, or a unit in no single place: its quants
            SELECT lots.id, lots.product_id, lots.unit_cost, q.location_id,
                   loc.warehouse_id, loc.usage, SUM(q.quantity)
              FROM lots
              JOIN stock_quant q ON q.lot_id = lots.id
              JOIN stock_location loc ON loc.id = q.location_id
             WHERE (lots.tracking != 'serial' OR lots.location_id IS NULL)
               AND loc.usage IN ('internal', 'transit')
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
            -- a serial unit no longer held: its last delivery; a lot: every one
            SELECT lots.id AS lot_id, lots.product_id, lots.unit_cost,
                   d.move_line_id, d.picking_id,
                   CASE WHEN lots.tracking = 'serial' AND lots.here_usage = 'customer'
                             AND lots.customer_id IS NOT NULL
                        THEN lots.customer_id
                        ELSE COALESCE(
                            (SELECT p.partner_id FROM stock_picking p
                              WHERE p.id = d.picking_id),
                            (SELECT m.partner_id FROM stock_move m
                              WHERE m.id = d.move_id))
                   END AS partner_id,
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
             WHERE lots.tracking != 'serial' OR NOT EXISTS (
                       SELECT 1 FROM held WHERE held.lot_id = lots.id)
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
         WHERE NOT EXISTS (SELECT 1 FROM held WHERE held.lot_id = lots.id)
           AND NOT EXISTS (SELECT 1 FROM delivered d WHERE d.lot_id = lots.id)
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
