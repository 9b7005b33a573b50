from datetime import datetime

from odoo import api, models
from odoo.tools import SQL

from .serial_stock_quantity_mixin import valued_entry_sql


class SerialStockLotValueMixin(models.AbstractModel):
    """The value of a unit valued by serial with FIFO or AVCO (``lot_move``), from
    its last valued incoming move: set-based for totals, per unit for lists."""

    _name = "serial.stock.lot.value.mixin"
    _description = "Serial Unit Value by its Receipt"

    @api.model
    def _lot_in_value_sql(self, at, products, per_unit=False):
        """Per unit of the products valued by serial with FIFO or AVCO: the value of
        its last valued incoming move (per unit of the move), or for AVCO a later
        manual cost of the unit or of the product. Set-based (``lot_id``,
        ``unit_value`` of every such unit) or ``per_unit``: the ``LATERAL`` body
        giving ``unit_value`` of the unit ``lot``, by the index on its lines."""
        fifo = [pid for (pid, _c), (mode, _v) in products.items() if mode == "lot_move"]
        if not fifo:
            return SQL("SELECT NULL::int AS lot_id, NULL::numeric AS unit_value")
        average = (
            self.env["product.product"]
            .browse(fifo)
            .sudo()
            .filtered(lambda product: product.cost_method == "average")
            .ids
        )
        at = at or datetime.max.replace(microsecond=0)
        last_in = (self._unit_last_in_sql if per_unit else self._last_in_sql)(at, fifo)
        # the unit's value from its last valued receipt, or a later manual cost
        # (AVCO: ``product.value`` without a move, of the unit or of its product)
        return SQL(
            """
            SELECT %(lot_id)s CASE WHEN pv.value IS NOT NULL THEN pv.value
                                   ELSE last_in.unit_value END AS unit_value
              FROM (%(last_in)s) last_in
         LEFT JOIN LATERAL (
                SELECT v.value FROM product_value v
                 WHERE last_in.product_id = ANY(%(average)s)
                   AND v.move_id IS NULL AND v.product_id = last_in.product_id
                   AND (v.lot_id = %(unit)s OR v.lot_id IS NULL)
                   AND v.date <= %(at)s AND v.date > last_in.date
              ORDER BY v.date DESC, v.id DESC LIMIT 1
              ) pv ON TRUE
            """,
            lot_id=SQL("") if per_unit else SQL("last_in.lot_id,"),
            last_in=last_in,
            average=average,
            unit=SQL("lot.id") if per_unit else SQL("last_in.lot_id"),
            at=at,
        )

    @api.model
    def _last_in_sql(self, at, fifo):
        """Set-based: the last valued incoming line of every unit of the ``fifo``
        products (``lot_id``, ``product_id``, ``date``, ``unit_value``: the move's
        value per unit of its valued incoming lines)."""
        return SQL(
            """
            SELECT DISTINCT ON (lot_id) lot_id, product_id, date,
                   value / NULLIF(move_qty, 0) AS unit_value
              FROM (
                SELECT ml.lot_id, m.id, m.product_id, m.date, m.value,
                       SUM(ml.quantity_product_uom) OVER (PARTITION BY m.id)
                           AS move_qty
                  FROM stock_move m
                  JOIN stock_move_line ml ON ml.move_id = m.id
                  JOIN stock_location src ON src.id = ml.location_id
                  JOIN stock_location dst ON dst.id = ml.location_dest_id
                 WHERE m.is_in AND m.state = 'done'
                   AND m.product_id = ANY(%(fifo)s) AND m.date <= %(at)s
                   AND ml.picked AND %(entry)s
              ) in_lines
             WHERE lot_id IS NOT NULL
          ORDER BY lot_id, date DESC, id DESC
            """,
            fifo=fifo,
            at=at,
            entry=valued_entry_sql("src", "dst"),
        )

    @api.model
    def _unit_last_in_sql(self, at, fifo):
        """The last valued incoming line of the one unit ``lot`` (``product_id``,
        ``date``, ``unit_value``): the move's quantity summed over the move's
        valued incoming lines, as the set-based window does."""
        return SQL(
            """
            SELECT m.product_id, m.date, m.value / NULLIF((
                     SELECT SUM(l2.quantity_product_uom)
                       FROM stock_move_line l2
                       JOIN stock_location s2 ON s2.id = l2.location_id
                       JOIN stock_location d2 ON d2.id = l2.location_dest_id
                      WHERE l2.move_id = m.id AND l2.picked
                        AND %(entry_2)s), 0) AS unit_value
              FROM stock_move_line ml
              JOIN stock_move m ON m.id = ml.move_id
              JOIN stock_location src ON src.id = ml.location_id
              JOIN stock_location dst ON dst.id = ml.location_dest_id
             WHERE ml.lot_id = lot.id AND m.is_in AND m.state = 'done'
               AND m.product_id = ANY(%(fifo)s) AND m.date <= %(at)s
               AND ml.picked AND %(entry)s
          ORDER BY m.date DESC, m.id DESC LIMIT 1
            """,
            fifo=fifo,
            at=at,
            entry=valued_entry_sql("src", "dst"),
            entry_2=valued_entry_sql("s2", "d2"),
        )
