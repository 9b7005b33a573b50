"""The count flow's one statement for a plain code: the count's lock, the code's
lookup as a serial and, when it names one serial unit, its scan row, in one round
trip (``serial.scan.count._scan_lock``).

The row is written ahead of the flow's decision because, for exactly one serial
unit, ``decide_stock_count`` always counts it (``found`` or ``unexpected``: the
row is the same); the flow checks that its decision is the row's and takes the
row back otherwise (``ROLLBACK TO SAVEPOINT``). The unique indexes of
``serial_count_line`` still decide a double scan (``ON CONFLICT DO NOTHING``:
``counted`` is then NULL while ``attempted`` is true).

The unit's lookup is the count's own (:func:`count_units_sql`), not the engine's
``units_sql``: PostgreSQL plans the statement at every scan (Odoo's connection
pool discards a session's prepared statements at every request), and planning
was most of its time; the count decides on fewer facts than dispatch or sale.
"""

from odoo.tools import SQL

# The columns of ``units_sql``'s rows the count does not decide on (its
# ``decide_stock_count`` reads the unit's product and whether a quant holds it
# here): NULL, for ``serial.scan.service._scan_unit_rows``.
UNDECIDED = SQL(", ").join(
    SQL("NULL AS %s", SQL.identifier(name))
    for name in ("moves", "scanned_on", "lines", "reserved_quantity", "removal_date")
)


def count_units_sql(serial, lang):
    """Serial units named ``serial`` with what ``decide_stock_count`` reads, as
    ``units_sql`` gives it, for the locked count ``p`` at location ``cl``: the
    unit, its product's tracking and name in ``lang``, and ``quant_id``, the quant
    holding it under the counted location (``units_sql``'s choice of quant).
    Scalar sub-selects rather than joins: PostgreSQL plans them in half the time
    (a three-table join is a join order search at every scan)."""
    return SQL(
        """
        SELECT lot.id, lot.name, lot.product_id, lot.unit_state,
               lot.expiration_date, lot.company_id AS lot_company_id,
               t.tracking, t.product_name, %(undecided)s,
               (SELECT q.id
                  FROM stock_quant q
                 WHERE q.lot_id = lot.id AND q.quantity > 0
                   AND (SELECT l.parent_path FROM stock_location l
                         WHERE l.id = q.location_id) LIKE cl.parent_path || '%%'
              ORDER BY q.quantity DESC, q.id
                 LIMIT 1) AS quant_id
          FROM stock_lot lot,
       LATERAL (SELECT pt.tracking,
                       COALESCE(pt.name->>%(lang)s, pt.name->>'en_US')
                           AS product_name
                  FROM product_template pt
                 WHERE pt.id = (SELECT pp.product_tmpl_id FROM product_product pp
                                 WHERE pp.id = lot.product_id)
                OFFSET 0) t
         WHERE (lot.company_id = p.company_id OR lot.company_id IS NULL)
           AND lot.name = %(serial)s
        """,
        undecided=UNDECIDED,
        lang=lang,
        serial=serial,
    )


# When the scan row is written ahead: an open count, a new scan key, one serial unit.
ATTEMPTED = SQL(
    "k.state = 'draft' AND k.previous IS NULL AND JSON_ARRAY_LENGTH(k.units) = 1 "
    "AND k.units->0->>'tracking' = 'serial'"
)


def lock_count_sql(count_id, scan_uid, allowed, serial=None, lang="en_US", uid=None):
    """The count's row ``FOR SHARE`` with what a scan needs of it; with
    ``serial``, also its lookup as a serial (``units``: JSON of
    :func:`count_units_sql`'s rows), and the scan row of a single serial unit
    (``attempted``; ``counted``: ``[id, lot_id]`` of the row written, NULL when
    a unique index refused it)."""
    if serial is None:
        units, speculative = SQL("NULL::json"), None
    else:
        units = SQL("(SELECT JSON_AGG(u) FROM (%s) u)", count_units_sql(serial, lang))
        speculative = SQL(
            """
            , counted AS (
                INSERT INTO serial_count_line (
                       count_id, company_id, product_id, lot_id, quantity,
                       is_serial, scan_uid, user_id, create_uid, write_uid,
                       create_date, write_date)
                SELECT k.id, k.company_id, (k.units->0->>'product_id')::int,
                       (k.units->0->>'id')::int, 1.0, TRUE, %(scan_uid)s,
                       %(uid)s, %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC',
                       NOW() AT TIME ZONE 'UTC'
                  FROM locked k
                 WHERE %(attempted)s
           ON CONFLICT DO NOTHING
             RETURNING id, lot_id)
            """,
            scan_uid=scan_uid,
            uid=uid,
            attempted=ATTEMPTED,
        )
    locked = SQL(
        """
        SELECT p.id, p.name, p.state, p.company_id, cl.parent_path,
               (SELECT JSON_BUILD_ARRAY(s.count_id, s.product_id)
                  FROM serial_count_line s
                 WHERE s.scan_uid = %(scan_uid)s) AS previous,
               %(units)s AS units
          FROM serial_count p
          JOIN stock_location cl ON cl.id = p.location_id
         WHERE p.id = %(count)s AND %(allowed)s
           FOR SHARE OF p
        """,
        count=count_id,
        scan_uid=scan_uid,
        allowed=allowed,
        units=units,
    )
    if speculative is None:
        return locked
    return SQL(
        """
        WITH locked AS (%(locked)s) %(speculative)s
        SELECT k.*, COALESCE(%(attempted)s, FALSE) AS attempted,
               (SELECT JSON_BUILD_ARRAY(c.id, c.lot_id) FROM counted c) AS counted
          FROM locked k
        """,
        locked=locked,
        speculative=speculative,
        attempted=ATTEMPTED,
    )
