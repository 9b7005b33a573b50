"""Set-based SQL of recalls: where each affected unit is, in one statement.

Everything here works on a *set* of units given as SQL (a query returning
``stock_lot.id``), so a recall of a million units is a handful of statements.
"""

from odoo.tools import SQL

from odoo.addons.serial_tracking.models.stock_lot import CLOSED_STATES

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


# What a unit ``l`` of the split is joined to: its product and Odoo's lot location.
UNIT_JOINS = SQL(
    """JOIN product_product pp ON pp.id = l.product_id
       JOIN product_template pt ON pt.id = pp.product_tmpl_id
  LEFT JOIN stock_location here ON here.id = l.location_id"""
)
# How the split finds a unit ``l`` (``UNIT_JOINS``): 'here' a serial unit in our
# stock (Odoo's lot location), 'away' a serial unit at a customer's with its
# holder (the core's ``customer_id``), 'quants' any other (a lot, a unit in no
# single place, consumed, scrapped...).
KIND = SQL(
    """CASE WHEN pt.tracking = 'serial'
                 AND here.usage IN ('internal', 'transit') THEN 'here'
            WHEN pt.tracking = 'serial' AND here.usage = 'customer'
                 AND l.customer_id IS NOT NULL THEN 'away'
            ELSE 'quants' END"""
)


def position_sql(open_out, usage, kind=None):
    """The position of a unit (``POSITIONS``) placed from its own row: on an open
    delivery when ``open_out`` (the alias of an ``open_out_sql`` row) found one,
    in transit or held by the ``usage`` (SQL) of its location; with ``kind`` (SQL,
    ``KIND``), 'delivered' for a unit at a customer's."""
    held = SQL(
        """CASE WHEN %(open_out)s.lot_id IS NOT NULL THEN 'open_delivery'
                WHEN %(usage)s = 'transit' THEN 'transit'
                ELSE 'held' END""",
        open_out=SQL.identifier(open_out),
        usage=usage,
    )
    if kind is None:
        return held
    return SQL("CASE WHEN %s = 'away' THEN 'delivered' ELSE %s END", kind, held)


def unit_cost_sql(company_id):
    """Odoo's cost of a unit ``l`` (``UNIT_JOINS``) in company ``company_id``: the
    lot's where the product is valuated by lot/serial, else the product's."""
    company = str(company_id)
    return SQL(
        """CASE WHEN pt.lot_valuated
                THEN COALESCE((l.standard_price ->> %(company)s)::numeric, 0)
                ELSE COALESCE((pp.standard_price ->> %(company)s)::numeric, 0)
           END""",
        company=company,
    )


