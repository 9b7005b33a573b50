"""The count flow's one statement for a plain code: the count's lock, the code's
lookup as a serial and, when it names one serial unit, its scan row, in one round
trip (``serial.scan.count._scan_lock``).

The row is written ahead of the flow's decision because, for exactly one serial
unit, ``decide_stock_count`` always counts it (``found`` or ``unexpected``: the
row is the same); the flow checks that its decision is the row's and takes the
row back otherwise (``ROLLBACK TO SAVEPOINT``). The unique indexes of
``serial_count_line`` still decide a double scan (``ON CONFLICT DO NOTHING``:
``counted`` is then NULL while ``attempted`` is true).
"""

from odoo.tools import SQL

from odoo.addons.serial_tracking_barcode.tools.scan_sql import units_sql

# The locked count's row in the units lookup (``units_sql``'s ``info``; its own
# query names a quant's location ``l``: the counted location is ``cl``).
LOCKED_COUNT = {
    "id": None,
    "company_id": SQL("p.company_id"),
    "path": SQL("cl.parent_path || '%%'"),
}

# When the scan row is written ahead: an open count, a new scan key, one serial unit.
ATTEMPTED = SQL(
    "k.state = 'draft' AND k.previous IS NULL AND JSON_ARRAY_LENGTH(k.units) = 1 "
    "AND k.units->0->>'tracking' = 'serial'"
)


def lock_count_sql(count_id, scan_uid, allowed, serial=None, lang="en_US", uid=None):
    """The count's row ``FOR SHARE`` with what a scan needs of it; with
    ``serial``, also its lookup as a serial (``units``: JSON of
    :func:`units_sql`'s rows), and the scan row of a single serial unit
    (``attempted``; ``counted``: ``[id, lot_id]`` of the row written, NULL when
    a unique index refused it)."""
    if serial is None:
        units, speculative = SQL("NULL::json"), None
    else:
        located = {**LOCKED_COUNT, "lang": lang}
        units = SQL(
            "(SELECT JSON_AGG(u) FROM (%s) u)",
            # A count has no operation, so no operation lines (``moves``): none
            # to plan (a fifth of the statement's planning).
            units_sql(SQL("lot.name = %s", serial), located, SQL("NULL::json")),
        )
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
