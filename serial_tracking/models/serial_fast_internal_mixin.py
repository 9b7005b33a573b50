from odoo import api, models
from odoo.tools import SQL

from ..tools.unit_state import CLOSED_STATES

# Context key of :meth:`SerialFastInternalMixin._serial_create_reserved_lines`: the
# (product, location, unit) reservations the batch writes itself, each taken out of
# the set when Odoo's create asks for it (see stock.quant._update_reserved_quantity).
BATCH_RESERVATIONS = "serial_batch_reservations"


class BatchReservations(set):
    """The set of that context key: hashed by identity, so that a context holding
    it stays hashable."""

    __hash__ = object.__hash__


class SerialFastInternalMixin(models.AbstractModel):
    """The fast path of validating big internal transfers of serial units (a
    recall's quarantine, a transfer by scan, any move of reserved units between two
    stock locations): the part of ``stock.move.line`` (which inherits this mixin
    and ``serial.fast.delivery.mixin``, whose quant helpers it shares) that does
    Odoo's ``_action_done`` batch by batch. Holds no fields.

    Odoo's loop takes three quant updates per line (unreserve, take the unit from
    the source, put it at the destination), each a gather, a lock and a write. A
    reserved unit of one quant of quantity 1 has a known outcome: the source quant
    ends at 0 reserved and 0 on hand (it stays until Odoo's own clean-up, as in its
    loop), the destination quant (new, or an empty one of the unit) holds it with
    the source's entry date. That is what the delivery's fast path writes too."""

    _name = "serial.fast.internal.mixin"
    _description = "Serial Fast Internal Transfer Validation"

    def _serial_fast_internal_lines(self, rows=None):
        """The lines' :data:`ReservedMove` when every line of ``self`` qualifies
        for the fast internal transfer, else ``None`` (Odoo's own path).

        Besides :meth:`_serial_fast_common_checks`: each line moves its unit between
        two distinct internal locations that do not bypass reservation (the
        destination not a transit location, whose quants Odoo treats apart), and its
        quants qualify (:meth:`_serial_fast_reserved_quants`, the destination quant
        of the unit, if any, holding nothing)."""
        if rows is None:  # else: the common checks' rows, already read
            rows = self._serial_fast_common_checks()
        if rows is None:
            return None
        Location = self.env["stock.location"]
        locations = Location.browse(
            {row.location_id for row in rows} | {row.location_dest_id for row in rows}
        )
        if not self._serial_inside_stock(locations):
            return None
        return self._serial_fast_reserved_quants(rows, dest_in_stock=True)

    def _serial_fast_internal_done(self, moves):
        """Odoo's ``_action_done`` for internal lines that qualify (see
        :meth:`_serial_fast_internal_lines`): the same quant moves as a delivery's
        (:meth:`_serial_fast_delivery_done`)."""
        return self._serial_fast_delivery_done(moves)

    @api.model
    def _serial_create_reserved_lines(self, vals_list):
        """``create(vals_list)`` of move lines that each take one serial unit on a
        move not done yet, as Odoo's ``create`` does (it reserves each line's unit on
        its quant: a gather, a lock and a write per line), with the reservations
        written in one batch when their outcome is known
        (:meth:`_serial_batch_reservations`); else Odoo's ``create`` as it is.

        Odoo's own loop still runs and asks for each reservation; those of the batch
        are answered by ``stock.quant._update_reserved_quantity`` from the context
        set, and the quants Odoo asked for get their reserved quantity of 1 in one
        ``write`` (they held 0: Odoo's ``max(0, 0 + 1)``; their entry date, the only
        other value Odoo's update writes, is unchanged since they are the only
        positive quant of their product there)."""
        quants = self._serial_batch_reservations(vals_list)
        if quants is None:
            return self.create(vals_list)
        asked = BatchReservations(quants)
        lines = self.with_context(**{BATCH_RESERVATIONS: asked}).create(vals_list)
        reserved = [quant for key, quant in quants.items() if key not in asked]
        self.env["stock.quant"].sudo().browse(reserved).write(
            {"reserved_quantity": 1.0}
        )
        return lines.with_env(self.env)

    @api.model
    def _serial_batch_reservations(self, vals_list):
        """``{(product id, location id, unit id): quant id}`` for ``vals_list`` (move
        line values) when every line's reservation has a known outcome, else
        ``None``: each line takes one unit (``lot_id``, quantity 1, no package, owner
        nor unit of measure of its own) of a storable serial product from a location
        that does not bypass reservation, on a move of that product not done; each
        unit once, there as exactly one quant (no package, no owner) of quantity 1
        reserved for nothing; and no untracked positive quant of those products at
        those locations (Odoo would take its entry date). Context
        ``serial_fast_off``: ``None``."""
        own = {"move_id", "lot_id", "quantity", "product_id", "location_id"}
        if (
            self.env.context.get("serial_fast_off")
            or not vals_list
            or any(
                not own <= vals.keys()
                or vals["quantity"] != 1
                or vals.get("package_id")
                or vals.get("owner_id")
                or vals.get("quant_id")
                or vals.get("product_uom_id")
                for vals in vals_list
            )
        ):
            return None
        keys = {
            (vals["product_id"], vals["location_id"], vals["lot_id"])
            for vals in vals_list
        }
        if len(keys) != len(vals_list) or len({key[2] for key in keys}) != len(keys):
            return None
        moves = self.env["stock.move"].browse({vals["move_id"] for vals in vals_list})
        product_of = {move.id: move.product_id for move in moves}
        if any(
            move.state in CLOSED_STATES or move._should_bypass_reservation()
            for move in moves
        ) or any(
            product_of[vals["move_id"]].id != vals["product_id"] for vals in vals_list
        ):
            return None
        products = moves.product_id
        if any(
            product.tracking != "serial" or not product.is_storable
            for product in products
        ):
            return None
        self.env["stock.lot"].flush_model(["product_id"])
        self.env["stock.quant"].flush_model(
            [
                "product_id",
                "location_id",
                "lot_id",
                "package_id",
                "owner_id",
                "quantity",
                "reserved_quantity",
            ]
        )
        rows = self.env.execute_query(
            SQL(
                """
                SELECT q.product_id, q.location_id, q.lot_id, array_agg(q.id),
                       bool_and(q.package_id IS NULL AND q.owner_id IS NULL
                                AND q.quantity = 1 AND q.reserved_quantity = 0
                                AND lot.product_id = q.product_id)
                  FROM stock_quant q
                  JOIN stock_lot lot ON lot.id = q.lot_id
                 WHERE q.lot_id = ANY(%s) AND q.location_id = ANY(%s)
                 GROUP BY q.product_id, q.location_id, q.lot_id
                """,
                [key[2] for key in keys],
                list({key[1] for key in keys}),
            )
        )
        quants = {
            (product_id, location_id, lot_id): ids[0]
            for product_id, location_id, lot_id, ids, fine in rows
            if fine and len(ids) == 1
        }
        if not keys <= quants.keys():
            return None
        if self.env["stock.quant"]._serial_lotless_stock(
            products.ids, {key[1] for key in keys}
        ):
            return None
        return {key: quants[key] for key in keys}
