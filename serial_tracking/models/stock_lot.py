from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

from ..tools import bulk_insert, gs1

UNIT_STATES = [
    ("draft", "Not received"),
    ("in_stock", "In stock"),
    ("reserved", "Reserved"),
    ("delivered", "Delivered"),
    ("returned", "Returned"),
    ("scrapped", "Scrapped"),
    ("consumed", "Consumed"),
    ("quarantined", "Quarantined"),
    ("recalled", "Recalled"),
]
# Set by quality decisions (quarantine, recall), never by stock moves; such units are
# blocked: no flow may reserve, scan or ship them. The one list of them.
BLOCKED_UNIT_STATES = ("quarantined", "recalled")
# States of a move, move line or transfer that no flow changes any more.
CLOSED_STATES = ("done", "cancel")
# Location usages that are our stock: a unit there is in stock (or reserved).
INTERNAL_USAGES = ("internal", "transit")
# Where a unit that left our stock ended, by the usage of its last destination.
STATE_BY_EXIT_USAGE = {
    "customer": "delivered",
    "supplier": "delivered",
    "inventory": "scrapped",
    "production": "consumed",
}
HOLDER_USAGES = ("customer", "supplier")
# Fields of a unit an API answer carries, as ``read`` gives them.
API_UNIT_FIELDS = (
    "name",
    "product_id",
    "company_id",
    "unit_state",
    "customer_id",
    "location_id",
    "batch_id",
    "manufacturer_serial",
    "receipt_date",
    "manufacture_date",
    "delivery_date",
    "warranty_end_date",
    "expiration_date",
)
API_EVENT_FIELDS = (
    "date",
    "event_type",
    "location_id",
    "location_dest_id",
    "partner_id",
    "picking_id",
    "reference",
    "description",
)
API_MAX_LIMIT = 1000


# Units inserted per INSERT statement by _serial_bulk_create.
META_FIELDS = ("id", "create_uid", "create_date", "write_uid", "write_date")
# The overrides of stock.lot.create that _serial_create_as_odoo reproduces.
ODOO_LOT_CREATE = (
    "odoo.addons.stock.models.stock_lot",
    "odoo.addons.stock_account.models.stock_lot",
    "odoo.addons.mail.models.mail_thread",
    "odoo.orm.models",
)
# mail.thread hooks of a creation whose default behaviour it relies on.
MAIL_DEFAULTS = (
    "_creation_message",
    "_creation_subtype",
    "_message_auto_subscribe_followers",
    "_message_log_batch",
)


