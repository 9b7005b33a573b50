from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL


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
            company = self.env["res.company"].browse(
                context_data.get("default_company_id")
            )
            scheme = product._serial_scheme(company or self.env.company)
            if scheme:
                location = self.env["stock.location"].browse(
                    context_data.get("default_location_dest_id")
                )
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
        """New serials per move, all counters of ``scheme`` drawn in one query; moves
        of a
        same warehouse and date share one rendering run."""
        total = sum(count_by_move.values())
        has_counter = scheme._compiled().has_counter
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

    def action_serial_generate_from_scheme(self):
        """Give every unit still without serial on these moves a new serial from its
        product's scheme: one query per scheme for the counters, one ``create`` for all
        the units, one UPDATE for the existing move lines and one ``create`` for the
        missing ones. Nothing is written if any product lacks a scheme."""
        moves = self.filtered(
            lambda m: (
                m.product_id.tracking == "serial" and m.state not in ("done", "cancel")
            )
        )
        if not moves:
            raise UserError(
                self.env._("No serial-tracked product to generate serials for.")
            )
        moves.move_line_ids.flush_recordset(
            ["lot_id", "lot_name", "quantity", "move_id"]
        )
        groups = self.env["stock.move.line"]._read_group(
            [("move_id", "in", moves.ids)],
            ["move_id"],
            [
                "id:array_agg",
                "quantity:array_agg",
                "lot_id:array_agg",
                "lot_name:array_agg",
            ],
        )
        free_lines, to_unlink, assigned = defaultdict(list), [], defaultdict(int)
        for move, ids, quantities, lot_ids, lot_names in groups:
            for line_id, qty, lot_id, lot_name in zip(
                ids, quantities, lot_ids, lot_names, strict=True
            ):
                if lot_id or lot_name:
                    assigned[move] += 1
                elif qty == 1:
                    free_lines[move].append(line_id)
                else:
                    to_unlink.append(line_id)
        need = {}
        for move in moves:
            missing = int(move.product_qty) - assigned[move]
            if missing > 0:
                need[move] = missing
        if not need:
            raise UserError(
                self.env._("Every unit of these moves has a serial already.")
            )
        by_scheme = defaultdict(dict)
        missing_scheme = []
        for (company,), company_moves in (
            self.browse([m.id for m in need]).grouped(lambda m: (m.company_id,)).items()
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
        return moves._serial_assign_names(names, free_lines, to_unlink)

    def _serial_assign_names(
        self, names_by_move, free_lines=None, to_unlink=(), lot_vals=None
    ):
        """Create the units named ``names_by_move[move]`` (one ``create``) and put them
        on
        the moves: free move lines (no serial, quantity 1) get them by one UPDATE, the
        rest go on new move lines (one ``create``). ``lot_vals[move]`` is an optional
        list
        of extra unit values, in the order of the names."""
        free_lines = free_lines or {}
        lot_vals = lot_vals or {}
        vals_list, owners = [], []
        for move, names in names_by_move.items():
            extras = lot_vals.get(move) or [{}] * len(names)
            for name, extra in zip(names, extras, strict=True):
                vals_list.append(
                    {
                        **extra,
                        "name": name,
                        "product_id": move.product_id.id,
                        "company_id": move.company_id.id,
                    }
                )
                owners.append(move)
        lots = self.env["stock.lot"]._serial_bulk_create(vals_list)
        updates, new_lines = [], []
        lot_iter = iter(lots.ids)
        for move, names in names_by_move.items():
            spare = iter(sorted(free_lines.get(move, [])))
            for _name in names:
                lot_id = next(lot_iter)
                line_id = next(spare, None)
                if line_id:
                    updates.append((line_id, lot_id))
                else:
                    new_lines.append(
                        {**move._prepare_move_line_vals(quantity=1), "lot_id": lot_id}
                    )
        if to_unlink:
            self.env["stock.move.line"].browse(to_unlink).unlink()
        if updates:
            line_ids, lot_ids = zip(*updates, strict=True)
            self.env["stock.move.line"].flush_model(["lot_id", "lot_name"])
            self.env.execute_query(
                SQL(
                    """
                    UPDATE stock_move_line ml
                       SET lot_id = v.lot_id, lot_name = NULL,
                           write_uid = %(uid)s, write_date = now() at time zone 'UTC'
                      FROM unnest(%(line_ids)s::int[], %(lot_ids)s::int[]) AS v(id,
                      lot_id)
                     WHERE ml.id = v.id
                    """,
                    uid=self.env.uid,
                    line_ids=list(line_ids),
                    lot_ids=list(lot_ids),
                )
            )
            lines = self.env["stock.move.line"].browse(line_ids)
            lines.invalidate_recordset(
                ["lot_id", "lot_name", "write_uid", "write_date"]
            )
            # Stored fields computed from the serial (e.g. expiry) are recomputed in
            # batch.
            lines.modified(["lot_id", "lot_name"])
        if new_lines:
            self.env["stock.move.line"].create(new_lines)
        self.invalidate_recordset(["move_line_ids"])
        return lots
