"""The scan engine's lookup queries, as ``odoo.tools.SQL`` (the one place a scan
reads its facts in SQL). ``serial.scan.service`` runs them and shapes the rows
(``_scan_lock_picking``, ``_scan_products``, ``_scan_moves_sql``, ``_scan_units``).
The scan rows' insert (``insert_row_sql``) is here too: the service's and the
dispatch flow's; and the free lines a dispatched unit can take
(``free_line_sql``, for ``serial.scan.placement``).
"""

from odoo.tools import SQL

from odoo.addons.serial_tracking.models.stock_lot import CLOSED_STATES


def lock_picking_sql(picking_id, scan_uid, allowed, mode, units=None):
    """The operation's row, locked ``FOR SHARE`` (``mode="share"``) or ``FOR NO
    KEY UPDATE``, with what a scan needs of it and ``previous``: ``[picking_id,
    move_id]`` of the scan already recorded with ``scan_uid``. ``allowed``: the
    user's write rules as SQL on ``p``. ``units``: a query of
    :func:`units_sql` on the locked row (:data:`LOCKED_ROW`), read in the same
    round trip as JSON (``units``)."""
    lock = SQL("FOR SHARE OF p") if mode == "share" else SQL("FOR NO KEY UPDATE OF p")
    return SQL(
        """
        SELECT p.id, p.name, p.state, p.company_id, t.code AS type_code,
               t.use_create_lots,
               p.serial_dispatch_confirmed AS dispatch_confirmed,
               p.location_id, p.location_dest_id, src.parent_path,
               (SELECT JSON_BUILD_ARRAY(s.picking_id, s.move_id)
                  FROM serial_dispatch_scan s
                 WHERE s.scan_uid = %(scan_uid)s) AS previous %(units)s
          FROM stock_picking p
          JOIN stock_picking_type t ON t.id = p.picking_type_id
          JOIN stock_location src ON src.id = p.location_id
         WHERE p.id = %(picking)s AND %(allowed)s
           %(lock)s
        """,
        picking=picking_id,
        scan_uid=scan_uid,
        allowed=allowed,
        lock=lock,
        units=SQL(", (SELECT JSON_AGG(u) FROM (%s) u) AS units", units)
        if units
        else SQL(),
    )


# The locked operation's row in lock_picking_sql, as units_sql's ``info``.
LOCKED_ROW = {
    "id": SQL("p.id"),
    "company_id": SQL("p.company_id"),
    "path": SQL("src.parent_path || '%%'"),
}


def products_sql(barcodes, info, moves):
    """Products with one of ``barcodes`` (active first), their tracking, name in
    the user's language and ``moves`` (the SQL of :func:`moves_sql` on ``pp.id``)."""
    return SQL(
        """
        SELECT pp.id, pt.tracking,
               COALESCE(pt.name->>%(lang)s, pt.name->>'en_US') AS product_name,
               (%(moves)s) AS moves
          FROM product_product pp
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
         WHERE pp.barcode = ANY(%(barcodes)s)
           AND (pt.company_id IS NULL OR pt.company_id = %(company)s)
      ORDER BY pp.active DESC, pp.id
        """,
        barcodes=barcodes,
        lang=info["lang"],
        company=info["company_id"],
        moves=moves,
    )


def moves_sql(info, product):
    """JSON array of the operation's open lines of ``product`` (SQL expression)
    with the quantity each still misses and its ``picked`` flag, in the
    operation's order."""
    return SQL(
        """
        SELECT JSON_AGG(JSON_BUILD_ARRAY(x.id, x.missing, x.picked)
                        ORDER BY x.seq, x.id)
          FROM (SELECT m.id, MAX(m.sequence) AS seq, BOOL_AND(m.picked) AS picked,
                       MAX(m.product_qty) - COALESCE(SUM(s.quantity), 0)
                           AS missing
                  FROM stock_move m
             LEFT JOIN serial_dispatch_scan s ON s.move_id = m.id
                 WHERE m.picking_id = %(picking)s AND m.product_id = %(product)s
                   AND m.state NOT IN %(closed)s
              GROUP BY m.id) x
        """,
        picking=info["id"],
        product=product,
        closed=CLOSED_STATES,
    )