class StockLot(models.Model):
    _inherit = "stock.lot"

    # Computed before the INSERT, for all new units at once. Computed after it (Odoo's
    # default), every batch of 1,000 units recomputed at flush checks the unique-serial
    # constraint, whose query flushes and so recomputes the next batch inside: one
    # level of Python recursion per 1,000 units, a RecursionError when a receipt of
    # 100,000 serials is validated.
    company_id = fields.Many2one(
        compute="_compute_company_id", store=True, readonly=False, precompute=True
    )

    unit_state = fields.Selection(
        UNIT_STATES,
        "Unit Status",
        default="draft",
        required=True,
        index=True,
        readonly=True,
        copy=False,
        help="Lifecycle of a serial unit, kept up to date by its stock moves. "
        "Quarantined and recalled are set by quality decisions only.",
    )
    customer_id = fields.Many2one(
        "res.partner",
        "Held by",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="The customer (or vendor, for a unit returned to it) that has the unit.",
    )
    receipt_date = fields.Datetime(
        copy=False, help="When the unit first entered stock."
    )
    manufacture_date = fields.Date(
        compute="_compute_manufacture_date", store=True, readonly=False, copy=False
    )
    delivery_date = fields.Datetime(
        readonly=True,
        copy=False,
        help="When the unit was last delivered to a customer.",
    )
    warranty_end_date = fields.Date(
        "Warranty End",
        compute="_compute_warranty_end_date",
        store=True,
        index="btree_not_null",
    )
    manufacturer_serial = fields.Char(
        index="trigram",
        copy=False,
        help="The serial number its manufacturer gave the unit.",
    )
    handling_instructions = fields.Text(
        help="Shown on every operation that moves this unit."
    )
    batch_id = fields.Many2one(
        "serial.batch",
        index="btree_not_null",
        check_company=True,
        domain="[('product_id', '=', product_id)]",
    )
    event_ids = fields.One2many("serial.event", "lot_id", "Timeline")
    event_count = fields.Integer(compute="_compute_event_count")
    tracking = fields.Selection(related="product_id.tracking")
    serial_code = fields.Char(
        "Serial, Manufacturer Serial or GS1 Barcode",
        compute="_compute_serial_code",
        search="_search_serial_code",
    )

    @api.depends("batch_id.manufacture_date")
    def _compute_manufacture_date(self):
        for lot in self:
            if lot.batch_id.manufacture_date:
                lot.manufacture_date = lot.batch_id.manufacture_date
            elif not lot.manufacture_date:
                lot.manufacture_date = False

    @api.depends("product_id", "batch_id.expiration_date")
    def _compute_expiration_date(self):
        with_batch = self.filtered(lambda lot: lot.batch_id.expiration_date)
        for lot in with_batch:
            lot.expiration_date = lot.batch_id.expiration_date
        return super(StockLot, self - with_batch)._compute_expiration_date()

    @api.depends("delivery_date", "product_id.product_tmpl_id.warranty_months")
    def _compute_warranty_end_date(self):
        for lot in self:
            months = lot.product_id.product_tmpl_id.warranty_months
            lot.warranty_end_date = (
                lot.delivery_date.date() + relativedelta(months=months)
                if lot.delivery_date and months
                else False
            )

    @api.depends("event_ids")
    def _compute_event_count(self):
        # Only the unit form shows it, next to the timeline that loads the events.
        for lot in self:
            lot.event_count = len(lot.event_ids)

    def _compute_serial_code(self):
        for lot in self:
            lot.serial_code = lot.name

    def _search_serial_code(self, operator, value):
        if operator not in ("ilike", "=", "=ilike", "like") or not isinstance(
            value, str
        ):
            return NotImplemented
        return self._serial_code_domain(value, operator)

    @api.model
    def _serial_code_domain(self, code, operator="ilike"):
        """Units matching a typed or scanned code: serial, manufacturer serial, or a GS1
        barcode (HRI, raw element string, Digital Link) carrying GTIN + serial."""
        code = code.strip()
        domain = Domain("name", operator, code) | Domain(
            "manufacturer_serial", operator, code
        )
        if gs1.looks_like_gs1(code):
            try:
                data = gs1.decode(code)
            except gs1.Gs1Error:
                return domain
            if data.serial:
                gs1_domain = Domain("name", "=", data.serial) | Domain(
                    "manufacturer_serial", "=", data.serial
                )
                if data.gtin:
                    gs1_domain &= Domain(
                        "product_id.barcode", "in", gs1.gtin_variants(data.gtin)
                    )
                domain |= gs1_domain
        return domain

    def _search_display_name(self, operator, value):
        domain = super()._search_display_name(operator, value)
        if (
            operator in ("ilike", "=", "=ilike", "like")
            and isinstance(value, str)
            and value
        ):
            domain |= self._serial_code_domain(value, operator)
        return domain

    @api.constrains("manufacturer_serial", "product_id")
    def _check_unique_manufacturer_serial(self):
        lots = self.filtered("manufacturer_serial")
        if not lots:
            return
        groups = self.sudo()._read_group(
            [
                ("product_id", "in", lots.product_id.ids),
                ("manufacturer_serial", "in", lots.mapped("manufacturer_serial")),
            ],
            ["product_id", "manufacturer_serial"],
            ["__count"],
            having=[("__count", ">", 1)],
        )
        if groups:
            lines = "\n".join(
                self.env._(
                    " - Product: %(product)s, manufacturer serial: %(serial)s",
                    product=product.display_name,
                    serial=serial,
                )
                for product, serial, _count in groups
            )
            raise ValidationError(
                self.env._(
                    "A manufacturer serial can belong to only one unit of a product. "
                    "These are used twice:\n%(lines)s",
                    lines=lines,
                )
            )

    def write(self, vals):
        renamed = self.browse()
        if "name" in vals:
            renamed = self.filtered(lambda lot: lot.name != vals["name"])
            old_names = {lot.id: lot.name for lot in renamed}
        res = super().write(vals)
        renamed._log_events(
            "relabelled",
            values_by_lot={
                lot.id: {
                    "description": self.env._(
                        "%(old)s relabelled as %(new)s",
                        old=old_names[lot.id],
                        new=lot.name,
                    )
                }
                for lot in renamed
            },
        )
        return res

    def unlink(self):
        return super(StockLot, self.with_context(serial_unit_unlink=True)).unlink()

    # -- external API (JSON-2): public, read-only; rights and rules apply ------

    @api.model
    @api.readonly
    def lookup_units(
        self, serial=None, gtin=None, manufacturer_serial=None, code=None, limit=80
    ):
        """Serial units by exact serial, GTIN + serial, manufacturer serial, or any
        code a label carries (``code``: serial, manufacturer serial or GS1 barcode,
        as the unit search box reads it). Criteria given together must all match.

        Returns a list of dicts (``id`` and :data:`API_UNIT_FIELDS`, relations as
        ``[id, name]``), at most ``limit`` (at most 1000), ordered by id.
        """
        domain = Domain("product_id.tracking", "=", "serial")
        if serial:
            domain &= Domain("name", "=", serial)
        if manufacturer_serial:
            domain &= Domain("manufacturer_serial", "=", manufacturer_serial)
        if gtin:
            gtin14 = str(gtin).strip().zfill(14)
            if not (gtin14.isdigit() and len(gtin14) == 14):
                raise UserError(
                    self.env._("%(gtin)s is not a GTIN (8 to 14 digits).", gtin=gtin)
                )
            domain &= Domain("product_id.barcode", "in", gs1.gtin_variants(gtin14))
        if code:
            domain &= self._serial_code_domain(code, operator="=")
        if not (serial or gtin or manufacturer_serial or code):
            raise UserError(
                self.env._(
                    "Give a serial, a GTIN and serial, a manufacturer serial or a code."
                )
            )
        if gtin and not (serial or manufacturer_serial or code):
            raise UserError(
                self.env._("A GTIN names a product, not a unit: give its serial too.")
            )
        if not isinstance(limit, int) or not 0 < limit <= API_MAX_LIMIT:
            raise UserError(
                self.env._(
                    "limit must be a whole number from 1 to %(max)s.", max=API_MAX_LIMIT
                )
            )
        units = self.search(domain, limit=limit, order="id")
        return units.read(list(API_UNIT_FIELDS))

    @api.readonly
    def unit_history(self):
        """The timeline of each unit of ``self``, oldest event first: a list of
        ``{"id", "name", "product_id", "events": [...]}`` (events as
        :data:`API_EVENT_FIELDS`)."""
        self.check_access("read")
        events = self.env["serial.event"].search(
            [("lot_id", "in", self.ids)], order="date, id"
        )
        by_lot = {lot.id: [] for lot in self}
        for event, values in zip(
            events, events.read(list(API_EVENT_FIELDS)), strict=True
        ):
            by_lot[event.lot_id.id].append(values)
        return [
            {
                "id": lot.id,
                "name": lot.name,
                "product_id": [lot.product_id.id, lot.product_id.display_name],
                "events": by_lot[lot.id],
            }
            for lot in self
        ]

    def action_view_events(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "serial_tracking.serial_event_action"
        )
        action["domain"] = [("lot_id", "=", self.id)]
        action["context"] = {"default_lot_id": self.id, "default_event_type": "note"}
        return action

    def action_log_note(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Add a note to %(unit)s", unit=self.display_name),
            "res_model": "serial.event",
            "view_mode": "form",
            "views": [
                (self.env.ref("serial_tracking.serial_event_view_form_note").id, "form")
            ],
            "target": "new",
            "context": {"default_lot_id": self.id, "default_event_type": "note"},
        }

    def action_quarantine(self):
        self._check_quality_rights()
        self._set_sticky_state("quarantined", "quarantined")

    def action_release_quarantine(self):
        self._check_quality_rights()
        not_quarantined = self.filtered(lambda lot: lot.unit_state != "quarantined")
        if not_quarantined:
            raise UserError(
                self.env._(
                    "Only quarantined units can be released: %(units)s",
                    units=", ".join(not_quarantined.mapped("display_name")),
                )
            )
        self._log_events("released")
        self.with_context(serial_release=True)._write_unit_values(
            {lot.id: {"unit_state": "in_stock"} for lot in self}
        )
        self._refresh_unit_state()

    def _serial_block_messages(self):
        """Why units of ``self`` cannot leave the warehouse: ``{lot_id: message}`` for
        every unit whose state is blocked (``BLOCKED_UNIT_STATES``), a translated
        sentence naming the serial. Units absent from the result may go.

        The one question every exit asks (Odoo's delivery validation, the dispatch
        screen, the scan flows); addons that block units for a reason of their own
        (a recall) override it to name that reason, calling super for the others.
        """
        blocked = self.filtered(lambda lot: lot.unit_state in BLOCKED_UNIT_STATES)
        if not blocked:
            return {}
        labels = dict(self._fields["unit_state"]._description_selection(self.env))
        return {
            lot.id: self.env._(
                "Serial %(serial)s is %(state)s and cannot leave the warehouse.",
                serial=lot.name,
                state=labels[lot.unit_state].lower(),
            )
            for lot in blocked
        }

    def _check_quality_rights(self):
        if not self.env.user.has_group("stock.group_stock_manager"):
            raise AccessError(
                self.env._(
                    "Only inventory administrators can quarantine or release units."
                )
            )

    def _set_sticky_state(self, state, event_type, description=False):
        """Quarantine or recall units: a quality decision recorded on their timeline."""
        self._log_events(event_type, description=description)
        self._write_unit_values({lot.id: {"unit_state": state} for lot in self})

    def _log_events(self, event_type, values_by_lot=None, **values):
        """One timeline event per unit of ``self``, in a single create: the door every
        event that is not a stock move's goes through (moves log theirs at validation,
        see ``stock.move.line._serial_log_done_events``). ``values`` go on every
        event, ``values_by_lot`` (by unit id) on one unit's."""
        values_by_lot = values_by_lot or {}
        # Timeline events are system records: only notes may be added by hand.
        return (
            self.env["serial.event"]
            .sudo()
            .create(
                [
                    {
                        **values,
                        **values_by_lot.get(lot.id, {}),
                        "lot_id": lot.id,
                        "event_type": event_type,
                    }
                    for lot in self
                ]
            )
        )

    def _refresh_unit_state(self):
        """Derive state, holder and dates of serial units from quants and done moves.

        Set-based: three queries for all units, one ``write`` per distinct values.
        Quarantined and recalled units keep their state (holder and dates move).
        """
        lots = self.exists().filtered(lambda lot: lot.product_id.tracking == "serial")
        if not lots:
            return
        # flush only what the query reads (a full flush would recompute unrelated fields
        # in the middle of a validation)
        self.env["stock.quant"].flush_model(["lot_id", "location_id", "quantity"])
        self.env["stock.move.line"].flush_model(
            ["lot_id", "state", "quantity", "date", "location_id", "location_dest_id"]
        )
        self.env["stock.move"].flush_model(["partner_id"])
        self.env["stock.picking"].flush_model(["partner_id"])
        self.env["stock.location"].flush_model(["usage"])
        # Three independent queries keyed by unit, combined in Python: joining them in
        # SQL let stale statistics pick nested loops over thousands of units.
        ids = lots.ids
        in_stock = dict(
            self.env.execute_query(
                SQL(
                    """
                SELECT q.lot_id, SUM(q.quantity) > 0
                  FROM stock_quant q
                  JOIN stock_location l ON l.id = q.location_id
                 WHERE q.lot_id = ANY(%(ids)s) AND l.usage IN %(internal)s
              GROUP BY q.lot_id
                """,
                    ids=ids,
                    internal=INTERNAL_USAGES,
                )
            )
        )
        reserved = {
            lot_id
            for (lot_id,) in self.env.execute_query(
                SQL(
                    """
                SELECT DISTINCT ml.lot_id
                  FROM stock_move_line ml
                  JOIN stock_location l ON l.id = ml.location_id
                 WHERE ml.lot_id = ANY(%(ids)s) AND ml.state NOT IN %(closed)s
                   AND ml.quantity > 0 AND l.usage IN %(internal)s
                    """,
                    ids=ids,
                    closed=CLOSED_STATES,
                    internal=INTERNAL_USAGES,
                )
            )
        }
        # Done moves that cross the border of our stock (in or out), summed up per unit.
        history = {
            row[0]: row[1:]
            for row in self.env.execute_query(
                SQL(
                    """
                WITH moves AS (
                    SELECT ml.lot_id, date_trunc('second', ml.date) AS date, ml.id,
                           src.usage AS src_usage, dst.usage AS dst_usage,
                           dst.usage IN %(internal)s AS inward,
                           COALESCE(p.partner_id, m.partner_id) AS partner_id
                      FROM stock_move_line ml
                      JOIN stock_move m ON m.id = ml.move_id
                 LEFT JOIN stock_picking p ON p.id = ml.picking_id
                      JOIN stock_location src ON src.id = ml.location_id
                      JOIN stock_location dst ON dst.id = ml.location_dest_id
                     WHERE ml.lot_id = ANY(%(ids)s)
                       AND ml.state = 'done' AND ml.quantity > 0
                       AND (src.usage IN %(internal)s) != (dst.usage IN %(internal)s)
                )
                SELECT lot_id,
                       (ARRAY_AGG(src_usage ORDER BY date DESC, id DESC)
                            FILTER (WHERE inward))[1],
                       (ARRAY_AGG(dst_usage ORDER BY date DESC, id DESC)
                            FILTER (WHERE NOT inward))[1],
                       (ARRAY_AGG(partner_id ORDER BY date DESC, id DESC)
                            FILTER (WHERE NOT inward))[1],
                       MIN(date) FILTER (WHERE inward),
                       MAX(date) FILTER (WHERE dst_usage = 'customer')
                  FROM moves
              GROUP BY lot_id
                    """,
                    ids=ids,
                    internal=INTERNAL_USAGES,
                )
            )
        }
        values = {}
        for lot_id in ids:
            in_usage, out_usage, partner_id, received, delivered = history.get(
                lot_id, (None,) * 5
            )
            if in_stock.get(lot_id):
                if lot_id in reserved:
                    state = "reserved"
                else:
                    state = "returned" if in_usage == "customer" else "in_stock"
                holder = False
            elif out_usage:
                state = STATE_BY_EXIT_USAGE.get(out_usage, "delivered")
                holder = partner_id if out_usage in HOLDER_USAGES else False
            else:
                state, holder = "draft", False
            values[lot_id] = {
                "unit_state": state,
                "customer_id": holder or False,
                "receipt_date": received,
                "delivery_date": delivered,
            }
        lots._write_unit_values(values)

    @api.model
    def _unit_state_reservation_sql(self, reserved_id, released_id, where=None):
        """SQL that updates unit states after one reservation moved from the unit
        ``released_id`` to the unit ``reserved_id`` (a scanner swapping serials),
        as ``_refresh_unit_state`` would derive them, restricted to what a reservation
        changes (holder and dates come from done moves, which a reservation does not
        touch): the reserved unit becomes reserved; the released one, if nothing else
        reserves it, is in stock again, or returned when it last came in from a
        customer. Quarantined and recalled units keep their state. ``where`` (SQL)
        is an extra condition both statements need.

        For the hot path of a scan: the general refresh costs more than the whole
        scan. Callers run it after the move line and quants are written, then
        invalidate ``unit_state`` of both units. ``test_refresh_agrees_with_reservation
        _sql`` checks both derivations agree.
        """
        where = where or SQL("TRUE")
        return SQL(
            """
            UPDATE stock_lot
               SET unit_state = 'reserved', write_uid = %(user)s,
                   write_date = NOW() AT TIME ZONE 'UTC'
             WHERE id = %(reserved)s AND %(where)s
               AND unit_state != 'reserved' AND unit_state NOT IN %(blocked)s;
            UPDATE stock_lot lot
               SET unit_state = CASE WHEN (
                       SELECT src.usage
                         FROM stock_move_line ml
                         JOIN stock_location src ON src.id = ml.location_id
                         JOIN stock_location dst ON dst.id = ml.location_dest_id
                        WHERE ml.lot_id = lot.id AND ml.state = 'done'
                          AND ml.quantity > 0
                          AND dst.usage IN %(internal)s
                          AND src.usage NOT IN %(internal)s
                     ORDER BY date_trunc('second', ml.date) DESC, ml.id DESC
                        LIMIT 1) = 'customer' THEN 'returned' ELSE 'in_stock' END,
                   write_uid = %(user)s, write_date = NOW() AT TIME ZONE 'UTC'
             WHERE lot.id = %(released)s AND lot.unit_state = 'reserved'
               AND %(where)s
               AND NOT EXISTS (
                   SELECT 1
                     FROM stock_move_line ml
                     JOIN stock_location l ON l.id = ml.location_id
                    WHERE ml.lot_id = lot.id AND ml.quantity > 0
                      AND ml.state NOT IN %(closed)s
                      AND l.usage IN %(internal)s);
            """,
            reserved=reserved_id,
            released=released_id,
            where=where,
            user=self.env.uid,
            blocked=BLOCKED_UNIT_STATES,
            closed=CLOSED_STATES,
            internal=INTERNAL_USAGES,
        )

    def _write_unit_values(self, values_by_lot):
        """Write per-unit values, one ``write`` per distinct set of changed values."""
        groups = defaultdict(list)
        for lot in self:
            vals = dict(values_by_lot.get(lot.id, {}))
            if lot.unit_state in BLOCKED_UNIT_STATES and not self.env.context.get(
                "serial_release"
            ):
                vals.pop("unit_state", None)
            if vals.get("receipt_date") is None:
                vals.pop("receipt_date", None)
            if vals.get("delivery_date") is None:
                vals.pop("delivery_date", None)
            changed = {
                fname: value
                for fname, value in vals.items()
                if _plain(lot[fname]) != value
            }
            if changed:
                groups[tuple(sorted(changed.items()))].append(lot.id)
        for vals, lot_ids in groups.items():
            self.browse(lot_ids).write(dict(vals))

    # ----------------------------------------------------------------------------

    @api.constrains("name", "product_id", "company_id")
    def _check_unique_lot(self):
        if self.env.context.get("serial_unique_checked"):
            # _serial_bulk_create checked Odoo's rule with one SQL query already.
            return None
        return super()._check_unique_lot()

    @api.model
    def _serial_bulk_create(self, vals_list):
        """Create many units fast; same result as ``create(vals_list)`` with tracking
        off.

        Units whose values differ only by ``name`` share one prototype: the ORM computes
        its defaults and stored computed fields once (``new()``), then every row goes in
        with one ``INSERT ... SELECT unnest(...)`` per batch. Access rights, company
        consistency (once per prototype) and the constraints on the written fields
        (serial uniqueness…) are checked like ``create`` does, on the whole set at once.
        """
        if not vals_list:
            return self.browse()
        self.check_access("create")
        lots_env = self.with_context(
            tracking_disable=True, mail_create_nolog=True, mail_notrack=True
        )
        columns = [
            name
            for name, field in self._fields.items()
            if field.store and field.column_type and name not in META_FIELDS
        ]
        prototypes = {}
        rows = []
        name_index = columns.index("name")
        for vals in vals_list:
            key = tuple(sorted((k, v) for k, v in vals.items() if k != "name"))
            proto = prototypes.get(key)
            if proto is None:
                record = lots_env.new({**dict(key), "name": "-"})
                record._check_company()
                stored = record._convert_to_write(
                    {name: record[name] for name in columns}
                )
                proto = prototypes[key] = [
                    self._fields[name].convert_to_column_insert(
                        stored[name], self, stored
                    )
                    for name in columns
                ]
            row = list(proto)
            row[name_index] = vals["name"]
            rows.append(row)
        # Columns NULL in every row are left out (no column default either).
        keep = [
            i
            for i in range(len(columns))
            if i == name_index
            or any(proto[i] is not None for proto in prototypes.values())
        ]
        names = [columns[i] for i in keep]
        # Inverse caches (e.g. a batch's units) are updated as after Odoo's create.
        lots = bulk_insert.insert_rows(self, columns, keep, rows)
        ids = lots.ids
        # Dependents elsewhere learn about the new units; the units' own computed
        # columns were computed on their prototype already and must not be again.
        with self.env.protecting([self._fields[name] for name in columns], lots):
            lots.modified(names, create=True)
        self._serial_check_unique_sql(ids)
        lots.with_context(serial_unique_checked=True)._validate_fields(names)
        lots.check_access("create")
        return lots

    def _serial_check_unique_sql(self, ids):
        """Odoo's ``_check_unique_lot`` for the units ``ids`` in one query: a serial is
        unique per product within a company, and a unit without company clashes with
        every company's. One hash aggregate over the units of the products
        concerned: a join on (product, name) with the new units let stale statistics
        (the units inserted by this transaction) pick a nested loop, quadratic."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT lot.name
                  FROM stock_lot lot
                 WHERE lot.product_id = ANY(ARRAY(
                        SELECT DISTINCT product_id FROM stock_lot
                         WHERE id = ANY(%(ids)s)))
                 GROUP BY lot.product_id, lot.name
                HAVING count(*) > 1
                   AND bool_or(lot.id = ANY(%(ids)s))
                   AND (count(DISTINCT lot.company_id) < count(*)
                        OR bool_or(lot.company_id IS NULL))
                 LIMIT 20
                """,
                ids=list(ids),
            )
        )
        if rows:
            raise ValidationError(
                self.env._(
                    "The combination of lot/serial number and product must be unique "
                    "within a company including when no company is defined.\n"
                    "The following serial numbers are duplicates:\n%(lines)s",
                    lines="\n".join(f" - {name}" for (name,) in rows),
                )
            )

    # ---- Odoo's create of units, in bulk -------------------------------------------
    @api.model
    def _serial_can_create_as_odoo(self):
        """Whether :meth:`_serial_create_as_odoo` gives what ``create`` gives here:
        the only overrides of ``stock.lot.create`` are Odoo's own ones that it
        reproduces (stock, mail.thread, stock_account), with mail.thread's default
        creation note and no auto-subscription of followers."""
        for cls in type(self).__mro__:
            if "create" in vars(cls) and cls.__module__ not in ODOO_LOT_CREATE:
                return False
        for name in MAIL_DEFAULTS:
            owner = next(cls for cls in type(self).__mro__ if name in vars(cls))
            if owner.__module__ != "odoo.addons.mail.models.mail_thread":
                return False
        if "user_id" in self._fields:
            return False
        relation = self.env["mail.message.subtype"]._get_auto_subscription_subtypes(
            self._name
        )[4]
        return not relation

    @api.model
    def _serial_create_as_odoo(self, vals_list):
        """``create(vals_list)`` as Odoo's overrides make it, rows inserted in bulk by
        :meth:`_serial_bulk_create` (only when :meth:`_serial_can_create_as_odoo`):

        - stock: ``_check_create`` (the operation type may create serials); the
          creator is not subscribed (stock creates units with
          ``mail_create_nosubscribe``);
        - mail.thread: unless ``tracking_disable`` or ``mail_create_nolog``, each
          unit gets Odoo's creation note (:meth:`_serial_log_creation`);
        - stock_account: units of products valued by serial take the product's
          cost;
        - the stored computed fields that are not precomputed are computed again
          afterwards, as the ORM computes them after create's overrides.
        """
        ctx = self.env.context
        product_ids = {vals.get("product_id") for vals in vals_list}
        product_ids.add(ctx.get("default_product_id"))
        self.with_context(lot_product_ids=product_ids)._check_create()
        lots = self._serial_bulk_create(vals_list)
        if not (ctx.get("tracking_disable") or ctx.get("mail_create_nolog")):
            lots._serial_log_creation()
        if "lot_valuated" in self.env["product.product"]._fields:
            for product, product_lots in lots.grouped("product_id").items():
                if product.lot_valuated:
                    unpriced = product_lots.filtered(lambda lot: not lot.standard_price)
                    unpriced.with_context(disable_auto_revaluation=True).write(
                        {"standard_price": product.standard_price}
                    )
        # The ORM computes the stored fields that are not precomputed after create's
        # overrides (at flush): so here, over the prototype's values.
        given = set().union(*vals_list)
        for field in self._fields.values():
            if (
                field.store
                and field.compute
                and not field.precompute
                and field.name not in given
            ):
                self.env.add_to_compute(field, lots)
        return lots

    def _serial_log_creation(self):
        """mail.thread's creation note on every unit of ``self``: the first one by
        Odoo's own ``_message_log_batch``, the others as copies of its row that
        differ only by record and message id (the note is the same for every
        unit), in one ``INSERT ... SELECT`` (mail_message), then the caches of the
        units' messages are invalidated and the ORM told of the new rows."""
        if not self:
            return self.env["mail.message"]
        first = self[:1]
        prototype = first._message_log_batch(
            bodies={first.id: first._creation_message()}
        )
        rest = self[1:]
        if not rest:
            return prototype
        Message = self.env["mail.message"]
        Message.flush_model()
        columns = [
            name
            for name, field in Message._fields.items()
            if field.store
            and field.column_type
            and name not in ("id", "res_id", "message_id")
        ]
        ids = [
            row[0]
            for row in self.env.execute_query(
                SQL(
                    """
                    INSERT INTO mail_message (res_id, message_id, %(columns)s)
                    SELECT v.res_id, v.message_id, %(copied)s
                      FROM mail_message m,
                           unnest(%(res_ids)s::int[], %(message_ids)s::varchar[])
                           AS v(res_id, message_id)
                     WHERE m.id = %(prototype)s
                     ORDER BY v.res_id
                    RETURNING id
                    """,
                    columns=SQL(", ").join(SQL.identifier(name) for name in columns),
                    copied=SQL(", ").join(
                        SQL.identifier("m", name) for name in columns
                    ),
                    res_ids=rest.ids,
                    message_ids=[
                        generate_tracking_message_id("message-notify") for _lot in rest
                    ],
                    prototype=prototype.id,
                )
            )
        ]
        messages = Message.browse(ids)
        self.invalidate_recordset(["message_ids"])
        messages.modified(["res_id", "model", *columns], create=True)
        return prototype | messages


def _plain(value):
    """A field value as raw SQL gives it (records by id, empty as False)."""
    if isinstance(value, models.BaseModel):
        return value.id or False
    return value or False
