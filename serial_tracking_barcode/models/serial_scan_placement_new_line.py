from odoo import api, models
from odoo.tools import SQL

from ..tools.move_line_sql import NOW, create_scanned_line
from ..tools.scan_sql import MOVE_FIELDS, MOVE_LINKS


class SerialScanPlacementNewLine(models.AbstractModel):
    """A dispatched unit on a new line of its move (no reservation left to take,
    ``serial.scan.placement._place_take_line``): the line made by the engine's
    SQL helper ``create_scanned_line``, and what Odoo derives from it written
    only where no other scan can conflict (the move when its row can be locked,
    never the delivery), see ``docs/TECHNICAL.md`` §3."""

    _name = "serial.scan.placement.new.line"
    _description = "Scan Engine: New Move Line"

    @api.model
    def _place_create_line(self, move, vals, quant_id, also, facts, dates=None):
        """A new line through ``create_scanned_line`` (``also(line)``: the
        caller's statements sent with it). What the move derives from its lines
        (its quantity, then its state) is written only when no other scan holds
        the move's row (``_place_try_lock``); what the delivery derives (its
        state, weight) is never written by a scan: other scans hold its row
        ``FOR SHARE``, and a write would make them wait or fail. Both are derived
        again at Confirm and Deliver (``_serial_dispatch_apply``). ``facts``:
        what ``free_line_sql`` read of the move (``MOVE_FACTS``); ``dates``: the
        unit's expiry dates the line takes (see ``create_scanned_line``)."""
        placement = self.env["serial.scan.placement"]
        # What the free-line query read of the move, for the new line's company
        # and the move's new state instead of reading the move again.
        for name in MOVE_FIELDS:
            field = move._fields[name]
            value = facts[name]
            if field.type == "many2many":  # an array of ids, or NULL: none
                value = tuple(value or ())
            field._insert_cache(move, [value])
        for fact, model, link, name in MOVE_LINKS:
            if facts[link]:
                record = self.env[model].browse(facts[link])
                record._fields[name]._insert_cache(record, [facts[fact]])
        line, rows = create_scanned_line(
            self.env,
            vals,
            quant_id,
            also=also,
            in_product_uom=True,  # vals: the product's unit, read by free_line_sql
            dates=dates,
            move_state=facts["state"],
        )
        quantity = self._place_move_quantity(move, vals, facts)
        # With the quantity, the move's picked flag of its first picked line
        # (see serial.scan.placement._place_mark_move_picked): the same statement.
        picked = bool(quantity) and not facts["picked"]
        update = quantity and SQL(
            "quantity = %s, %s write_uid = %s, write_date = %s",
            quantity,
            SQL("picked = TRUE,") if picked else SQL(),
            self.env.uid,
            NOW,
        )
        if self._place_pending(move) and placement._place_try_lock(
            "stock_move", move.id, update
        ):
            if quantity:  # written with the lock, as the ORM's flush writes it
                field = move._fields["quantity"]
                self.env.remove_to_compute(field, move)
                move.invalidate_recordset(["write_uid", "write_date"], flush=False)
                field._update_cache(move, field.convert_to_cache(quantity, move))
            if picked:  # known: the caller's _place_mark_move_picked is skipped
                move.invalidate_recordset(["picked"], flush=False)
                move._fields["picked"]._update_cache(move, True)
            through = self._place_through_picking()
            before = {field: self.env.records_to_compute(field) for field in through}
            # The move's quantity in the product's unit depends on its state in
            # Odoo's declaration, not in its computation.
            with self.env.protecting([move._fields["product_qty"]], move):
                move._recompute_state()  # reads its new quantity
            # What the move's new state changes through the delivery is left as
            # it is (the delivery is not changed by a scan, see below): only the
            # new line is computed (when its dates were not set with it), not
            # every line of the delivery again.
            for field, records in before.items():
                added = self.env.records_to_compute(field) - records
                if field.model_name == line._name and not dates:
                    added -= line
                self.env.remove_to_compute(field, added)
        else:
            self._place_pending(move, drop=True)
        self._place_pending(move.picking_id, drop=True)
        return line, rows

    @api.model
    def _place_move_quantity(self, move, vals, facts):
        """The move's new ``quantity`` as Odoo computes it (the sum of its
        lines' quantities in its unit) when every line is in the move's unit:
        the lines read by ``free_line_sql`` (``facts["quantity"]``, in this
        transaction, the move's row locked since) and the new one, written by
        the caller with the move's lock; else None: left to Odoo's computation,
        which reads the lines again."""
        field = move._fields["quantity"]
        if (
            facts["quantity"] is None
            or vals["product_uom_id"] != facts["product_uom"]
            or move not in self.env.records_to_compute(field)
        ):
            return None
        return field.convert_to_cache(facts["quantity"] + vals["quantity"], move)

    @api.model
    def _place_through_picking(self):
        """The stored fields a move's ``state`` reaches through its delivery
        (``stock.picking.move_ids``): the delivery's (its state, scheduled
        date...) and what depends on those (the lines' expiry dates by
        product_expiry, a sale order's delivery status...). A scan writes none
        of the delivery's fields, so none of these changes; Confirm and Deliver
        derive them all (``stock.picking._serial_dispatch_apply``)."""
        tree = self.pool.get_field_trigger_tree(self.env["stock.move"]._fields["state"])
        subtree = tree.get(self.env["stock.picking"]._fields["move_ids"])
        if not subtree:
            return []
        return list(
            {
                field: None
                for node in subtree.depth_first()
                for field in node.root
                if field.store
            }
        )

    @api.model
    def _place_pending(self, record, drop=False):
        """The stored fields of ``record`` the ORM is to recompute (and, with
        ``drop``, no longer)."""
        pending = [
            field
            for field in self.env.fields_to_compute()
            if field.model_name == record._name
            and record in self.env.records_to_compute(field)
        ]
        if drop:
            for field in pending:
                self.env.remove_to_compute(field, record)
        return pending
