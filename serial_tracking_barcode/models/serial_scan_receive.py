from datetime import datetime, time

from odoo import api, models
from odoo.tools import SQL

from odoo.addons.serial_tracking.models.stock_lot import CLOSED_STATES
from odoo.addons.serial_tracking.tools.gs1 import looks_like_gs1

from ..tools.receive_sql import (
    NEW_UNIT_READS,
    receive_lookup_sql,
    receive_units_sql,
)
from ..tools.scan_decision import Move, Refusal
from ..tools.scan_receive import decide_receive_count, decide_receive_serial
from ..tools.scan_sql import products_sql


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
    ``serial_receive_scan``, ``serial_receive_unscan``, ``serial_receive_validate``.
    """

    _name = "serial.scan.receive"
    _inherit = "serial.scan.flow"
    _description = "Scan Flow: Receive"

    _scan_type_code = "incoming"
    _scan_kinds = ("gs1", "serial", "manufacturer_serial", "product")
    _scan_folds_savepoint = True

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
        picking = self._scan_browse(picking_id)
        move_id = move_id if isinstance(move_id, int) else False
        return self._scan_run(picking, code, scan_uid, move_id=move_id)

    @api.model
    def serial_receive_unscan(self, picking_id, serial):
        """Take the scan of ``serial`` back (a wrong unit): its line is free
        again, a unit the scan created is deleted. The answer of a scan."""
        return self._scan_unscan(picking_id, serial)

    @api.model
    def serial_receive_validate(self, picking_id):
        """Validate the receipt with what was scanned (Odoo's ``button_validate``):
        ``{"status": "done", "state": ...}`` or ``{"status": "action", "action":
        <Odoo's backorder wizard>}``."""
        return self._scan_validate(picking_id)

    @api.model
    def _scan_scanned_lines(self, picking):
        return picking.move_ids.move_line_ids.filtered("picked")

    @api.model
    def _scan_before_validate(self, picking):
        # Scans set stock.move.picked only when nobody else was: derive it as
        # Odoo does before Odoo's validation reads it.
        moves = picking.move_ids.filtered(lambda m: m.state not in CLOSED_STATES)
        self.env.add_to_compute(self.env["stock.move"]._fields["picked"], moves)

    @api.model
    def _scan_undo(self, scan):
        """The receipt as before the scan: its line free again (or gone, if the
        scan added it), the unit deleted if the scan created it; a unit made ahead
        of stock is kept (the label values a scan wrote on it stay)."""
        lot, unit_created, line_created = (
            scan.lot_id,
            scan.unit_created,
            scan.line_created,
        )
        line = (
            scan.move_line_id.with_env(self.env)
            or (
                # a scan recorded before its row kept its line
                scan.move_id.move_line_ids.filtered(
                    lambda ml: ml.lot_id == lot and ml.state not in CLOSED_STATES
                )[:1]
            )
        )
        scan.unlink()
        if line_created:
            line.unlink()
        else:
            line.write({"lot_id": False, "picked": False})
        if unit_created:
            lot.unlink()

    # --- the step

    @api.model
    def _scan_step(self, picking, code, scan_uid, info, move_id=False):
        match = self._scan_match(code, info, move_id)
        gs1 = match.get("gs1")
        if match["products"]:
            product = next(
                (row for row in match["products"] if row["moves"]),
                match["products"][0],
            )
            if product["tracking"] == "serial" and gs1 and gs1.serial:
                units = [u for u in match["units"] if u["product_id"] == product["id"]]
                return self._receive_serial(
                    picking, code, scan_uid, info, product, gs1.serial, units[:1], gs1
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
                picking, code, scan_uid, info, product, unit["name"], [unit], None
            )
        return self._receive_new_serial(picking, code, scan_uid, info, match["facts"])

    @api.model
    def _scan_match(self, code, info, move_id=False):
        """The receive flow's resolvers (``_scan_kinds``), or ``{"kind": None,
        "facts": ...}``: a code nothing recognises may still be a new serial.
        A GS1 code is the service's ``_resolve_gs1``; any other code is one
        lookup query (``_receive_lookup``): the serial and manufacturer serial
        resolvers (our serial first), the product barcode resolver and what a
        new serial is checked against."""
        service = self.env["serial.scan.service"]
        if looks_like_gs1(code):
            self._scan_open_savepoint(info)
            match = service._resolve_gs1(code, info)
            if match:
                return match
        facts = self._receive_lookup(code, info, move_id)
        units = service._scan_unit_rows(facts.pop("units"))
        products = facts.pop("products") or []
        for row in products:
            row["moves"] = [Move(*move) for move in row["moves"] or []]
        if units:
            named = [unit for unit in units if unit["name"] == code]
            return {"kind": "serial", "units": named or units, "products": []}
        if products:
            return {"kind": "product", "units": [], "products": products}
        return {"kind": None, "units": [], "products": [], "facts": facts}

    @api.model
    def _receive_lookup(self, code, info, move_id):
        """One query, sent with the step's savepoint: the units named ``code``,
        the products whose barcode it is, and what a new serial ``code`` is
        checked against (``tools/receive_sql.py``, ``receive_lookup_sql``)."""
        service = self.env["serial.scan.service"]
        self.env.flush_all()
        forms = self.env["product.product"]._serial_barcode_forms(code)
        query = receive_lookup_sql(
            code,
            info,
            move_id,
            sorted(forms),
            receive_units_sql(
                code, info, service._scan_moves_sql(info, SQL("lot.product_id"))
            ),
            products_sql([code], info, service._scan_moves_sql(info, SQL("pp.id"))),
            service._scan_moves_sql(info, SQL("(SELECT MIN(id) FROM products)")),
        )
        savepoint = info["savepoint"]
        first = SQL() if savepoint.opened else savepoint.sql()
        self.env.cr.execute(SQL("%s %s", first, query))
        facts = self.env.cr.dictfetchall()[0]
        # What the ORM reads next (the core's busy check of a line's write, the
        # new unit's company check, the line's expiry dates), known already.
        picking = self.env["stock.picking"].browse(info["id"])
        validation_state, picking_type_id = facts.pop("picking")
        company = self.env["res.company"].browse(info["company_id"])
        picking_type = self.env["stock.picking.type"].browse(picking_type_id)
        known = [
            (picking, "serial_validation_state", validation_state),
            (picking, "picking_type_id", picking_type_id),
            (picking_type, "use_create_lots", info["use_create_lots"]),
            (company, "parent_path", facts.pop("company_path")),
        ]
        facts["product_name"] = None
        if product := facts.pop("product"):
            facts["product_name"], *values = product
        if product and not facts["products"]:
            # What putting a unit of the product on its line reads of the
            # product (NEW_UNIT_READS). Not for a product barcode's count: a part
            # of a record in the cache splits the ORM's prefetch of the rest.
            records = {
                "product.product": self.env["product.product"].browse(
                    facts["product_ids"][0]
                ),
                "product.template": self.env["product.template"].browse(values[0]),
            }
            known += [
                (records[model], name, value)
                for (model, name), value in zip(NEW_UNIT_READS, values, strict=True)
            ]
        for record, name, value in known:
            if record.id not in record._fields[name]._get_cache(self.env):
                record._fields[name]._insert_cache(record, [value])
        return facts

    @api.model
    def _receive_new_serial(self, picking, code, scan_uid, info, facts):
        """A code that names nothing known: a new serial of the receipt's serial
        product (the line the user tapped, or the only one expected) — unless it
        is a product's barcode in some GTIN form, or another company's unit."""
        if looks_like_gs1(code):
            raise Refusal("unknown_code", code=code)  # a GS1 code it could not read
        if facts["barcode_product"]:
            product = self.env["product.product"].browse(facts["barcode_product"])
            raise Refusal("product_barcode", product=product.display_name)
        if facts["other_company"]:
            raise Refusal("other_company", code=code)
        if not facts["product_ids"]:
            raise Refusal("unknown_code", code=code)
        if len(facts["product_ids"]) > 1:
            raise Refusal("choose_line", serial=code)
        row = {
            "id": facts["product_ids"][0],
            "product_name": facts["product_name"],
            "prechecked": True,
            "moves": [Move(*move) for move in facts["moves"] or []],
        }
        return self._receive_serial(
            picking,
            code,
            scan_uid,
            info,
            row,
            code,
            [],
            None,
            pending=facts["pending_on"] or False,
        )

    @api.model
    def _receive_serial(
        self, picking, code, scan_uid, info, product, serial, units, gs1, pending=None
    ):
        """Check and record one serial, create its unit if new (with its label's
        batch and dates) and put it on a free line of its move. ``pending``: the
        other receipt the serial is pending on, when the lookup read it."""
        unit = units[0] if units else None
        if pending is None:
            found = self.env["stock.move.line"]._serial_pending_receipts(
                [serial],
                self.env["product.product"].browse(product["id"]),
                picking.company_id,
            )
            pending = serial in found and found[serial].id
        decision = decide_receive_serial(
            serial,
            product["product_name"],
            product["moves"],
            unit=unit and unit["unit"],
            pending_on=pending,
            own_picking=picking.id,
        )
        place = self.env["serial.scan.receive.placement"]
        label = place._receive_label_values(picking, product["id"], gs1)
        lot = place._receive_unit(
            info, product["id"], serial, unit, label, product.get("prechecked")
        )
        move = self.env["stock.move"].browse(decision.move_id)
        lines = place._receive_on_line(
            picking,
            move,
            lot,
            scan_uid,
            code,
            product_id=product["id"],
            serial=serial,
            unit_created=not unit,
        )
        message = self.env._(
            "%(product)s: serial %(serial)s received.",
            product=product["product_name"],
            serial=serial,
        )
        return message, [move.id], lines

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
