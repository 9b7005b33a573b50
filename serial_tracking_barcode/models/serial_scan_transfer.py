from datetime import datetime

from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.serial_tracking.models.stock_lot import CLOSED_STATES

from ..tools.dispatch_lines import line_update_dicts, line_updates_sql
from ..tools.move_line_sql import (
    ORM_ONLY_KEY,
    create_scanned_line,
    sql_create_allowed,
)
from ..tools.receive_sql import transfer_unit_columns_sql
from ..tools.scan_decision import Refusal
from ..tools.scan_receive import decide_transfer_unit


class SerialScanTransfer(models.AbstractModel):
    """The transfer flow on the scan engine: scan where the units go (Odoo's
    location barcodes), then the units — or where they come from first, then the
    units, then where they go.

    The scans fill a draft internal transfer of the warehouse's internal operation
    type, one per user (``stock.picking.serial_scan_transfer``): each unit goes on
    a move line through the ORM (so Odoo reserves its quant at once) and a scan
    row arbitrates two transfers racing for it. Validate is Odoo's
    ``button_validate``: the units' locations follow, and the core logs their
    timeline. Refused: units not in stock at the source, reserved on another
    operation (a delivery), blocked (``stock.lot._serial_block_messages``).

    Public entry points: ``serial_transfer_state``, ``serial_transfer_scan``,
    ``serial_transfer_unscan``, ``serial_transfer_validate``.
    """

    _name = "serial.scan.transfer"
    _inherit = "serial.scan.flow"
    _description = "Scan Flow: Transfer"

    _scan_type_code = "internal"
    _scan_kinds = ("location", "gs1", "serial", "manufacturer_serial", "product")

    @api.model
    def _scan_nouns(self, picking):
        return {"this": self.env._("this transfer"), "picking": picking}

    # --- entry points

    @api.model
    def serial_transfer_state(self, picking_id=False):
        """The user's open transfer by scan (created when there is none)."""
        picking = (
            self._scan_picking(picking_id) if picking_id else self._transfer_open()
        )
        return self._transfer_state(picking)

    @api.model
    def serial_transfer_scan(self, picking_id, code, scan_uid, role=False):
        """Apply one scan; ``role="source"`` makes a location scanned now the
        source of the units (else a location is where they go)."""
        picking = self._scan_browse(picking_id)
        result = self._scan_run(picking, code, scan_uid, role=role)
        if result["status"] != "ok" or not result["lines"]:
            # A unit's scan leaves the locations as they were: the screen keeps
            # those it has (two reads of the locations' names less per unit).
            result["transfer"] = self._transfer_locations(picking)
        self._transfer_lines(result["lines"])
        return result

    @api.model
    def serial_transfer_unscan(self, picking_id, serial):
        """Take the scan of ``serial`` back (a wrong unit): its move line goes
        (Odoo releases its quant's reservation), and one unit less is moved. The
        answer of a scan, with the transfer's locations."""
        result = self._scan_unscan(picking_id, serial)  # checks the transfer
        picking = self.env["stock.picking"].browse(picking_id)
        result["transfer"] = self._transfer_locations(picking)
        self._transfer_lines(result["lines"])
        return result

    @api.model
    def serial_transfer_validate(self, picking_id):
        """Validate the transfer (Odoo's ``button_validate``); the state of the
        next, new transfer is answered."""
        return self._scan_validate(picking_id)

    @api.model
    def _scan_before_validate(self, picking):
        if not picking.serial_transfer_dest_set:
            raise UserError(
                self.env._("Scan the destination location before validating.")
            )
        # Scans leave the transfer's weight to derive (_transfer_derive).
        self.env.add_to_compute(picking._fields["shipping_weight"], picking)
        # Scans do not raise the moves' demand: it becomes what is moved.
        for move in picking.move_ids:
            if move.product_uom.compare(move.quantity, move.product_uom_qty):
                move.product_uom_qty = move.quantity

    @api.model
    def _scan_validated(self, picking):
        return {
            "status": "done",
            "done": picking.name,
            "state": self._transfer_state(self._transfer_open()),
        }

    # --- the transfer

    @api.model
    def _transfer_open(self):
        """The user's open transfer by scan in the current company, or a
        new one of the warehouse's internal operation type, from and to its
        stock."""
        service = self.env["serial.scan.service"]
        service._scan_check_user()
        company = self.env.company
        Picking = self.env["stock.picking"]
        picking = Picking.search(
            [
                ("serial_scan_transfer", "=", True),
                ("state", "not in", CLOSED_STATES),
                ("user_id", "=", self.env.uid),
                ("company_id", "=", company.id),
            ],
            order="id desc",
            limit=1,
        )
        if picking:
            return picking
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", company.id)], limit=1
        )
        if not warehouse.int_type_id:
            raise UserError(self.env._("The warehouse has no internal operation type."))
        stock = warehouse.lot_stock_id
        return Picking.create(
            {
                "picking_type_id": warehouse.int_type_id.id,
                "location_id": stock.id,
                "location_dest_id": stock.id,
                "user_id": self.env.uid,
                "company_id": company.id,
                "serial_scan_transfer": True,
                "origin": self.env._("Transfer by scan"),
            }
        )

    @api.model
    def _transfer_locations(self, picking):
        # Both names (and their parents') read together.
        (picking.location_id | picking.location_dest_id).mapped("display_name")
        return {
            "source": picking.location_id.display_name,
            "source_set": picking.serial_transfer_source_set,
            "destination": picking.location_dest_id.display_name,
            "destination_set": picking.serial_transfer_dest_set,
        }

    @api.model
    def _transfer_state(self, picking):
        state = self._scan_state(picking, transfer=self._transfer_locations(picking))
        self._transfer_lines(state["lines"])
        return state

    @api.model
    def _transfer_lines(self, lines):
        """A transfer has no ordered quantity: every unit scanned is to move (the
        moves' demand follows at validation)."""
        for line in lines:
            line.update(ordered=line["scanned"], complete=True)
        return lines

    @api.model
    def _scan_undo(self, scan):
        """The transfer as before the scan: the unit's line unlinked (its quant's
        reservation released, its state refreshed by the core), its move
        unlinked with its last unit."""
        lot, move = scan.lot_id, scan.move_id
        line = scan.move_line_id.with_env(self.env) or move.move_line_ids.filtered(
            lambda ml: ml.lot_id == lot
        )
        scan.unlink()
        line.unlink()
        if not move.move_line_ids:
            # The scan made this move of the user's own open transfer: it goes
            # with its last unit (inventory users may not delete moves).
            move.sudo().unlink()

    @api.model
    def _transfer_derive(self, picking, move, quantity):
        """What the move and the transfer derive from their lines after a new
        picked line of one unit in the move's unit, without reading every line
        again (Odoo's computations read all lines of the move, and of the
        transfer for its weight, on every scan: the cost grew with the
        transfer): the move's ``quantity`` is one more, it is ``picked``; the
        transfer's ``shipping_weight`` is derived at *Validate*
        (``serial_transfer_validate``)."""
        fields_ = move._fields
        derived = [fields_["quantity"], fields_["picked"]]
        for field in derived:
            self.env.remove_to_compute(field, move)
        with self.env.protecting(derived, move):
            move.quantity = quantity
            move.picked = True
        self.env.remove_to_compute(picking._fields["shipping_weight"], picking)

    # --- the step

    @api.model
    def _scan_step(self, picking, code, scan_uid, info, role=False):
        known = not self.env.context.get(ORM_ONLY_KEY)  # else all read by the ORM
        if known:
            info["unit_columns"] = transfer_unit_columns_sql(picking.id)
        match = self.env["serial.scan.service"]._scan_resolve(
            code, info, self._scan_kinds
        )
        if match["kind"] == "location":
            return self._transfer_location(picking, match["location"], role)
        gs1 = match.get("gs1")
        if match["units"]:
            if known:
                self._transfer_known(picking, match["units"][0])
            if not (
                picking.serial_transfer_source_set or picking.serial_transfer_dest_set
            ):
                raise Refusal("location_first")
            return self._transfer_unit(picking, code, scan_uid, match["units"][0], info)
        raise self.env["serial.scan.service"]._scan_no_unit_refusal(code, match, gs1)

    @api.model
    def _transfer_known(self, picking, row):
        """Put what the lookup read (``transfer_unit_columns_sql``) of the
        transfer, the unit and its product in the ORM cache, instead of reading
        them again (the transfer's row is held by the scan's lock)."""
        facts = row["transfer_facts"]
        source_set, dest_set, type_id, scheduled, state, move_type = facts[:6]
        row["transfer_ready"] = facts[6]  # every open move ready (_transfer_steady)
        fields_ = picking._fields
        for name, value in (
            ("serial_transfer_source_set", source_set),
            ("serial_transfer_dest_set", dest_set),
            ("picking_type_id", type_id),
            ("scheduled_date", scheduled and datetime.fromisoformat(scheduled)),
            ("state", state),
            ("move_type", move_type),
        ):
            field = fields_[name]
            field._insert_cache(picking, [field.convert_to_cache(value, picking)])
        unit = row["unit"]
        product = self.env["product.product"].browse(unit.product_id)
        product._fields["uom_id"]._insert_cache(product, [row["product_uom_id"]])
        # The new line's checks (Odoo's _check_lot_product, the core's
        # _check_lot_company) do not read the unit again.
        lot = self.env["stock.lot"].browse(unit.id)
        lot._fields["product_id"]._insert_cache(lot, [unit.product_id])
        lot._fields["company_id"]._insert_cache(lot, [row["lot_company_id"]])

    @api.model
    def _transfer_location(self, picking, location, role):
        """A location scan: the source (``role="source"``, before any unit) or
        the destination of the transfer and of its lines."""
        if role == "source":
            if picking.move_line_ids:
                raise Refusal(
                    "source_locked", location=picking.location_id.display_name
                )
            picking.write(
                {"location_id": location.id, "serial_transfer_source_set": True}
            )
            message = self.env._(
                "From %(location)s: scan the units.", location=location.display_name
            )
        else:
            picking.write(
                {"location_dest_id": location.id, "serial_transfer_dest_set": True}
            )
            picking.move_ids.write({"location_dest_id": location.id})
            picking.move_line_ids.write({"location_dest_id": location.id})
            message = self.env._(
                "To %(location)s: scan the units.", location=location.display_name
            )
        return message, []

    @api.model
    def _transfer_unit(self, picking, code, scan_uid, row, info):
        """Check, record and put one unit on the transfer."""
        service = self.env["serial.scan.service"]
        unit = row["unit"]
        # (a refusal "not in stock" names the source itself)
        decide_transfer_unit(unit, service._scan_blocked_states(), service._scan_now())
        if picking.serial_transfer_dest_set and row["location_id"] == (
            picking.location_dest_id.id
        ):
            raise Refusal(
                "same_location", location=picking.location_dest_id.display_name
            )
        # The open move of the product, read by the lookup query. Its demand is
        # not raised scan by scan (Odoo's own line creation does not either, and
        # each change of a demand posts a note on the transfer): validation sets it
        # to what is moved.
        move = self.env["stock.move"].browse(row["moves"][0].id if row["moves"] else ())
        scheduled = picking.scheduled_date
        steady = [] if move else self._transfer_steady_fields(picking, row)
        with self.env.protecting(steady, picking):
            if not move:
                move = self._transfer_new_move(picking, unit.product_id)
            scan_id = self._scan_record(
                picking, move.id, unit.product_id, scan_uid, code, lot_id=unit.id
            )
            vals = {
                "move_id": move.id,
                "picking_id": picking.id,
                "product_id": unit.product_id,
                "product_uom_id": move.product_uom.id,
                "lot_id": unit.id,
                "location_id": row["location_id"],
                "location_dest_id": picking.location_dest_id.id,
                "package_id": row["package_id"] or False,
                "owner_id": row["owner_id"] or False,
                "quantity": 1.0,
                "picked": True,
            }
            if (
                sql_create_allowed(self.env)
                and move.product_uom == move.product_id.uom_id
            ):
                # The engine's SQL helper (tools/move_line_sql.py): the row by the
                # ORM's own create, the quant's reservation and the unit's state in one
                # round trip. The quant is the one the lookup read: the unit's only
                # quant with stock under the source (free: decide_transfer_unit), the
                # one Odoo's reservation takes. The move's state is derived here (the
                # transfer is the user's own: nobody else writes its moves).
                quantity = move.quantity  # read with the move, before its new line
                picking_type = picking.picking_type_id  # known: not read again
                picking_type._fields["use_create_lots"]._insert_cache(
                    picking_type, [info["use_create_lots"]]
                )
                line, rows = create_scanned_line(
                    self.env,
                    vals,
                    row["quant_id"],
                    also=lambda line: [
                        self.env["serial.scan.placement"]._place_link_sql(
                            scan_id, line.id
                        ),
                        # computes skipped (steady): the write date Odoo leaves
                        *([self._transfer_touch_sql(picking)] if steady else []),
                        line_updates_sql([move.id]),  # last: its rows answered
                    ],
                )
                self._transfer_derive(picking, move, quantity + 1.0)
                move._recompute_state()  # a new move's state: the transfer's date
                self._transfer_keep_line_dates(picking, scheduled, line)
                lines = line_update_dicts(rows)
            else:
                line = self.env["stock.move.line"].create(vals)
                self.env.execute_query(
                    self.env["serial.scan.placement"]._place_link_sql(scan_id, line.id)
                )
                lines = None
        self._transfer_steady_check(picking, steady, move, scheduled)
        self.env["serial.dispatch.scan"].invalidate_model(["move_line_id"])
        message = self.env._(
            "%(product)s: serial %(serial)s to move.",
            product=row["product_name"],
            serial=unit.name,
        )
        return message, [move.id], lines