def units_sql(where, info, moves):
    """Serial units matching ``where`` (SQL on ``lot``) with every fact a scan
    decides on (see ``serial.scan.service._scan_units``); ``moves``: the SQL of
    :func:`moves_sql` on ``lot.product_id``."""
    return SQL(
        """
        SELECT lot.id, lot.name, lot.product_id, lot.unit_state,
               lot.expiration_date, lot.removal_date,
               lot.company_id AS lot_company_id, pt.tracking,
               COALESCE(pt.name->>%(lang)s, pt.name->>'en_US') AS product_name,
               (%(moves)s) AS moves, sc.picking_id AS scanned_on, mls.lines,
               q.id AS quant_id, q.location_id, q.package_id, q.owner_id,
               q.reserved_quantity %(columns)s
          FROM stock_lot lot
          JOIN product_product pp ON pp.id = lot.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
     LEFT JOIN LATERAL (
               SELECT s.picking_id FROM serial_dispatch_scan s
                WHERE s.lot_id = lot.id AND s.state = 'open'
                LIMIT 1) sc ON TRUE
     LEFT JOIN LATERAL (
               SELECT JSON_AGG(JSON_BUILD_ARRAY(ml.id, ml.picking_id,
                                                ml.move_id, ml.picked,
                                                ml.company_id)
                               ORDER BY ml.id) AS lines
                 FROM stock_move_line ml
                WHERE ml.lot_id = lot.id AND ml.quantity > 0
                  AND ml.state NOT IN %(closed)s) mls ON TRUE
     LEFT JOIN LATERAL (
               SELECT q.*
                 FROM stock_quant q
                 JOIN stock_location l ON l.id = q.location_id
                WHERE q.lot_id = lot.id AND q.quantity > 0
                  AND l.parent_path LIKE %(path)s
             ORDER BY q.quantity DESC, q.id
                LIMIT 1) q ON TRUE
         WHERE (lot.company_id = %(company)s OR lot.company_id IS NULL)
           AND %(where)s
        """,
        where=where,
        columns=SQL(", %s", info["unit_columns"])
        if info.get("unit_columns")
        else SQL(),
        moves=moves,
        closed=CLOSED_STATES,
        path=info.get("path") or f"{info['parent_path']}%",
        company=info["company_id"],
        lang=info["lang"],
    )


def insert_row_sql(table, values, uid):
    """A scan row's ``INSERT ... ON CONFLICT DO NOTHING`` (no ``RETURNING``):
    one row of ``table`` holding ``values`` (column names to values) and its
    audit columns (user ``uid``, the transaction's time). Its unique indexes
    arbitrate concurrent scans (see ``serial.scan.service._scan_insert_row``)."""
    return SQL(
        """
        INSERT INTO %(table)s (%(columns)s, create_uid, write_uid,
                               create_date, write_date)
        VALUES (%(values)s, %(user)s, %(user)s,
                NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC')
   ON CONFLICT DO NOTHING
        """,
        table=SQL.identifier(table),
        columns=SQL(", ").join(SQL.identifier(name) for name in values),
        values=SQL(", ").join(SQL("%s", value) for value in values.values()),
        user=uid,
    )


