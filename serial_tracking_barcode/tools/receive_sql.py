"""The receive flow's own queries (``serial.scan.receive``), as ``odoo.tools.SQL``."""

from odoo.tools import SQL

from odoo.addons.serial_tracking.models.stock_lot import CLOSED_STATES


def new_serial_facts_sql(code, info, move_id, forms, moves):
    """One row: what a new serial ``code`` is checked against on the receipt
    ``info["id"]``: ``barcode_product`` (a product of the receipt's company, or
    of none, whose barcode is one of ``forms``, archived ones included),
    ``other_company`` (another company has a unit of that name), ``product_ids``
    (the receipt's open serial products, of the tapped line ``move_id`` when
    given), and for the first of them ``product_name`` and ``moves`` (the SQL of
    ``_scan_moves_sql`` on ``(SELECT MIN(id) FROM products)``)."""
    return SQL(
        """
        WITH products AS (
            SELECT DISTINCT m.product_id AS id
              FROM stock_move m
              JOIN product_product pp ON pp.id = m.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE m.picking_id = %(picking)s AND m.state NOT IN %(closed)s
               AND pt.tracking = 'serial' AND %(tapped)s)
        SELECT (SELECT pp.id FROM product_product pp
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE pp.barcode = ANY(%(forms)s)
                   AND (pt.company_id IS NULL OR pt.company_id = %(company)s)
              ORDER BY pp.id LIMIT 1) AS barcode_product,
               EXISTS (SELECT FROM stock_lot lot
                        WHERE lot.name = %(code)s
                          AND lot.company_id IS DISTINCT FROM %(company)s)
                   AS other_company,
               (SELECT ARRAY_AGG(id ORDER BY id) FROM products) AS product_ids,
               (SELECT COALESCE(pt.name->>%(lang)s, pt.name->>'en_US')
                  FROM product_product pp
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE pp.id = (SELECT MIN(id) FROM products)) AS product_name,
               (%(moves)s) AS moves
        """,
        picking=info["id"],
        closed=CLOSED_STATES,
        tapped=SQL("m.id = %s", move_id) if move_id else SQL("TRUE"),
        forms=forms,
        code=code,
        company=info["company_id"],
        lang=info["lang"],
        moves=moves,
    )


def free_line_sql(move_id):
    """One row ``(move picked, line id, line quantity)``: the move's ``picked``
    and its first line without unit or serial that no other transaction holds,
    locked (``SKIP LOCKED``); the line's columns NULL when there is none."""
    return SQL(
        """
        SELECT m.picked, ml.id, ml.quantity
          FROM stock_move m
     LEFT JOIN LATERAL (
               SELECT ml.id, ml.quantity
                 FROM stock_move_line ml
                WHERE ml.move_id = m.id AND ml.picked IS NOT TRUE
                  AND ml.lot_id IS NULL AND COALESCE(ml.lot_name, '') = ''
             ORDER BY ml.id
                LIMIT 1
                  FOR NO KEY UPDATE SKIP LOCKED) ml ON TRUE
         WHERE m.id = %s
        """,
        move_id,
    )
