from datetime import datetime, time

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.serial_tracking.models.stock_lot import CLOSED_STATES
from odoo.addons.serial_tracking.tools.gs1 import looks_like_gs1

from ..tools.scan_decision import Move, Refusal
from ..tools.scan_receive import decide_receive_count, decide_receive_serial


class SerialScanReceive(models.AbstractModel):
    """The receive flow on the scan engine: unit labels or manufacturers' GS1
    codes scanned as goods come off the truck.

    A serial scan creates the unit (with the batch, production and expiry dates of
    its GS1 data) or takes the existing one, and puts it on a free line of its move
    through the ORM; untracked products count up by product barcode, lot-tracked
    ones by GS1 batch. Every check capture makes is made: product not on the
    receipt, serial already on this or another receipt
    (``stock.move.line._serial_pending_receipts``), unit already in stock, over
    quantity, the product's own barcode in any GTIN form
    (``product.product._serial_barcode_products``). Validate is Odoo's
    ``button_validate`` (backorder wizard when short).

    Public entry points (JSON-RPC of the screen): ``serial_receive_state``,
    ``serial_receive_scan``, ``serial_receive_validate``.
    """

    _name = "serial.scan.receive"
    _inherit = "serial.scan.flow"
    _description = "Scan Flow: Receive"

    _scan_type_code = "incoming"
    _scan_kinds = ("gs1", "serial", "manufacturer_serial", "product")

    @api.model
    def _scan_nouns(self, picking):
        return {"this": self.env._("this receipt"), "picking": picking}

    @api.model
    def _scan_wrong_type_message(self, picking):
        return self.env._(
            "%(name)s is not a receipt: it cannot be received by scan.",
            name=picking.name,
        )

    # --- entry points

    @api.model
    def serial_receive_state(self, picking_id):
        """Everything the receive screen shows of the receipt."""
        return self._scan_state(self._scan_picking(picking_id))

    @api.model
    def serial_receive_scan(self, picking_id, code, scan_uid, move_id=False):
        """Apply one scan on the receipt; ``move_id``: the line the user tapped,
        for plain serials when several serial products are expected. The answer
        is ``stock.picking.serial_dispatch_scan``'s."""
        picking = self._scan_picking(picking_id)
        return self._scan_run(picking, code, scan_uid, move_id=move_id)

    @api.model
    def serial_receive_validate(self, picking_id):
        """Validate the receipt with what was scanned (Odoo's ``button_validate``):
        ``{"status": "done", "state": ...}`` or ``{"status": "action", "action":
        <Odoo's backorder wizard>}``."""
        picking = self._scan_picking(picking_id)
        self.env["serial.scan.service"]._scan_lock_picking(picking, "update")
        if picking.state in CLOSED_STATES:
            raise UserError(
                self.env._("%(name)s is already closed.", name=picking.name)
            )
        if not picking.move_ids.move_line_ids.filtered("picked"):
            raise UserError(self.env._("Nothing has been scanned yet."))
        res = picking.button_validate()
        if isinstance(res, dict):
            return {"status": "action", "action": res}
        return {"status": "done", "state": self._scan_state(picking)}

    # --- the step

    @api.model
    def _scan_step(self, picking, code, scan_uid, info, move_id=False):
        match = self._scan_match(code, info)
        gs1 = match.get("gs1")
        if match["products"]:
            product = next(
                (row for row in match["products"] if row["moves"]),
                match["products"][0],
            )
            if product["tracking"] == "serial" and gs1 and gs1.serial:
                units = [u for u in match["units"] if u["product_id"] == product["id"]]
                return self._receive_serial(
                    picking, code, scan_uid, product, gs1.serial, units[:1], gs1
                )
            decision = decide_receive_count(
                product["product_name"],
                product["moves"],
                product["tracking"],
                gs1 and gs1.batch,
            )
            return self._receive_count(picking, code, scan_uid, product, decision, gs1)
        if gs1:
            raise Refusal("unknown_code", code=gs1.gtin)
        if match["units"]:
            unit = next((u for u in match["units"] if u["moves"]), match["units"][0])
            product = {
                "id": unit["product_id"],
                "product_name": unit["product_name"],
                "moves": unit["moves"],
            }
            return self._receive_serial(
                picking, code, scan_uid, product, unit["name"], [unit], None
            )
        return self._receive_new_serial(picking, code, scan_uid, info, move_id)

    @api.model
    def _scan_match(self, code, info):
        """The first resolver that recognises the code, or ``{"kind": None}``: a
        code nothing recognises may still be a new serial."""
        try:
            return self.env["serial.scan.service"]._scan_resolve(
                code, info, self._scan_kinds
            )
        except Refusal:
            return {"kind": None, "units": [], "products": []}

    @api.model
    def _receive_new_serial(self, picking, code, scan_uid, info, move_id):
        """A code that names nothing known: a new serial of the receipt's serial
        product (the line the user tapped, or the only one expected) — unless it
        is a product's barcode in some GTIN form, or another company's unit."""
        if looks_like_gs1(code):
            raise Refusal("unknown_code", code=code)  # a GS1 code it could not read
        barcode_of = self.env["product.product"]._serial_barcode_products([code])
        if barcode_of:
            raise Refusal("product_barcode", product=barcode_of[code].display_name)
        if (
            self.env["stock.lot"]
            .sudo()
            .search_count(
                [("name", "=", code), ("company_id", "!=", info["company_id"])], limit=1
            )
        ):
            raise Refusal("other_company", code=code)
        moves = picking.move_ids.filtered(
            lambda m: (
                m.state not in CLOSED_STATES
                and m.product_id.tracking == "serial"
                and (not move_id or m.id == move_id)
            )
        )
        if not moves:
            raise Refusal("unknown_code", code=code)
        if len(moves.product_id) > 1:
            raise Refusal("choose_line", serial=code)
        product = moves.product_id
        service = self.env["serial.scan.service"]
        rows = self.env.execute_query(
            SQL("SELECT (%s)", service._scan_moves_sql(info, SQL("%s", product.id)))
        )
        row = {
            "id": product.id,
            "product_name": product.display_name,
            "moves": [Move(*move) for move in rows[0][0] or []],
        }
        return self._receive_serial(picking, code, scan_uid, row, code, [], None)

    @api.model
    def _receive_serial(self, picking, code, scan_uid, product, serial, units, gs1):
        """Check and record one serial, create its unit if new (with its label's
        batch and dates) and put it on a free line of its move."""
        Lot = self.env["stock.lot"]
        pending = self.env["stock.move.line"]._serial_pending_receipts(
            [serial],
            self.env["product.product"].browse(product["id"]),
            picking.company_id,
        )
        unit = units[0] if units else None
        decision = decide_receive_serial(
            serial,
            product["product_name"],
            product["moves"],
            unit=unit and unit["unit"],
            pending_on=serial in pending and pending[serial].id,
            own_picking=picking.id,
        )
        label = self._receive_label_values(picking, product["id"], gs1)
        if unit:
            lot = Lot.browse(unit["id"])
            if label and lot.unit_state == "draft":
                lot.write(label)  # a unit made ahead of stock takes its label's values
        else:
            lot = Lot.create(
                {
                    "name": serial,
                    "product_id": product["id"],
                    "company_id": picking.company_id.id,
                    **label,
                }
            )
        self._scan_record(
            picking,
            decision.move_id,
            product["id"],
            scan_uid,
            code,
            serial=serial,
            lot_id=lot.id,
        )
        move = self.env["stock.move"].browse(decision.move_id)
        free = move.move_line_ids.filtered(
            lambda ml: not ml.picked and not ml.lot_id and not ml.lot_name
        )[:1]
        values = {"lot_id": lot.id, "quantity": 1.0, "picked": True}
        if free:
            free.write(values)
        else:
            self.env["stock.move.line"].create(
                {**move._prepare_move_line_vals(quantity=1), **values}
            )
        message = self.env._(
            "%(product)s: serial %(serial)s received.",
            product=product["product_name"],
            serial=serial,
        )
        return message, [move.id]

    @api.model
    def _receive_count(self, picking, code, scan_uid, product, decision, gs1):
        """One more unit of an untracked product, or of a batch (lot-tracked: the
        GS1 batch is the lot, its expiry the lot's)."""
        move = self.env["stock.move"].browse(decision.move_id)
        batch = gs1 and gs1.batch if product["tracking"] == "lot" else False
        self._scan_record(picking, move.id, product["id"], scan_uid, code)
        lines = move.move_line_ids
        counted = lines.filtered(
            lambda ml: ml.picked and (ml.lot_name or ml.lot_id.name or False) == batch
        )[:1]
        if counted:
            counted.quantity += 1
        else:
            values = {"quantity": 1.0, "picked": True}
            if batch:
                lot = self.env["stock.lot"].search(
                    [
                        ("name", "=", batch),
                        ("product_id", "=", product["id"]),
                        ("company_id", "in", [picking.company_id.id, False]),
                    ],
                    limit=1,
                )
                values.update({"lot_id": lot.id} if lot else {"lot_name": batch})
                if not lot and gs1.expiry_date:
                    values["expiration_date"] = datetime.combine(
                        gs1.expiry_date, time.min
                    )
            free = lines.filtered(
                lambda ml: not ml.picked and not ml.lot_id and not ml.lot_name
            )[:1]
            if free:
                free.write(values)
            else:
                self.env["stock.move.line"].create(
                    {**move._prepare_move_line_vals(quantity=1), **values}
                )
        message = (
            self.env._(
                "%(product)s: batch %(batch)s counted.",
                product=product["product_name"],
                batch=batch,
            )
            if batch
            else self.env._("%(product)s counted.", product=product["product_name"])
        )
        return message, [move.id]

    @api.model
    def _receive_label_values(self, picking, product_id, gs1):
        """What a serial unit's GS1 label says of it: batch (AI 10, a
        ``serial.batch`` found or created), production (AI 11) and expiry (AI 17)."""
        if not gs1:
            return {}
        values = {}
        if gs1.batch:
            Batch = self.env["serial.batch"]
            batch = Batch.search(
                [
                    ("name", "=", gs1.batch),
                    ("product_id", "=", product_id),
                    ("company_id", "in", [picking.company_id.id, False]),
                ],
                order="company_id",
                limit=1,
            ) or Batch.create(
                {
                    "name": gs1.batch,
                    "product_id": product_id,
                    "company_id": picking.company_id.id,
                    "supplier_id": picking.partner_id.commercial_partner_id.id,
                }
            )
            values["batch_id"] = batch.id
        if gs1.production_date:
            values["manufacture_date"] = gs1.production_date
        if gs1.expiry_date:
            values["expiration_date"] = datetime.combine(gs1.expiry_date, time.min)
        return values
