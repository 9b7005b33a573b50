import uuid
from datetime import datetime

import psycopg2.errors

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tools import SQL

from odoo.addons.serial_tracking.models.stock_lot import (
    BLOCKED_UNIT_STATES,
)
from odoo.addons.serial_tracking.tools.gs1 import (
    Gs1Error,
    decode,
    gtin_variants,
    looks_like_gs1,
)
from odoo.addons.serial_tracking.tools.text import (
    describe_characters,
    unprintable_characters,
)

from ..tools.scan_decision import Move, MoveLine, Refusal, Unit
from ..tools.scan_messages import refusal_message
from ..tools.scan_sql import (
    LOCKED_ROW,
    insert_row_sql,
    lock_picking_sql,
    moves_sql,
    products_sql,
    units_sql,
)

CODE_MAX_LENGTH = 256


class SerialScanService(models.AbstractModel):
    """The scan engine every scan flow runs on (dispatch, receive, transfer).

    A scan goes through the same steps whatever the flow (``docs/TECHNICAL.md``):

    1. ``_scan_clean_code``: the code is trimmed and refused if empty, too long or
       holding control characters;
    2. the flow locks its operation (a lock that never conflicts with another scan);
    3. ``_scan_resolve``: the resolvers ``_resolve_<kind>`` are tried in the flow's
       order (``_scan_kinds``); the first one that recognises the code answers a
       *match* ``{"kind", "units", "products", ...}``; a new scannable kind is one
       method;
    4. the flow decides with the plain functions of ``tools/scan_decision.py``;
    5. the flow writes the decision through the ORM and answers the screen.

    Refusals are :class:`~..tools.scan_decision.Refusal` (reason code + params),
    translated by ``_scan_refusal_message``.
    """

    _name = "serial.scan.service"
    _description = "Scan Engine"

    # Tried in this order; a flow may use a subset (see each flow's _scan_kinds).
    _scan_kinds = (
        "gs1",
        "serial",
        "manufacturer_serial",
        "product",
        "location",
        "package",
    )

    # --- step 1: the code

    @api.model
    def _scan_clean_code(self, code):
        code = (code or "").strip() if isinstance(code, str) else ""
        if not code:
            raise Refusal("empty")
        bad = unprintable_characters(code)
        if bad:
            raise Refusal("control_characters", chars=describe_characters(bad))
        if len(code) > CODE_MAX_LENGTH:
            raise Refusal("too_long", length=CODE_MAX_LENGTH)
        return code

    @api.model
    def _scan_start(self, record, code, scan_uid):
        """What every flow checks first: write access to ``record``'s model (the
        record rules are in the flow's lock query), the scan key when given;
        returns the code as an answer echoes it (trimmed, control characters
        escaped, at most ``CODE_MAX_LENGTH`` characters)."""
        record.browse().check_access("write")
        if scan_uid is not None:
            self._scan_check_key(scan_uid)
        raw = code if isinstance(code, str) else ""
        return raw.strip().encode("unicode_escape").decode()[:CODE_MAX_LENGTH]

    @api.model
    def _scan_check_key(self, scan_uid):
        if not isinstance(scan_uid, str) or not 8 <= len(scan_uid) <= 64:
            raise UserError(
                self.env._("A scan needs a scan key of 8 to 64 characters.")
            )
        if unprintable_characters(scan_uid, allowed=""):
            raise UserError(self.env._("A scan key holds printable characters only."))

    @api.model
    def _scan_check_user(self):
        if not self.env.user.has_group("stock.group_stock_user"):
            raise AccessError(self.env._("Only inventory users can scan operations."))

    # --- step 2: the operation's lock

    @api.model
    def _scan_lock_picking(self, picking, mode="share", scan_uid=None, serial=None):
        """Lock the operation's row and read what a scan needs of it in one query.

        ``mode="share"`` (scans): ``FOR SHARE``, which scans hold together, so two
        people scanning one big delivery never wait for or conflict with each other
        (nothing a scan writes is on this row); ``"update"`` (Rescan, Confirm,
        Deliver…): ``FOR NO KEY UPDATE``, which waits for the scans in flight.
        The user's record rules for writing the operation are part of the query: an
        operation they may not write is not locked, and ``check_access`` raises
        Odoo's usual error. ``previous`` is ``[picking_id, move_id]`` of the scan
        already recorded with ``scan_uid``. ``serial``: the code looked up as a
        serial name in the same round trip (``_resolve_serial`` then needs no
        query of its own: the most common scan costs one round trip less).
        """
        self.env.flush_all()
        lang = self.env.lang or "en_US"
        units = None
        if serial is not None:
            located = {**LOCKED_ROW, "lang": lang}
            units = units_sql(
                SQL("lot.name = %s", serial),
                located,
                moves_sql(located, SQL("lot.product_id")),
            )
        rows = self.env.execute_query_dict(
            lock_picking_sql(
                picking.id, scan_uid, self._scan_write_rules_sql(picking), mode, units
            )
        )
        if not rows:
            picking.check_access("write")
            raise MissingError(self.env._("This operation no longer exists."))
        info = rows[0]
        info["lang"] = lang
        self._scan_serial_units(info, serial)
        return info

    @api.model
    def _scan_lock_record(self, record, query, serial=None, savepoint=None):
        """For flows on another record than a transfer (a count, a quotation): run
        ``query``, which locks ``record``'s row (alias ``p``, the user's write rules
        from ``_scan_write_rules_sql`` in its WHERE) and reads what a scan needs;
        its row is the scan's ``info``, with no operation (``id`` None: a unit's
        ``moves`` stay empty) and the user's language. ``serial``: the code the
        query looked up as a serial (``_scan_serial_units``). ``savepoint``: run
        it in a new savepoint of that prefix (``_scan_in_savepoint``: a lock query
        that writes), named in ``info["savepoint"]``; None when a concurrent
        transaction's commit made it fail."""
        self.env.flush_all()
        if savepoint:
            savepoint, rows = self._scan_in_savepoint(query, savepoint)
            if rows is None:
                return None
        else:
            rows = self.env.execute_query_dict(query)
        if not rows:
            record.check_access("write")
            raise MissingError(self.env._("This record no longer exists."))
        info = {**rows[0], "id": None, "lang": self.env.lang or "en_US"}
        if savepoint:
            info["savepoint"] = savepoint
        self._scan_serial_units(info, serial)
        return info

    @staticmethod
    def _scan_serial_code(code):
        """The code a flow's lock looks up as a serial in its round trip: a plain
        code is most often one; a GS1 string never is (``_resolve_gs1`` reads it)."""
        return None if looks_like_gs1(code) else code

    @api.model
    def _scan_serial_units(self, info, serial):
        """With ``serial`` (the code the lock looked up as a serial), the lock's
        ``units`` (JSON rows of ``units_sql``, or of a flow's own lookup with its
        columns) become ``info["serial_units"]``, which ``_resolve_serial``
        answers from without a query."""
        if serial is not None:
            info["serial_units"] = (serial, self._scan_unit_rows(info.pop("units")))

    @api.model
    def _scan_write_rules_sql(self, picking):
        """The user's record rules for writing ``picking``'s model, as SQL on ``p``
        (kept with the rules' own cache key: every scan needs it)."""
        if self.env.su:
            return SQL("TRUE")
        Rule = self.env["ir.rule"]
        return self._scan_rules_sql(
            picking._name, tuple(Rule._compute_domain_context_values())
        )

    @tools.ormcache("self.env.uid", "model_name", "context_values")
    def _scan_rules_sql(self, model_name, context_values):
        """``_scan_write_rules_sql``, cached by the key of ``ir.rule``'s own
        ``_compute_domain`` cache (``context_values``: its context values), which
        the same changes clear (rules, groups)."""
        domain = self.env["ir.rule"]._compute_domain(model_name, "write")
        if not domain:
            return SQL("TRUE")
        Model = self.env[model_name].sudo().with_context(active_test=False)
        return SQL("p.id IN %s", Model._search(domain).subselect())

    # --- step 3: what the code names

    @api.model
    def _scan_resolve(self, code, info, kinds):
        """The first match of the resolvers ``kinds``, or refuse the unknown code."""
        for kind in kinds:
            match = getattr(self, f"_resolve_{kind}")(code, info)
            if match:
                return match
        raise Refusal("unknown_code", code=code)

    @staticmethod
    def _scan_no_unit_refusal(code, match, gs1=None):
        """The refusal of a code that names no unit: a GS1 serial not known, a
        product's own barcode (scan the unit's label), anything else unknown."""
        if gs1 and gs1.serial:
            return Refusal("unknown_code", serial=gs1.serial, gtin=gs1.gtin)
        if match["products"]:
            return Refusal(
                "product_barcode", product=match["products"][0]["product_name"]
            )
        return Refusal("unknown_code", code=code)

    @api.model
    def _resolve_gs1(self, code, info):
        """GS1 element string, HRI or Digital Link with a GTIN: its product (the
        GTIN in any of its legal forms, ``gtin_variants``) and its unit."""
        if not looks_like_gs1(code):
            return None
        try:
            gs1 = decode(code)
        except Gs1Error:
            return None
        if not gs1.gtin:
            return None
        products = self._scan_products(gtin_variants(gs1.gtin), info)
        units = []
        if gs1.serial and products:
            units = self._scan_units(
                SQL(
                    "lot.product_id = ANY(%(products)s) AND (lot.name = %(serial)s "
                    "OR lot.manufacturer_serial = %(serial)s)",
                    products=[product["id"] for product in products],
                    serial=gs1.serial,
                ),
                info,
            )
        return {"kind": "gs1", "gs1": gs1, "units": units, "products": products}

    @api.model
    def _resolve_serial(self, code, info):
        serial, units = info.get("serial_units") or (None, None)
        if serial != code:
            units = self._scan_units(SQL("lot.name = %s", code), info)
        return units and {"kind": "serial", "units": units, "products": []}

    @api.model
    def _resolve_manufacturer_serial(self, code, info):
        units = self._scan_units(SQL("lot.manufacturer_serial = %s", code), info)
        return units and {"kind": "serial", "units": units, "products": []}

    @api.model
    def _resolve_product(self, code, info):
        products = self._scan_products([code], info)
        return products and {"kind": "product", "units": [], "products": products}

    @api.model
    def _resolve_location(self, code, info):
        location = self.env["stock.location"].search(
            [
                ("barcode", "=", code),
                ("usage", "=", "internal"),
                ("company_id", "in", [info["company_id"], False]),
            ],
            limit=1,
        )
        return location and {"kind": "location", "location": location}

    @api.model
    def _resolve_package(self, code, info):
        package = self.env["stock.package"].search(
            [("name", "=", code), ("company_id", "in", [info["company_id"], False])],
            limit=1,
        )
        return package and {"kind": "package", "package": package}

    # --- the lookup queries

    @api.model
    def _scan_products(self, barcodes, info):
        """Products with one of ``barcodes``, each with the operation's open lines
        of it (``moves``: ``[[move_id, missing], ...]``)."""
        self.env["product.product"].flush_model(["barcode"])
        rows = self.env.execute_query_dict(
            products_sql(barcodes, info, self._scan_moves_sql(info, SQL("pp.id")))
        )
        for row in rows:
            row["moves"] = [Move(*move) for move in row["moves"] or []]
        return rows

    @api.model
    def _scan_moves_sql(self, info, product):
        """JSON array of the operation's open lines of ``product`` (SQL expression)
        with the quantity each still misses, in the operation's order."""
        return moves_sql(info, product)

    @api.model
    def _scan_units(self, where, info):
        """Serial units matching ``where`` (SQL on ``lot``) with everything a scan
        decides on, in one query: product, state, expiry, the operation's open
        lines of its product (``moves``), the operation an open scan holds it for
        (``scanned_on``), the open move lines carrying it (``lines``), the quant
        holding it under the operation's source location (``quant_*``).
        ``info["unit_columns"]``: more ``SQL`` select expressions (on ``lot``) the
        flow decides on.
        """
        self.env.flush_all()
        return self._scan_unit_rows(
            self.env.execute_query_dict(
                units_sql(
                    where, info, self._scan_moves_sql(info, SQL("lot.product_id"))
                )
            )
        )

    @api.model
    def _scan_unit_rows(self, rows):
        """``_scan_units``' rows with their ``moves`` and ``unit`` (also from the
        JSON of the lock query, whose dates are ISO strings)."""
        rows = rows or []
        for row in rows:
            for name in ("expiration_date", "removal_date"):
                if isinstance(row.get(name), str):  # removal: dispatch's lookup
                    row[name] = datetime.fromisoformat(row[name])
            row["moves"] = [Move(*move) for move in row["moves"] or []]
            row["unit"] = Unit(
                id=row["id"],
                name=row["name"],
                product_id=row["product_id"],
                unit_state=row["unit_state"],
                scanned_on=row["scanned_on"],
                quant_id=row["quant_id"],
                reserved_quantity=row["reserved_quantity"] or 0.0,
                expiration_date=row["expiration_date"],
                lines=tuple(MoveLine(*line) for line in row["lines"] or []),
            )
        return rows

    # --- writes

    @api.model
    def _scan_insert_row(self, query):
        """Run a scan row's ``INSERT ... ON CONFLICT DO NOTHING RETURNING id``: the
        new id, or ``None`` when another scan holds the row's unique key. The loser
        of a race for that key waits for the other transaction; when it commits,
        PostgreSQL raises a serialization failure (the row is not in this
        snapshot), caught in a savepoint: that is the answer, nothing is retried.

        The savepoint and the insert go in one round trip and the savepoint is not
        released (the transaction's end or an enclosing savepoint's release does
        it): a scan's write costs one query instead of three."""
        rows = self._scan_in_savepoint(query)[1]
        return rows[0]["id"] if rows else None

    @api.model
    def _scan_in_savepoint(self, query, prefix="scan_insert"):
        """``(savepoint, rows)``: ``query`` run in a new savepoint opened by the
        same round trip (left open, see ``_scan_insert_row``), its rows as dicts;
        ``rows`` is ``None`` when a concurrent transaction's commit made it fail
        with a serialization failure (rolled back to the savepoint). Any other
        database error is raised."""
        cr = self.env.cr
        savepoint = SQL.identifier(f"{prefix}_{uuid.uuid4().hex}")
        try:
            cr.execute(SQL("SAVEPOINT %s; %s", savepoint, query), log_exceptions=False)
            return savepoint, cr.dictfetchall()
        except psycopg2.Error as error:
            cr.execute(SQL("ROLLBACK TO SAVEPOINT %s", savepoint))
            if not isinstance(error, psycopg2.errors.SerializationFailure):
                raise
            return savepoint, None

    @api.model
    def _scan_insert_values(self, model, values):
        """``_scan_insert_row`` of a row of ``model`` holding ``values`` (column
        names to values) and the audit columns; the model's cache is dropped."""
        insert = insert_row_sql(self.env[model]._table, values, self.env.uid)
        row_id = self._scan_insert_row(SQL("%s RETURNING id", insert))
        self.env[model].invalidate_model()
        return row_id

    # --- answers

    @api.model
    def _scan_now(self):
        return fields.Datetime.now()

    @api.model
    def _scan_blocked_states(self):
        return BLOCKED_UNIT_STATES

    @api.model
    def _scan_refusal_message(self, refusal, nouns, flow_messages=None):
        """The translated message of a refusal (``tools/scan_messages.py``)."""
        return refusal_message(self.env, refusal, nouns, flow_messages)
