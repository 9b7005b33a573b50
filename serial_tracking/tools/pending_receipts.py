"""The rule of a serial pending on an open receipt, as SQL
(``stock.move.line._serial_pending_receipts``, and the receive scan's lookup
query, which embeds it)."""

from odoo.tools import SQL

from .unit_state import CLOSED_STATES


def pending_receipts_sql(
    serials,
    product_id,
    company_id,
    field="name",
    any_product=False,
    exclude_moves=None,
    units=True,
):
    """Rows ``(serial, picking_id)``: the first open receipt each of ``serials``
    is pending on (see ``stock.move.line._serial_pending_receipts``, whose
    arguments these are). ``product_id`` / ``company_id``: ids, or SQL
    expressions of them. ``units=False``: only the lines carrying a serial
    still to create (``lot_name``), for serials known to have no unit (lighter
    to plan, in a scan's lookup). The caller flushes."""
    assert field in ("name", "manufacturer_serial")
    assert units or field == "name"
    conditions = [
        SQL("picking.state NOT IN %s", CLOSED_STATES),
        SQL("line.state NOT IN %s", CLOSED_STATES),
        SQL("ptype.code = 'incoming'"),
        SQL("line.company_id = %s", company_id),
    ]
    if not any_product:
        conditions.append(SQL("line.product_id = %s", product_id))
    if exclude_moves:
        conditions.append(
            SQL("COALESCE(line.move_id, 0) <> ALL(%s)", list(exclude_moves.ids))
        )
    where = SQL(" AND ").join(conditions)
    branches = []
    if units:
        branches.append(
            SQL(
                "SELECT lot.%s AS serial, line.picking_id"
                " FROM stock_move_line line"
                " JOIN stock_lot lot ON lot.id = line.lot_id"
                " JOIN stock_picking picking ON picking.id = line.picking_id"
                " JOIN stock_picking_type ptype"
                " ON ptype.id = picking.picking_type_id"
                " WHERE lot.%s = ANY(%s) AND %s",
                SQL.identifier(field),
                SQL.identifier(field),
                serials,
                where,
            )
        )
    if field == "name":
        branches.append(
            SQL(
                "SELECT line.lot_name AS serial, line.picking_id"
                " FROM stock_move_line line"
                " JOIN stock_picking picking ON picking.id = line.picking_id"
                " JOIN stock_picking_type ptype"
                " ON ptype.id = picking.picking_type_id"
                " WHERE line.lot_id IS NULL AND line.lot_name = ANY(%s) AND %s",
                serials,
                where,
            )
        )
    return SQL(
        "SELECT DISTINCT ON (serial) serial, picking_id FROM (%s) found"
        " ORDER BY serial, picking_id",
        SQL(" UNION ALL ").join(branches),
    )
