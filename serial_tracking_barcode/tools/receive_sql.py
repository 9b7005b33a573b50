"""The receive flow's own queries (``serial.scan.receive``), as ``odoo.tools.SQL``."""

from odoo.tools import SQL

from odoo.addons.serial_tracking.models.stock_lot import CLOSED_STATES
from odoo.addons.serial_tracking.tools.pending_receipts import pending_receipts_sql

# What Odoo's stock.lot.create (and the core's computes it triggers) reads of the
# new unit's product: plain columns, read by the lookup for the ORM cache
# (``serial.scan.receive._receive_lookup``). One missing here is fetched by the
# ORM as usual (a query more, nothing else).
NEW_UNIT_READS = (
    ("product.product", "product_tmpl_id"),  # the product's template fields
    ("product.product", "lot_properties_definition"),  # lot_properties' defaults
    ("product.template", "company_id"),  # the unit's company check
    ("product.template", "use_expiration_date"),  # product_expiry's dates
    ("product.template", "warranty_months"),  # the core's warranty end
)
_ALIASES = {"product.product": "pp", "product.template": "pt"}


def receive_lookup_sql(code, info, move_id, forms, units, products, moves):
    """One row: everything a receive scan of the plain code ``code`` (no GS1)
    decides on, on the receipt ``info["id"]``:

    * ``units``: the units named ``code`` (our serial or the manufacturer's), the
      rows of ``units`` (:func:`~.scan_sql.units_sql`) as JSON;
    * ``products``: the products whose barcode is ``code``, the rows of
      ``products`` (:func:`~.scan_sql.products_sql`) as JSON;
    * what a new serial ``code`` is checked against: ``barcode_product`` (a
      product of the receipt's company, or of none, whose barcode is one of
      ``forms``, archived ones included), ``other_company`` (another company has
      a unit of that name), ``product_ids`` (the receipt's open serial products,
      of the tapped line ``move_id`` when given), and for the first of them
      ``product`` (``[name, *NEW_UNIT_READS]``: its name and what creating
      its unit reads of it), ``moves``
      (the SQL of ``_scan_moves_sql`` on ``(SELECT MIN(id) FROM products)``)
      and ``pending_on``: the first open receipt of the company ``code`` is
      pending on (the core's rule, ``stock.move.line._serial_pending_receipts``,
      its SQL embedded: its part for a serial without unit, the only case the
      flow reads it for);
    * ``picking``: the receipt's ``[serial_validation_state, picking_type_id]``,
      ``company_path``: its company's ``parent_path`` (for the ORM cache)."""
    return SQL(
        """
        WITH products AS (
            SELECT DISTINCT m.product_id AS id
              FROM stock_move m
              JOIN product_product pp ON pp.id = m.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE m.picking_id = %(picking)s AND m.state NOT IN %(closed)s
               AND pt.tracking = 'serial' AND %(tapped)s)
        SELECT (SELECT JSON_AGG(u) FROM (%(units)s) u) AS units,
               (SELECT JSON_AGG(pr) FROM (%(products)s) pr) AS products,
               (SELECT pp.id FROM product_product pp
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE pp.barcode = ANY(%(forms)s)
                   AND (pt.company_id IS NULL OR pt.company_id = %(company)s)
              ORDER BY pp.id LIMIT 1) AS barcode_product,
               EXISTS (SELECT FROM stock_lot lot
                        WHERE lot.name = %(code)s
                          AND lot.company_id IS DISTINCT FROM %(company)s)
                   AS other_company,
               (SELECT ARRAY_AGG(id ORDER BY id) FROM products) AS product_ids,
               (SELECT JSON_BUILD_ARRAY(
                           COALESCE(pt.name->>%(lang)s, pt.name->>'en_US'),
                           %(unit_reads)s)
                  FROM product_product pp
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE pp.id = (SELECT MIN(id) FROM products)) AS product,
               (%(moves)s) AS moves,
               (SELECT MIN(picking_id) FROM (%(pending)s) pending) AS pending_on,
               (SELECT JSON_BUILD_ARRAY(serial_validation_state, picking_type_id)
                  FROM stock_picking WHERE id = %(picking)s) AS picking,
               (SELECT parent_path FROM res_company
                 WHERE id = %(company)s) AS company_path
        """,
        picking=info["id"],
        closed=CLOSED_STATES,
        tapped=SQL("m.id = %s", move_id) if move_id else SQL("TRUE"),
        units=units,
        products=products,
        forms=forms,
        code=code,
        company=info["company_id"],
        lang=info["lang"],
        moves=moves,
        pending=pending_receipts_sql(
            [code],
            SQL("(SELECT MIN(id) FROM products)"),
            info["company_id"],
            units=False,  # read when no unit of that name is ours or shared
        ),
        unit_reads=SQL(", ").join(
            SQL("%s.%s", SQL.identifier(_ALIASES[model]), SQL.identifier(name))
            for model, name in NEW_UNIT_READS
        ),
    )


