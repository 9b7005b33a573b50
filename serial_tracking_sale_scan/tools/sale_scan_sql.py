"""The sell flow's SQL (``serial.scan.sale``): the order's lock query with what a
scan needs, and the columns it adds to the engine's unit lookup."""

from odoo.tools import SQL

from odoo.addons.serial_tracking_barcode.tools.scan_sql import units_sql

from .order_totals import TOTALS_ADD_UP

# The quotation an active scan holds the unit for (a column of the engine's lookup).
HELD_BY = SQL(
    "(SELECT h.order_id FROM sale_scan_unit h WHERE h.lot_id = lot.id AND h.active "
    "LIMIT 1) AS held_by"
)

# The order's line of the unit's product (the first, in the order's line order), and
# whether one more on it keeps its price (see ``_scan_price_fields``): a column of the
# engine's lookup, on ``lot``, for the order ``%(order)s``.
LINE_OF_PRODUCT = """
    (SELECT JSON_BUILD_ARRAY(sol.id,
                             sol.product_uom_id = pt.uom_id
                             AND sol.combo_item_id IS NULL
                             AND sol.linked_line_id IS NULL
                             AND pt.type != 'combo')
       FROM sale_order_line sol
      WHERE sol.order_id = %(order)s AND sol.product_id = lot.product_id
        AND sol.display_type IS NULL
   ORDER BY sol.sequence, sol.id
      LIMIT 1) AS order_line
"""

# The name of the product's unit of measure, for the answer's line card.
UOM_NAME = """
    (SELECT COALESCE(u.name->>%(lang)s, u.name->>'en_US') FROM uom_uom u
      WHERE u.id = pt.uom_id) AS uom_name
"""

# Whether a rule of the order's pricelist, or of a pricelist it is based on, has a
# minimum quantity: the price of a line may then change with its quantity.
QUANTITY_PRICED = """
    (WITH RECURSIVE tree(id) AS (
          SELECT p.pricelist_id
           UNION
          SELECT i.base_pricelist_id
            FROM product_pricelist_item i JOIN tree ON tree.id = i.pricelist_id
           WHERE i.base = 'pricelist' AND i.base_pricelist_id IS NOT NULL)
     SELECT EXISTS (SELECT 1 FROM product_pricelist_item i
                     WHERE i.pricelist_id IN (SELECT id FROM tree)
                       AND i.min_quantity > 1)) AS quantity_priced
"""


def lock_order_sql(order_id, scan_uid, allowed, lang, serial=None, totals=None):
    """``(query, columns)``: the order's row locked ``FOR NO KEY UPDATE`` (alias
    ``p``; ``allowed``, the user's write rules on it) with its warehouse's stock
    location, ``previous`` (the order of the scan key ``scan_uid``), the pricing
    and totals facts (with ``totals``, further columns of them); with ``serial``,
    its lookup as a serial (``units``, JSON
    of the engine's ``units_sql`` rows with ``columns``). ``columns``: the unit
    lookup's columns of this flow (``info["unit_columns"]``)."""
    columns = SQL(
        "%s, %s, pt.uom_id, %s",
        HELD_BY,
        SQL(LINE_OF_PRODUCT, order=order_id),
        SQL(UOM_NAME, lang=lang),
    )
    units = SQL()
    if serial is not None:
        # The lookup's own query names a quant's location ``l``: the warehouse's
        # stock location is ``wl``.
        located = {
            "id": None,
            "company_id": SQL("p.company_id"),
            "path": SQL("wl.parent_path || '%%'"),
            "lang": lang,
            "unit_columns": columns,
        }
        units = SQL(
            ", (SELECT JSON_AGG(u) FROM (%s) u) AS units",
            # A quotation is no operation: no operation lines (``moves``) to plan.
            units_sql(SQL("lot.name = %s", serial), located, SQL("NULL::json")),
        )
    query = SQL(
        """
        SELECT p.id, p.name, p.state, p.company_id, wl.parent_path,
               COALESCE(wl.complete_name, wl.name) AS location_name,
               (SELECT s.order_id FROM sale_scan_unit s
                 WHERE s.scan_uid = %(scan_uid)s) AS previous,
               %(quantity_priced)s, %(totals_add_up)s %(totals)s %(units)s
          FROM sale_order p
          JOIN stock_warehouse w ON w.id = p.warehouse_id
          JOIN stock_location wl ON wl.id = w.lot_stock_id
         WHERE p.id = %(order)s AND %(allowed)s
           FOR NO KEY UPDATE OF p
        """,
        order=order_id,
        scan_uid=scan_uid,
        allowed=allowed,
        quantity_priced=SQL(QUANTITY_PRICED),
        totals_add_up=TOTALS_ADD_UP,
        totals=SQL(", %s", totals) if totals else SQL(),
        units=units,
    )
    return query, columns
