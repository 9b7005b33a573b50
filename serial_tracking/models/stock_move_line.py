from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .stock_lot import CLOSED_STATES, INTERNAL_USAGES, STATE_BY_EXIT_USAGE

# The timeline event of a unit leaving our stock: named after the state it ends in,
# but a unit sent back to its vendor is a return, not a delivery.
EXIT_EVENT_BY_USAGE = {**STATE_BY_EXIT_USAGE, "supplier": "vendor_return"}
REFRESH_FIELDS = {"lot_id", "quantity", "location_id", "location_dest_id"}


# Below this many move lines Odoo's own loop is fast enough: the fast path is not tried.
FAST_MIN_LINES_PARAM = "serial_tracking.fast_validation_min_lines"
FAST_MIN_LINES_DEFAULT = 200


class StockMoveLine(models.Model):
    _inherit = "stock.move.line"

    # Unit states, timelines and scans read move lines by serial: Odoo 19 has no index
    # on stock_move_line.lot_id.
    _serial_lot_id_idx = models.Index("(lot_id) WHERE lot_id IS NOT NULL")

    lot_handling_instructions = fields.Text(
        related="lot_id.handling_instructions", string="Handling Instructions"
    )
    lot_unit_state = fields.Selection(related="lot_id.unit_state", string="Unit Status")

    @api.constrains("lot_id", "company_id")
    def _check_lot_company(self):
        """Odoo does not enforce ``check_company`` on move lines: a unit of another
        company must never be moved (or shipped) by this one."""
        foreign = self.filtered(
            lambda line: (
                line.lot_id.company_id
                and line.company_id
                and line.lot_id.company_id != line.company_id
            )
        )
        if foreign:
            raise ValidationError(
                self.env._(
                    "These units belong to another company and cannot be moved here:"
                    "\n%(units)s",
                    units="\n".join(
                        f" - {line.lot_id.display_name} ({line.lot_id.company_id.name})"
                        for line in foreign
                    ),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines._serial_refresh_units()
        return lines

    def write(self, vals):
        # A transfer being validated in the background is locked.
        self.picking_id._serial_check_not_busy()
        if (
            self.env.context.get("serial_defer_refresh")
            or not REFRESH_FIELDS & vals.keys()
        ):
            return super().write(vals)
        lots_before = self._serial_lines_to_refresh().lot_id
        res = super().write(vals)
        (lots_before | self._serial_lines_to_refresh().lot_id)._refresh_unit_state()
        return res

    def unlink(self):
        self.picking_id._serial_check_not_busy()
        lots = self._serial_lines_to_refresh().lot_id
        res = super().unlink()
        lots._refresh_unit_state()
        return res

    def _serial_lines_to_refresh(self):
        """Lines whose change can alter a unit's state: reservations, done lines."""
        if self.env.context.get("serial_defer_refresh"):
            return self.browse()
        return self.filtered(
            lambda line: (
                line.lot_id
                and line.product_id.tracking == "serial"
                and (line.state == "done" or line.location_id.usage in INTERNAL_USAGES)
            )
        )

    def _serial_refresh_units(self):
        self._serial_lines_to_refresh().lot_id._refresh_unit_state()

    def _serial_event_type(self):
        self.ensure_one()
        src, dst = self.location_id.usage, self.location_dest_id.usage
        if self.move_id.scrap_id:
            return "scrapped"
        if self.move_id.is_inventory:
            return "adjusted"
        if dst in INTERNAL_USAGES:
            if src in INTERNAL_USAGES:
                return "moved"
            return "returned" if src == "customer" else "received"
        return EXIT_EVENT_BY_USAGE.get(dst, "moved")

    def _prepare_serial_event_vals(self, date):
        self.ensure_one()
        move = self.move_id
        return {
            "lot_id": self.lot_id.id,
            "event_type": self._serial_event_type(),
            "date": date,
            "user_id": self.env.uid,
            "location_id": self.location_id.id,
            "location_dest_id": self.location_dest_id.id,
            "partner_id": (self.picking_id.partner_id or move.partner_id).id,
            "picking_id": self.picking_id.id,
            "move_id": move.id,
            "reference": move.reference or self.reference,
        }

    def _serial_log_done_events(self):
        """The timeline entries of done lines: one create for the whole validation."""
        now = fields.Datetime.now()
        return (
            self.env["serial.event"]
            .sudo()
            .create([line._prepare_serial_event_vals(now) for line in self])
        )

    # ----------------------------------------------------------------------------
    # The fast path of validating big receipts of serial units.
    #
    # Odoo's ``stock.move.line._action_done`` moves one unit at a time: a search and a
    # write per serial, two quant lookups, two quant creates and an availability query
    # per move line (~4-8 ms a unit). For the receipts where the outcome per unit is
    # known in advance (see :meth:`StockMoveLine._serial_fast_receipt_lines`), the same
    # rows are written once per batch through the ORM, and the rest of the validation
    # (moves, valuation, accounting, backorders) stays Odoo's own.

    def _action_done(self):
        lots_by_line = self._serial_fast_receipt_lines()
        if lots_by_line is not None:
            return self._serial_fast_receipt_done(lots_by_line)
        quants_by_line = self._serial_fast_delivery_lines()
        if quants_by_line is not None:
            return self._serial_fast_delivery_done(quants_by_line)
        return super()._action_done()

    @api.model
    def _serial_fast_min_lines(self):
        value = self.env["ir.config_parameter"].sudo().get_param(FAST_MIN_LINES_PARAM)
        try:
            return int(value) if value else FAST_MIN_LINES_DEFAULT
        except ValueError:
            return FAST_MIN_LINES_DEFAULT

    def _serial_fast_common_checks(self):
        """What both fast paths ask of every line: one unit (quantity 1 in the
        product's own unit) of a storable product tracked by serial, no package, no
        owner, not an inventory line, on a move; one company per batch."""
        if (
            self.env.context.get("serial_fast_off")
            or len(self) < self._serial_fast_min_lines()
            or len(self.company_id) != 1
        ):
            return False
        if any(p.tracking != "serial" or not p.is_storable for p in self.product_id):
            return False
        if not self.env["stock.quant"]._serial_can_create_in_batch():
            return False
        return all(
            line.move_id
            and line.quantity == 1
            and line.product_uom_id == line.product_id.uom_id
            and not line.package_id
            and not line.result_package_id
            and not line.owner_id
            and not line.is_inventory
            and not line.move_id.scrap_id
            for line in self
        )

    def _serial_fast_receipt_lines(self):
        """``{line: existing unit or None}`` when every line of ``self`` qualifies for
        the fast path, else ``None`` (Odoo's own path).

        A line qualifies when its outcome in Odoo's loop is known without running it:
        one unit (quantity 1 in the product's own unit) of a storable product tracked
        by serial, from a location that bypasses reservation (vendor, customer,
        inventory, production) into an internal one, with a serial (unit or name, the
        name unique in the batch), no package, no owner, not an inventory line, on a
        move of an operation type that creates serials; and its unit has no quant
        anywhere yet (a unit that was in stock before, a return, goes Odoo's way), nor
        the product a positive untracked quant at the source (Odoo would compensate
        with it). One company per batch."""
        if not self._serial_fast_common_checks():
            return None
        products = self.product_id
        if any(
            loc.usage != "internal" or loc.should_bypass_reservation()
            for loc in self.location_dest_id
        ) or not all(loc.should_bypass_reservation() for loc in self.location_id):
            return None
        if not all(move.picking_type_id.use_create_lots for move in self.move_id):
            return None
        names = defaultdict(set)
        for line in self:
            if line.lot_id:
                if line.lot_id.product_id != line.product_id:
                    return None
                continue
            if not line.lot_name or line.lot_name in names[line.product_id]:
                return None
            names[line.product_id].add(line.lot_name)
        # Serial names of existing units name those units, as in Odoo's loop.
        company = self.company_id
        existing = {}
        for product, product_names in names.items():
            for lot in self.env["stock.lot"].search(
                [
                    "|",
                    ("company_id", "=", False),
                    ("company_id", "=", company.id),
                    ("product_id", "=", product.id),
                    ("name", "in", list(product_names)),
                ]
            ):
                existing[product.id, lot.name] = lot
        lots_by_line = {}
        for line in self:
            lots_by_line[line] = line.lot_id or existing.get(
                (line.product_id.id, line.lot_name)
            )
        used = [lot.id for lot in lots_by_line.values() if lot]
        if len(used) != len(set(used)):
            return None
        Quant = self.env["stock.quant"]
        Quant.flush_model(["lot_id", "product_id", "location_id", "quantity"])
        if used and self.env.execute_query(
            SQL(
                "SELECT 1 FROM stock_quant WHERE lot_id = ANY(%s) LIMIT 1",
                used,
            )
        ):
            return None
        if self.env.execute_query(
            SQL(
                """
                SELECT 1 FROM stock_quant
                 WHERE product_id = ANY(%s) AND location_id = ANY(%s)
                   AND lot_id IS NULL AND quantity > 0
                 LIMIT 1
                """,
                products.ids,
                self.location_id.ids,
            )
        ):
            return None
        return lots_by_line

    def _serial_fast_receipt_done(self, lots_by_line):
        """Odoo's ``_action_done`` for lines that qualify (see
        :meth:`_serial_fast_receipt_lines`), with the same result, batch by batch:

        - lines named after an existing unit take it, the other names become new units
          in one ``create`` of the values Odoo gives them
          (``_prepare_new_lot_vals``), and all lines get their unit in one UPDATE
          (:meth:`_serial_write_lots`);
        - each unit gets the two quants Odoo's loop creates for it (-1 at the source,
          +1 at the destination, both entered now), in one ``create``;
        - the lines' date is set in one ``write``, as Odoo's loop ends.
        """
        to_create = [line for line, lot in lots_by_line.items() if not lot]
        if to_create:
            self._serial_lock_products(self.product_id)
            Lot = self.env["stock.lot"]
            vals_list = [line._prepare_new_lot_vals() for line in to_create]
            if Lot._serial_can_create_as_odoo():
                new_lots = Lot._serial_create_as_odoo(vals_list)
            else:
                new_lots = Lot.create(vals_list)
            for line, lot in zip(to_create, new_lots, strict=True):
                lots_by_line[line] = lot
        assign = [
            (line, lot) for line, lot in lots_by_line.items() if line.lot_id != lot
        ]
        if assign:
            self._serial_write_lots(assign)
        self._serial_check_company()
        now = fields.Datetime.now()
        quant_vals = []
        for line, lot in lots_by_line.items():
            common = {
                "product_id": line.product_id.id,
                "lot_id": lot.id,
                "package_id": False,
                "owner_id": False,
                "in_date": now,
            }
            quant_vals.append(
                {**common, "location_id": line.location_id.id, "quantity": -1.0}
            )
            quant_vals.append(
                {**common, "location_id": line.location_dest_id.id, "quantity": 1.0}
            )
        # As superuser, like Odoo's _update_available_quantity.
        self.env["stock.quant"].sudo()._serial_create_batch(quant_vals)
        self.write({"date": fields.Datetime.now()})

    def _serial_write_lots(self, assign):
        """What ``line.lot_id = lot`` does on each not yet done receipt line of
        ``assign`` (pairs of line, unit), in one UPDATE: on such a line (source that
        bypasses reservation) Odoo's ``write`` changes no quant, so the field, the
        cache and what depends on it remain: the ORM is told by ``modified()``.

        Odoo's stored dependents in 19.0 are the lines' expiration and removal dates
        (product_expiry). Their computation leaves a line as it is when neither its
        product uses expiration dates nor the line or its unit has such a date: those
        lines are not recomputed (100,000 recomputations cost seconds)."""
        lines = self.browse([line.id for line, _lot in assign])
        lines.check_access("write")
        self.flush_model(["lot_id"])
        self.env.execute_query(
            SQL(
                """
                UPDATE stock_move_line ml
                   SET lot_id = v.lot_id,
                       write_uid = %(uid)s, write_date = now() at time zone 'UTC'
                  FROM unnest(%(line_ids)s::int[], %(lot_ids)s::int[]) AS v(id, lot_id)
                 WHERE ml.id = v.id
                """,
                uid=self.env.uid,
                line_ids=lines.ids,
                lot_ids=[lot.id for _line, lot in assign],
            )
        )
        dates = [
            self._fields[fname]
            for fname in ("expiration_date", "removal_date")
            if fname in self._fields
        ]
        undated = lines.filtered(
            lambda line: (
                not (
                    line.product_id.use_expiration_date
                    or any(line[field.name] for field in dates)
                )
            )
        )
        lines.invalidate_recordset(["lot_id", "write_uid", "write_date"])
        lines.modified(["lot_id"])
        undated = undated.filtered(
            lambda line: not any(line.lot_id[field.name] for field in dates)
        )
        for field in dates:
            self.env.remove_to_compute(field, undated)
        lines._validate_fields(["lot_id"])

    # ---- deliveries -----------------------------------------------------------------
    def _serial_fast_delivery_lines(self):
        """``{line: (source quant, destination quant or None)}`` when every line of
        ``self`` qualifies for the fast delivery, else ``None`` (Odoo's own path).

        Besides :meth:`_serial_fast_common_checks`: each line moves its unit from an
        internal location that does not bypass reservation to one that does
        (customer, vendor, scrap...), the unit being there as exactly one quant of
        quantity 1 reserved for this line (no package, no owner), and at most one
        quant of the unit (without package nor owner) at the destination. Each unit
        once in the batch."""
        if not self._serial_fast_common_checks():
            return None
        if any(
            loc.usage != "internal" or loc.should_bypass_reservation()
            for loc in self.location_id
        ) or not all(loc.should_bypass_reservation() for loc in self.location_dest_id):
            return None
        lots = self.lot_id
        if len(lots) != len(self) or not all(line.lot_id for line in self):
            return None
        if any(line.lot_id.product_id != line.product_id for line in self):
            return None
        Quant = self.env["stock.quant"].sudo()
        Quant.flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT lot_id, location_id, array_agg(id ORDER BY id),
                       bool_and(package_id IS NULL AND owner_id IS NULL),
                       array_agg(quantity), array_agg(reserved_quantity)
                  FROM stock_quant
                 WHERE lot_id = ANY(%s) AND location_id = ANY(%s)
                 GROUP BY lot_id, location_id
                """,
                lots.ids,
                (self.location_id | self.location_dest_id).ids,
            )
        )
        by_key = {(lot_id, loc_id): row for lot_id, loc_id, *row in rows}
        quants_by_line = {}
        for line in self:
            source = by_key.get((line.lot_id.id, line.location_id.id))
            if (
                not source
                or len(source[0]) != 1
                or not source[1]
                or source[2] != [1.0]
                or source[3] != [1.0]
            ):
                return None
            dest = by_key.get((line.lot_id.id, line.location_dest_id.id))
            if dest and (len(dest[0]) != 1 or not dest[1]):
                return None
            quants_by_line[line] = (
                Quant.browse(source[0][0]),
                Quant.browse(dest[0][0]) if dest else None,
            )
        return quants_by_line

    def _serial_fast_delivery_done(self, quants_by_line):
        """Odoo's ``_action_done`` for delivery lines that qualify (see
        :meth:`_serial_fast_delivery_lines`), batch by batch: the reservation and the
        unit leave the source quant (quantity and reserved quantity 0, the quant
        stays until Odoo's own clean-up, as in Odoo's loop), the destination quant
        gets it with the source's entry date (one ``create`` for the new ones, one
        ``write`` per distinct values for the existing ones), and the lines' date is
        set in one ``write``."""
        self._serial_check_company()
        Quant = self.env["stock.quant"].sudo()
        sources = Quant.browse([src.id for src, _dest in quants_by_line.values()])
        sources.write({"reserved_quantity": 0.0, "quantity": 0.0})
        to_create, to_write = [], defaultdict(list)
        for line, (source, dest) in quants_by_line.items():
            if dest:
                to_write[(dest.quantity + 1, source.in_date)].append(dest.id)
            else:
                to_create.append(
                    {
                        "product_id": line.product_id.id,
                        "location_id": line.location_dest_id.id,
                        "lot_id": line.lot_id.id,
                        "package_id": False,
                        "owner_id": False,
                        "in_date": source.in_date,
                        "quantity": 1.0,
                    }
                )
        for (quantity, in_date), ids in to_write.items():
            Quant.browse(ids).write({"in_date": in_date, "quantity": quantity})
        if to_create:
            Quant._serial_create_batch(to_create)
        self.write({"date": fields.Datetime.now()})

    def _serial_check_company(self):
        """Odoo's ``_check_company()`` of the lines, run on one line per distinct
        combination of what it looks at: the line's company and the records of its
        company-checked fields, a unit counting by its company (the check's domain
        on units only reads their company, unless stock.lot changes it). Same
        outcome, a handful of lines checked instead of every one."""
        Lot = self.env["stock.lot"]
        lot_by_company = (
            type(Lot)._check_company_domain is models.BaseModel._check_company_domain
        )
        names = [
            name
            for name, field in self._fields.items()
            if field.relational and field.check_company
        ]
        representatives = {}
        for line in self:
            key = (line.company_id.id,) + tuple(
                ("company", line.lot_id.company_id.id)
                if name == "lot_id" and lot_by_company
                else line[name]._ids
                for name in names
            )
            representatives.setdefault(key, line.id)
        self.browse(list(representatives.values()))._check_company()

    def _serial_lock_products(self, products):
        """Serialise the creation of units of ``products`` between transactions: the
        unique-serial check only sees committed units, so two receipts naming the
        same serial at the same time would both pass it. Each fast receipt
        rewrites its products' rows (values unchanged): a second transaction doing
        the same waits for the first, then fails with a serialisation error that
        Odoo retries (request or cron), and its retry sees the first one's units."""
        self.env["product.product"].flush_model()
        self.env.execute_query(
            SQL(
                "UPDATE product_product SET write_date = write_date WHERE id = ANY(%s)",
                products.ids,
            )
        )

    @api.model
    def _serial_pending_receipts(
        self,
        serials,
        product,
        company,
        field="name",
        any_product=False,
        exclude_moves=None,
    ):
        """Where each of ``serials`` is already pending on an open receipt: returns
        ``{serial: stock.picking}`` (the first such receipt) for the serials found.

        A serial is pending on a receipt (an incoming transfer neither done nor
        cancelled) when one of its move lines, not done, carries it: as its unit
        (``lot_id``) or as a serial name still to create (``lot_name``). Receiving it
        twice makes validating the second receipt fail the first one, so capture and
        receive-by-scan refuse it up front, naming the receipt.

        :param serials: serial texts (iterable of str)
        :param product: the ``product.product`` received; with ``any_product`` a
            serial counts on a receipt of any product (serials unique company-wide)
        :param company: the ``res.company`` receiving
        :param field: ``"name"`` (our serial) or ``"manufacturer_serial"`` (matched
            on the units only: a line's ``lot_name`` is always our serial)
        :param exclude_moves: ``stock.move`` records whose lines do not count (the
            move being captured, which has its own message)

        One query for all serials.
        """
        assert field in ("name", "manufacturer_serial")
        serials = list({serial for serial in serials if serial})
        if not serials:
            return {}
        conditions = [
            SQL("picking.state NOT IN %s", CLOSED_STATES),
            SQL("line.state NOT IN %s", CLOSED_STATES),
            SQL("ptype.code = 'incoming'"),
            SQL("line.company_id = %s", company.id),
        ]
        if not any_product:
            conditions.append(SQL("line.product_id = %s", product.id))
        if exclude_moves:
            conditions.append(
                SQL("COALESCE(line.move_id, 0) <> ALL(%s)", list(exclude_moves.ids))
            )
        where = SQL(" AND ").join(conditions)
        by_lot_name = (
            SQL(
                " UNION ALL SELECT line.lot_name, line.picking_id"
                " FROM stock_move_line line"
                " JOIN stock_picking picking ON picking.id = line.picking_id"
                " JOIN stock_picking_type ptype ON ptype.id = picking.picking_type_id"
                " WHERE line.lot_id IS NULL AND line.lot_name = ANY(%s) AND %s",
                serials,
                where,
            )
            if field == "name"
            else SQL()
        )
        query = SQL(
            "SELECT DISTINCT ON (serial) serial, picking_id FROM ("
            " SELECT lot.%s AS serial, line.picking_id"
            " FROM stock_move_line line"
            " JOIN stock_lot lot ON lot.id = line.lot_id"
            " JOIN stock_picking picking ON picking.id = line.picking_id"
            " JOIN stock_picking_type ptype ON ptype.id = picking.picking_type_id"
            " WHERE lot.%s = ANY(%s) AND %s%s"
            ") found ORDER BY serial, picking_id",
            SQL.identifier(field),
            SQL.identifier(field),
            serials,
            where,
            by_lot_name,
        )
        self.env.flush_all()
        rows = self.env.execute_query(query)
        pickings = self.env["stock.picking"].sudo().browse({row[1] for row in rows})
        by_id = {picking.id: picking for picking in pickings}
        return {serial: by_id[picking_id] for serial, picking_id in rows}