def receive_units_sql(code, info, moves):
    """The units named ``code`` (our serial or the manufacturer's) of the
    receipt's company or of none, with what a receive scan decides on: the
    columns of :func:`~.scan_sql.units_sql` the receive decisions read
    (``moves``: the SQL of ``_scan_moves_sql`` on ``lot.product_id``; the open
    scan holding the unit; ``quant_id``: a quant of an internal location holding
    it, whichever its state), the others NULL: which open lines carry the unit
    is ``_serial_pending_receipts``' question.
    Lighter to plan than the full lookup of units, in the query every receive
    scan sends."""
    return SQL(
        """
        SELECT lot.id, lot.name, lot.product_id, lot.unit_state,
               lot.expiration_date, lot.removal_date,
               lot.company_id AS lot_company_id, pt.tracking,
               COALESCE(pt.name->>%(lang)s, pt.name->>'en_US') AS product_name,
               (%(moves)s) AS moves,
               (SELECT s.picking_id FROM serial_dispatch_scan s
                 WHERE s.lot_id = lot.id AND s.state = 'open'
                 LIMIT 1) AS scanned_on,
               NULL AS lines,
               (SELECT q.id FROM stock_quant q
                  JOIN stock_location l ON l.id = q.location_id
                 WHERE q.lot_id = lot.id AND q.quantity > 0
                   AND l.usage = 'internal'
                 LIMIT 1) AS quant_id, NULL AS location_id,
               NULL AS package_id, NULL AS owner_id, NULL AS reserved_quantity
          FROM stock_lot lot
          JOIN product_product pp ON pp.id = lot.product_id
          JOIN product_template pt ON pt.id = pp.product_tmpl_id
         WHERE (lot.company_id = %(company)s OR lot.company_id IS NULL)
           AND (lot.name = %(code)s OR lot.manufacturer_serial = %(code)s)
        """,
        code=code,
        moves=moves,
        company=info["company_id"],
        lang=info["lang"],
    )


def free_line_sql(move_id, lock=True):
    """One row ``(move picked, line id, line quantity, line in the product's
    unit, usage of the line's source location, its expiration and removal
    dates)``: the move's ``picked`` and its
    first line without unit or serial that no other transaction holds, locked
    (``SKIP LOCKED``); the line's columns NULL when there is none. ``lock=False``:
    every such line, in order, none locked."""
    return SQL(
        """
        SELECT m.picked, ml.id, ml.quantity, ml.in_product_uom, ml.usage,
               ml.expiration_date, ml.removal_date
          FROM stock_move m
     LEFT JOIN LATERAL (
               SELECT ml.id, ml.quantity, ml.product_uom_id = pt.uom_id
                          AS in_product_uom, src.usage, ml.expiration_date,
                      ml.removal_date
                 FROM stock_move_line ml
                 JOIN stock_location src ON src.id = ml.location_id
                 JOIN product_product pp ON pp.id = ml.product_id
                 JOIN product_template pt ON pt.id = pp.product_tmpl_id
                WHERE ml.move_id = m.id AND ml.picked IS NOT TRUE
                  AND ml.lot_id IS NULL AND COALESCE(ml.lot_name, '') = ''
             ORDER BY ml.id
                %s) ml ON TRUE
         WHERE m.id = %s
        """,
        SQL("LIMIT 1 FOR NO KEY UPDATE OF ml SKIP LOCKED") if lock else SQL(),
        move_id,
    )


def transfer_unit_columns_sql(picking_id):
    """What a transfer's unit scan needs of the transfer and of the unit's product,
    read with the lookup of units (``info["unit_columns"]``, SQL on its ``lot``
    and ``pt``): ``product_uom_id`` and ``transfer_facts``, ``[source set,
    destination set, operation type, scheduled date, state, shipping policy,
    every open move ready]`` (the last: null without open moves)."""
    return SQL(
        """pt.uom_id AS product_uom_id,
           (SELECT JSON_BUILD_ARRAY(sp.serial_transfer_source_set,
                                    sp.serial_transfer_dest_set,
                                    sp.picking_type_id, sp.scheduled_date,
                                    sp.state, sp.move_type,
                                    (SELECT BOOL_AND(sm.state = 'assigned')
                                       FROM stock_move sm
                                      WHERE sm.picking_id = sp.id
                                        AND sm.state NOT IN %s))
              FROM stock_picking sp WHERE sp.id = %s) AS transfer_facts""",
        CLOSED_STATES,
        picking_id,
    )