def open_out_sql(lot_id, condition):
    """The open delivery reserving unit ``lot_id`` (SQL) if ``condition`` (SQL),
    its latest line: a probe of a small partial index, per held unit."""
    return SQL(
        """SELECT ml.lot_id, ml.id AS move_line_id, ml.picking_id, p.partner_id,
                  p.scheduled_date
             FROM stock_move_line ml
             JOIN stock_picking p ON p.id = ml.picking_id
             JOIN stock_picking_type t ON t.id = p.picking_type_id
            WHERE %(condition)s AND ml.lot_id = %(lot_id)s
              AND ml.lot_id IS NOT NULL AND ml.state NOT IN %(closed)s
              AND t.code = 'outgoing'
         ORDER BY ml.id DESC
            LIMIT 1""",
        lot_id=lot_id,
        condition=condition,
        closed=CLOSED_STATES,
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
    picking_id, move_line_id, date, quantity, unit_cost, single)`` of the units
    ``lot_ids``
    (an SQL query of ``stock_lot.id``) or ``units`` (an SQL query of their
    ``UNIT_COLUMNS``, read in the same pass as the scope: no probe per unit):

    - one row per internal or transit location holding the unit (``held``,
      ``transit``, or ``open_delivery`` when an open outgoing transfer reserves it,
      then with that transfer and its partner);
    - for a unit no longer held, its last done delivery to a customer (every
      delivery for a lot-tracked product): ``delivered``, with the delivery, its
      address (``partner_id``), date and quantity;
    - else one ``other`` row (consumed, scrapped, returned to the vendor...).

    Rows come in no particular order; ``single`` is true on the one row of a unit
    that has no other (a serial unit, or a lot in no place), so counting units
    needs no DISTINCT there. ``unit_cost`` is Odoo's own cost: the lot's
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
    return SQL(
        """
        WITH lots AS MATERIALIZED (
            SELECT l.id, l.product_id, l.location_id, l.customer_id,
                   l.delivery_date, pt.tracking, here.warehouse_id AS here_warehouse_id,
                   here.usage AS here_usage, %(kind)s AS kind,
                   %(unit_cost)s AS unit_cost
              FROM (%(units)s) l
              %(joins)s
        ),
        stocked AS MATERIALIZED (
            -- a lot, or a unit in no single place: its quants in our stock
            SELECT lots.id AS lot_id, lots.product_id, lots.unit_cost,
                   q.location_id, loc.warehouse_id, loc.usage,
                   SUM(q.quantity) AS quantity
              FROM lots
              JOIN stock_quant q ON q.lot_id = lots.id
              JOIN stock_location loc ON loc.id = q.location_id
             WHERE lots.kind = 'quants' AND loc.usage IN ('internal', 'transit')
          GROUP BY lots.id, lots.product_id, lots.unit_cost, q.location_id,
                   loc.warehouse_id, loc.usage
            HAVING SUM(q.quantity) > 0
        ),
        delivered AS MATERIALIZED (
            -- a serial unit no longer held: its last delivery; a lot: every one
            SELECT lots.id AS lot_id, lots.product_id, lots.unit_cost,
                   d.move_line_id, d.picking_id,
                   CASE WHEN lots.kind = 'away' THEN lots.customer_id
                        ELSE COALESCE(
                            (SELECT p.partner_id FROM stock_picking p
                              WHERE p.id = d.picking_id),
                            (SELECT m.partner_id FROM stock_move m
                              WHERE m.id = d.move_id))
                   END AS partner_id,
                   d.date, d.quantity, lots.tracking = 'serial' AS single
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
        -- a serial unit in our stock, at Odoo's lot location; for counts only,
        -- one at a customer's with the core's holder and last delivery date
        SELECT lots.id AS lot_id, lots.product_id,
               %(position)s AS position,
               CASE WHEN lots.kind = 'here' THEN lots.location_id
               END AS location_id,
               CASE WHEN lots.kind = 'here' THEN lots.here_warehouse_id
               END AS warehouse_id,
               CASE WHEN lots.kind = 'here' THEN o.partner_id
                    ELSE lots.customer_id END AS partner_id,
               o.picking_id, o.move_line_id,
               CASE WHEN lots.kind = 'here' THEN o.scheduled_date
                    ELSE lots.delivery_date END AS date,
               1.0 AS quantity, lots.unit_cost, TRUE AS single
          FROM lots
     LEFT JOIN LATERAL (%(open_out)s) o ON TRUE
         WHERE lots.kind = 'here' OR (lots.kind = 'away' AND NOT %(deliveries)s)
        UNION ALL
        SELECT s.lot_id, s.product_id, %(position_stocked)s,
               s.location_id, s.warehouse_id, o.partner_id, o.picking_id,
               o.move_line_id, o.scheduled_date, s.quantity, s.unit_cost, FALSE
          FROM stocked s LEFT JOIN LATERAL (%(open_out_stocked)s) o ON TRUE
        UNION ALL
        SELECT d.lot_id, d.product_id, 'delivered', NULL, NULL, d.partner_id,
               d.picking_id, d.move_line_id, d.date, d.quantity, d.unit_cost,
               d.single
          FROM delivered d
        UNION ALL
        SELECT lots.id, lots.product_id, 'other', lots.location_id, NULL, NULL, NULL,
               NULL, NULL, CASE WHEN lots.tracking = 'serial' THEN 1 ELSE 0 END,
               lots.unit_cost, TRUE
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
        kind=KIND,
        unit_cost=unit_cost_sql(company_id),
        joins=UNIT_JOINS,
        deliveries=bool(deliveries),
        # probes of the tables, not joins of the CTEs above: the planner cannot
        # estimate a scope's size (a genealogy) and nested-loops such joins
        held_here=HELD_HERE,
        position=position_sql("o", SQL("lots.here_usage"), kind=SQL("lots.kind")),
        position_stocked=position_sql("o", SQL("s.usage")),
        open_out=open_out_sql(SQL("lots.id"), SQL("lots.kind = 'here'")),
        open_out_stocked=open_out_sql(SQL("s.lot_id"), SQL("TRUE")),
    )


def split_groups_sql(lot_ids, company_id, units=None):
    """The split as the preview counts it, aggregated in SQL by position. Rows
    ``(position, lot_id, rows, quantity, value)``: the units of one row
    (``single``) of a position summed in one row (``lot_id`` NULL, ``rows`` their
    number), the others (a lot in several places or delivered several times) one
    row per lot and position, so that ``split_groups_values`` counts each of them
    once.

    The same positions as ``split_sql(..., deliveries=False)`` (a test checks it
    against the lines confirming writes): the units are read once (``u``), a
    serial unit in our stock or at a customer's (almost all of them) is placed
    from its own row (``KIND``) and, if held, one probe for an open delivery; only
    the others go through ``split_sql``. No delivery is read, no unit is sorted:
    hash aggregates, which the planner keeps only while it does not under-guess
    the rows (a filter ``kind IN (...)`` on a CTE is guessed at 1% and sorted
    100k rows: twice slower)."""
    units = units if units is not None else units_by_id_sql(lot_ids)
    return SQL(
        """
        WITH u AS MATERIALIZED (
            SELECT %(columns)s, %(kind)s AS kind, here.usage AS here_usage,
                   %(unit_cost)s AS unit_cost
              FROM (%(units)s) l
              %(joins)s
        )
        -- a serial unit in our stock (Odoo's lot location, an open delivery) or at
        -- a customer's: one row each
        SELECT %(position)s, NULL::int, COUNT(*), COUNT(*)::numeric,
               SUM(l.unit_cost)
          FROM u l
     LEFT JOIN LATERAL (%(open_out)s) o ON TRUE
         -- not "kind IN (...)": the planner's guess of it (1%%) makes it sort
         WHERE l.kind != 'quants'
      GROUP BY 1
        UNION ALL
        -- the others, one row per lot and position
        SELECT s.position, CASE WHEN NOT s.single THEN s.lot_id END, COUNT(*),
               SUM(s.quantity), SUM(s.quantity * s.unit_cost)
          FROM (%(others)s) s
      GROUP BY 1, 2
        """,
        columns=UNIT_COLUMNS,
        units=units,
        joins=UNIT_JOINS,
        kind=KIND,
        unit_cost=unit_cost_sql(company_id),
        position=position_sql("o", SQL("l.here_usage"), kind=SQL("l.kind")),
        open_out=open_out_sql(SQL("l.id"), SQL("l.kind = 'here'")),
        others=split_sql(
            None,
            company_id,
            units=SQL("SELECT %s FROM u l WHERE l.kind = 'quants'", UNIT_COLUMNS),
            deliveries=False,
        ),
    )


def split_groups_values(rows):
    """``{'total': units, 'positions': {position: (units, quantity, value)}}`` from
    the rows of ``split_groups_sql``, each unit counted once per position and in
    the total."""
    positions, total_single, total_others = {}, 0, set()
    for position, lot_id, count, qty, value in rows:
        units, lots, quantity, amount = positions.get(position, (0, set(), 0, 0))
        if lot_id is None:
            units += count
            total_single += count
        else:
            lots = lots | {lot_id}
            total_others.add(lot_id)
        positions[position] = (units, lots, quantity + qty, amount + value)
    return {
        "total": total_single + len(total_others),
        "positions": {
            position: (units + len(lots), quantity, amount)
            for position, (units, lots, quantity, amount) in positions.items()
        },
    }