def free_line_sql(move_id, candidate, lock):
    """The free lines of a delivery's move a scanned unit can take (unpicked,
    one unit in the product's unit), with, for :func:`write_scanned_line`, the
    quants of a strict gather (Odoo's ``_update_available_quantity``) of the line's
    reservation (how many; the one with stock holding it), and the quants of the
    ``candidate`` unit's strict gather (their ids, for both helpers). Always one
    row at least: with no free line, its line columns are NULL. ``lock``: only
    the first one no other transaction holds, locked.

    The last columns are what a new line of the move (:func:`create_scanned_line`)
    needs of it (:data:`MOVE_FACTS`): the move's fields a new line and the
    move's new state read (:data:`MOVE_FIELDS`), the product's unit and the
    quantity of the move's lines (NULL when one of them is in another unit than
    the move's)."""
    return SQL(
        """
        SELECT fl.id, fl.lot_id, old.n, old.id, new.ids, fl.package_id,
               fl.location_id, fl.owner_id, fl.company_id, fl.picking_id,
               mv.location_dest_id, mv.product_uom, mv.product_uom_id, mv.quantity,
               mv.picked,
               mv.company_id, mv.state, mv.product_uom_qty, mv.procure_method,
               mv.scrap_id, mv.move_orig_ids, mv.move_dest_ids,
               mv.location_id, mv.picking_type_id, mv.src_warehouse_id,
               mv.dest_warehouse_id, mv.reservation_method,
               mv.reservation_days_before, mv.reservation_days_before_priority
          FROM (VALUES (1)) AS one (x)
     LEFT JOIN LATERAL (
               SELECT m.location_dest_id, m.product_uom, mpt.uom_id AS product_uom_id,
                      m.company_id, m.state, m.product_uom_qty, m.procure_method,
                      m.scrap_id, m.picked, m.location_id, m.picking_type_id,
                      ls.warehouse_id AS src_warehouse_id,
                      ld.warehouse_id AS dest_warehouse_id,
                      mt.reservation_method, mt.reservation_days_before,
                      mt.reservation_days_before_priority,
                      (SELECT ARRAY_AGG(o.id ORDER BY o.sequence, o.id)
                         FROM stock_move_move_rel r
                         JOIN stock_move o ON o.id = r.move_orig_id
                        WHERE r.move_dest_id = m.id) AS move_orig_ids,
                      (SELECT ARRAY_AGG(d.id ORDER BY d.sequence, d.id)
                         FROM stock_move_move_rel r
                         JOIN stock_move d ON d.id = r.move_dest_id
                        WHERE r.move_orig_id = m.id) AS move_dest_ids,
                      (SELECT CASE WHEN BOOL_AND(l.product_uom_id = m.product_uom)
                                            IS NOT FALSE
                                   THEN COALESCE(SUM(l.quantity), 0) END
                         FROM stock_move_line l
                        WHERE l.move_id = m.id) AS quantity
                 FROM stock_move m
                 JOIN product_product mpp ON mpp.id = %(product)s
                 JOIN product_template mpt ON mpt.id = mpp.product_tmpl_id
                 JOIN stock_location ls ON ls.id = m.location_id
                 JOIN stock_location ld ON ld.id = m.location_dest_id
            LEFT JOIN stock_picking_type mt ON mt.id = m.picking_type_id
                WHERE m.id = %(move)s) mv ON TRUE
     LEFT JOIN LATERAL (
               SELECT ml.id, ml.lot_id, ml.product_id, ml.location_id,
                      ml.package_id, ml.owner_id, ml.company_id, ml.picking_id
                 FROM stock_move_line ml
                 JOIN product_product pp ON pp.id = ml.product_id
                 JOIN product_template pt ON pt.id = pp.product_tmpl_id
                WHERE ml.move_id = %(move)s AND NOT ml.picked
                  AND ml.quantity = 1 AND ml.product_uom_id = pt.uom_id
                  AND ml.lot_id IS NOT NULL
             ORDER BY ml.id
                %(lock)s) fl ON TRUE
     LEFT JOIN LATERAL (
               SELECT COUNT(*) AS n, MIN(q.id) FILTER (
                          WHERE q.quantity > 0 AND q.reserved_quantity >= 1) AS id
                 FROM stock_quant q
                WHERE q.product_id = fl.product_id AND q.lot_id = fl.lot_id
                  AND q.location_id = fl.location_id
                  AND q.package_id IS NOT DISTINCT FROM fl.package_id
                  AND q.owner_id IS NOT DISTINCT FROM fl.owner_id) old ON TRUE
     LEFT JOIN LATERAL (
               SELECT ARRAY_AGG(q.id) AS ids
                 FROM stock_quant q
                WHERE q.product_id = %(product)s AND q.lot_id = %(lot)s
                  AND q.location_id = %(location)s
                  AND q.package_id IS NOT DISTINCT FROM %(package)s
                  AND q.owner_id IS NOT DISTINCT FROM %(owner)s) new ON TRUE
        """,
        move=move_id,
        product=candidate["product_id"],
        lot=candidate["id"],
        location=candidate["location_id"],
        package=candidate["package_id"],
        owner=candidate["owner_id"],
        lock=SQL("LIMIT 1 FOR NO KEY UPDATE OF ml SKIP LOCKED") if lock else SQL(""),
    )


# The names of free_line_sql's last columns: the move's own fields (see
# MOVE_FIELDS), the product's unit, the quantity of the move's lines, whether
# the move is picked.
MOVE_FIELDS = (
    "location_dest_id",
    "product_uom",
    "company_id",
    "state",
    "product_uom_qty",
    "procure_method",
    # Walked by the ORM's dependencies of a new line (stock.move.line.move_id):
    # known, the move is not read again.
    "scrap_id",
    # Walked by the dependencies of the move's state (its chained moves' delay
    # alert date), in the ORM's order (stock.move's): not read again.
    "move_orig_ids",
    "move_dest_ids",
    # Read by Odoo's write of the move's state (its orderpoints' warehouses, its
    # reservation date), with MOVE_LINKS.
    "location_id",
    "picking_type_id",
)
# free_line_sql's last columns: ``(fact, model, record's fact, field)``: the
# records the move links to (its locations, operation type), their fields the
# ORM reads on a write of the move's state (see MOVE_FIELDS).
MOVE_LINKS = (
    ("src_warehouse_id", "stock.location", "location_id", "warehouse_id"),
    ("dest_warehouse_id", "stock.location", "location_dest_id", "warehouse_id"),
    *(
        (name, "stock.picking.type", "picking_type_id", name)
        for name in (
            "reservation_method",
            "reservation_days_before",
            "reservation_days_before_priority",
        )
    ),
)
MOVE_FACTS = (
    "location_dest_id",
    "product_uom",
    "product_uom_id",
    "quantity",
    "picked",
    *MOVE_FIELDS[2:],
    *(link[0] for link in MOVE_LINKS),
)
