from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.serial_tracking.models.stock_lot import CLOSED_STATES


class StockMove(models.Model):
    _inherit = "stock.move"

    # ---- Odoo's "Generate Serials" dialog and helpers --------------------------------
    @api.model
    def action_generate_lot_line_vals(
        self, context_data, mode, first_lot, count, lot_text
    ):
        """With "First SN" left empty, the dialog draws serials from the scheme."""
        product = self.env["product.product"].browse(
            context_data.get("default_product_id")
        )
        if (
            mode == "generate"
            and not first_lot
            and product.tracking == "serial"
            and count
        ):
            location = self.env["stock.location"].browse(
                context_data.get("default_location_dest_id")
            )
            company = self.env["res.company"].browse(
                context_data.get("default_company_id")
            )
            # The dialog sends no company: the destination's, as the move's.
            scheme = product._serial_scheme(
                company or location.company_id or self.env.company
            )
            if scheme:
                names = scheme._generate_names(
                    product, count, warehouse=location.warehouse_id
                )
                return super(
                    StockMove, self.with_context(serial_scheme_lot_names=names)
                ).action_generate_lot_line_vals(
                    context_data, mode, first_lot, count, lot_text
                )
        return super().action_generate_lot_line_vals(
            context_data, mode, first_lot, count, lot_text
        )

    def _generate_serial_numbers(
        self, next_serial, next_serial_count=False, location_id=False
    ):
        self.ensure_one()
        count = next_serial_count or self.next_serial_count
        if not next_serial and count and self.product_id.tracking == "serial":
            scheme = self.product_id._serial_scheme(self.company_id)
            if scheme:
                names = self._serial_scheme_names(scheme, {self: count})[self]
                return super(
                    StockMove, self.with_context(serial_scheme_lot_names=names)
                )._generate_serial_numbers(next_serial, count, location_id)
        return super()._generate_serial_numbers(
            next_serial, next_serial_count, location_id
        )

    # ---- fast path: generate and assign every missing serial of a receipt ------------
    def _serial_scheme_names(self, scheme, count_by_move):
        """New serials per move, all counters of ``scheme`` drawn in one query."""
        total = sum(count_by_move.values())
        has_counter = scheme._compiled().has_counter
        for move in count_by_move:
            scheme._check_renderable(
                move.product_id,
                when=move.picking_id.scheduled_date or move.date,
                warehouse=move.location_dest_id.warehouse_id or move.warehouse_id,
            )
        counters = iter(scheme._next_counters(total) if has_counter else [])
        names = {}
        for move, count in count_by_move.items():
            move_counters = (
                [next(counters) for _i in range(count)] if has_counter else []
            )
            names[move] = scheme._render_for(
                move.product_id,
                move_counters,
                count,
                when=move.picking_id.scheduled_date or move.date,
                warehouse=move.location_dest_id.warehouse_id or move.warehouse_id,
            )
        return names

    def action_serial_generate_from_scheme(self, create_units=True):
        """Give every unit still without serial on these moves a new serial from its
        product's scheme: one query per scheme for the counters, then

        - ``create_units=True`` (the receipt button): one bulk insert of the units, so
          they exist (labels, timeline) before the receipt is validated, one UPDATE of
          the existing move lines and one ``create`` for the missing ones;
        - ``create_units=False``: like Odoo's "Generate Serials" dialog, only the
          serial numbers go on the move lines (one UPDATE of ``lot_name``); Odoo
          creates the units when the receipt is validated.

        Nothing is written if any product lacks a scheme."""
        moves = self.filtered(
            lambda m: (
                m.product_id.tracking == "serial"
                and m.state not in CLOSED_STATES
                and m.picking_type_id.use_create_lots
            )
        )
        if not moves:
            raise UserError(
                self.env._("No serial-tracked product to generate serials for.")
            )
        line_state = moves._serial_line_state()
        need = moves._serial_missing_counts(line_state)
        if not need:
            raise UserError(
                self.env._("Every unit of these moves has a serial already.")
            )
        by_scheme = defaultdict(dict)
        missing_scheme = []
        for company, company_moves in (
            self.browse([m.id for m in need]).grouped("company_id").items()
        ):
            schemes = self.env["serial.scheme"]._for_products(
                company_moves.product_id, company
            )
            for move in company_moves:
                scheme = schemes.get(move.product_id)
                if not scheme:
                    missing_scheme.append(move.product_id.display_name)
                else:
                    by_scheme[scheme][move] = need[move]
        if missing_scheme:
            raise UserError(
                self.env._(
                    "No serial scheme applies to: %(products)s",
                    products=", ".join(sorted(set(missing_scheme))),
                )
            )
        names = {}
        for scheme, count_by_move in by_scheme.items():
            names.update(moves._serial_scheme_names(scheme, count_by_move))
        if not create_units:
            moves._serial_assign_names(names, line_state)
            return self.env["stock.lot"]
        vals_list = []
        for move, move_names in names.items():
            product_id, company_id = move.product_id.id, move.company_id.id
            vals_list += [
                {"name": name, "product_id": product_id, "company_id": company_id}
                for name in move_names
            ]
        lots = self.env["stock.lot"]._serial_bulk_create(vals_list)
        lot_ids = iter(lots.ids)
        moves._serial_assign_lots(
            {
                move: [next(lot_ids) for _name in move_names]
                for move, move_names in names.items()
            },
            line_state=line_state,
            # Units get dates only from products that use expiration dates.
            dated=any(moves.product_id.mapped("use_expiration_date")),
        )
        return lots
