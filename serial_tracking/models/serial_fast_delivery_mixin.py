from collections import defaultdict, namedtuple

from odoo import api, fields, models
from odoo.tools import SQL

# A line of a fast delivery or internal transfer and its unit's quants, as
# StockMoveLine._serial_fast_reserved_quants reads them: the line's FastLine, the
# source quant (its id and entry date), the destination quant if there is one
# (its id and quantity).
ReservedMove = namedtuple(
    "ReservedMove", "line source_id in_date dest_id dest_quantity"
)


class SerialFastDeliveryMixin(models.AbstractModel):
    """The fast path of validating big deliveries of serial units: the part of
    ``stock.move.line`` (which inherits this mixin) that does Odoo's
    ``_action_done`` batch by batch for deliveries of reserved units (see
    :meth:`_serial_fast_delivery_lines`). Holds no fields."""

    _name = "serial.fast.delivery.mixin"
    _description = "Serial Fast Delivery Validation"

    def _serial_fast_delivery_lines(self, rows=None):
        """The lines' :data:`ReservedMove` when every line of ``self`` qualifies for
        the fast delivery, else ``None`` (Odoo's own path).

        Besides :meth:`_serial_fast_common_checks`: each line moves its unit from an
        internal location that does not bypass reservation to one that does
        (customer, vendor, scrap...), and its quants qualify
        (:meth:`_serial_fast_reserved_quants`)."""
        if rows is None:  # else: the common checks' rows, already read
            rows = self._serial_fast_common_checks()
        if rows is None:
            return None
        if not self._serial_fast_crossing(rows, into_stock=False):
            return None
        return self._serial_fast_reserved_quants(rows)

    @api.model
    def _serial_inside_stock(self, locations):
        """Whether every one of ``locations`` is inside our stock as the fast paths
        see it: an internal location that does not bypass reservation (whose
        quants Odoo gathers, reserves and values)."""
        return all(
            loc.usage == "internal" and not loc.should_bypass_reservation()
            for loc in locations
        )

    def _serial_fast_reserved_quants(self, rows, dest_in_stock=False):
        """The quants of lines that move a reserved unit (``rows``:
        :data:`FastLine` of ``self``), shared by the fast delivery and the fast
        internal transfer: one :data:`ReservedMove` per line, in the order of
        ``rows``, or ``None`` when a line does not qualify.

        Each line's unit is at its source as exactly one quant of quantity 1
        reserved for this line (no package, no owner), and has at most one quant
        (without package nor owner) at the destination, each unit once in the
        batch. With ``dest_in_stock`` (a destination that does not bypass
        reservation, where Odoo's loop would keep the older of two entry dates) that
        destination quant holds no unit (quantity 0 or less), so the unit enters
        with its source's entry date, as in a delivery. The quants' values the
        validation needs come with them (one query, nothing read per line)."""
        lot_ids = {row.lot_id for row in rows}
        if len(lot_ids) != len(rows) or any(
            not row.lot_id or row.lot_product_id != row.product_id for row in rows
        ):
            return None
        self.env["stock.quant"].flush_model()
        quant_rows = self.env.execute_query(
            SQL(
                """
                SELECT lot_id, location_id, array_agg(id ORDER BY id),
                       bool_and(package_id IS NULL AND owner_id IS NULL),
                       array_agg(quantity), array_agg(reserved_quantity),
                       array_agg(in_date)
                  FROM stock_quant
                 WHERE lot_id = ANY(%s) AND location_id = ANY(%s)
                 GROUP BY lot_id, location_id
                """,
                list(lot_ids),
                list(
                    {row.location_id for row in rows}
                    | {row.location_dest_id for row in rows}
                ),
            )
        )
        by_key = {(lot_id, loc_id): row for lot_id, loc_id, *row in quant_rows}
        moves = []
        for row in rows:
            if row.location_id == row.location_dest_id:
                return None
            source = by_key.get((row.lot_id, row.location_id))
            if (
                not source
                or len(source[0]) != 1
                or not source[1]
                or source[2] != [1.0]
                or source[3] != [1.0]
            ):
                return None
            dest = by_key.get((row.lot_id, row.location_dest_id))
            if dest and (
                len(dest[0]) != 1 or not dest[1] or (dest_in_stock and dest[2][0] > 0)
            ):
                return None
            moves.append(
                ReservedMove(
                    row,
                    source[0][0],
                    source[4][0],
                    dest[0][0] if dest else None,
                    float(dest[2][0]) if dest else 0.0,
                )
            )
        return moves

    def _serial_fast_delivery_done(self, moves):
        """Odoo's ``_action_done`` for lines that move reserved units (``moves``,
        see :meth:`_serial_fast_reserved_quants`: deliveries and internal
        transfers), batch by batch: the reservation and the unit leave the source
        quant (quantity and reserved quantity 0, the quant stays until Odoo's own
        clean-up, as in Odoo's loop), the destination quant gets it with the
        source's entry date (one ``create`` for the new ones, one ``write`` per
        distinct values for the existing ones), and the lines' date is set in one
        ``write``."""
        self._serial_check_company()
        Quant = self.env["stock.quant"].sudo()
        Quant.browse([move.source_id for move in moves])._serial_empty_quants()
        to_create, to_write = [], defaultdict(list)
        for move in moves:
            if move.dest_id:
                key = (move.dest_quantity + 1, move.in_date)
                to_write[key].append(move.dest_id)
            else:
                to_create.append(
                    {
                        "product_id": move.line.product_id,
                        "location_id": move.line.location_dest_id,
                        "lot_id": move.line.lot_id,
                        "package_id": False,
                        "owner_id": False,
                        "in_date": move.in_date,
                        "quantity": 1.0,
                    }
                )
        for (quantity, in_date), ids in to_write.items():
            Quant.browse(ids).write({"in_date": in_date, "quantity": quantity})
        if to_create:
            Quant._serial_create_batch(to_create)
        self.write({"date": fields.Datetime.now()})
