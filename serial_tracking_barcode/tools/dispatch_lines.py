"""What the dispatch screen shows of a delivery's lines (``stock.move``): ordered,
scanned (the open scan rows) and the serials scanned, read by one query.
``stock.picking._serial_dispatch_lines`` and ``_serial_dispatch_line_updates``
(the lines a scan's answer carries) are the entry points."""

from odoo.tools import SQL


def _lines_sql(where, order=None):
    """Per move matching ``where`` (SQL on ``m``): ``(move_id, product_id,
    ordered, scanned, serials)``, the scanned quantity and serials from its open
    scan rows."""
    return SQL(
        """
        SELECT m.id, m.product_id, m.product_qty, COALESCE(SUM(s.quantity), 0),
               ARRAY_REMOVE(ARRAY_AGG(l.name ORDER BY l.name), NULL)
          FROM stock_move m
     LEFT JOIN serial_dispatch_scan s ON s.move_id = m.id
     LEFT JOIN stock_lot l ON l.id = s.lot_id
         WHERE %s
      GROUP BY m.id %s
        """,
        where,
        order or SQL(),
    )


def line_updates_sql(move_ids):
    """The scanned quantity and serials of the moves ``move_ids`` (SQL), rows
    ``(move_id, product_id, ordered, scanned, serials)``."""
    return _lines_sql(SQL("m.id = ANY(%s)", list(move_ids)))


def line_update_dicts(rows):
    """The line updates of a scan's answer, from :func:`line_updates_sql` rows."""
    return [
        {
            "id": move_id,
            "product_id": product_id,
            "ordered": ordered,
            "scanned": scanned,
            "serials": serials,
            "complete": scanned >= ordered,
        }
        for move_id, product_id, ordered, scanned, serials in rows
    ]


def dispatch_lines(picking, moves=None):
    """One dict per order line (stock.move) of ``picking``: product, ordered,
    scanned, serials. One query for the quantities and serials of every line,
    one read of products."""
    env = picking.env
    move_ids = moves.ids if moves is not None else None
    env["serial.dispatch.scan"].flush_model()
    env["stock.move"].flush_model(["picking_id", "state", "product_qty"])
    rows = env.execute_query(
        _lines_sql(
            SQL("m.id = ANY(%s)", move_ids)
            if move_ids is not None
            else SQL("m.picking_id = %s AND m.state != 'cancel'", picking.id),
            SQL("ORDER BY m.sequence, m.id"),
        )
    )
    products = env["product.product"].browse({row[1] for row in rows})
    info = {
        product.id: (
            product.display_name,
            product.barcode or "",
            product.tracking,
            product.uom_id.name,
        )
        for product in products
    }
    lines = []
    for move_id, product_id, ordered, scanned, serials in rows:
        name, barcode, tracking, uom = info[product_id]
        lines.append(
            {
                "id": move_id,
                "product_id": product_id,
                "product": name,
                "barcode": barcode,
                "tracking": tracking,
                "ordered": ordered,
                "scanned": scanned,
                "uom": uom,
                "serials": serials,
                "complete": scanned >= ordered,
            }
        )
    return lines
