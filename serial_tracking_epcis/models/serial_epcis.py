import uuid

from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL, ormcache

from ..tools import epcis

# Rows fetched at a time while streaming: memory stays constant whatever the export.
CHUNK = 5000
# PostgreSQL's memory for sorting an export's events by id (its own, per export)
EXPORT_WORK_MEM = "64MB"
READER_GROUPS = ("stock.group_stock_user", "account.group_account_readonly")


class SerialEpcis(models.AbstractModel):
    """EPCIS 2.0 events of serial units, read in keyset chunks.

    Events are the unit's commissioning (kind 0, one per unit, at its creation)
    and its timeline (kind 1, ``serial.event``), in the order ``(kind, id)``: the
    paging key of the query endpoint. Access: inventory or accounting users;
    record rules of ``stock.lot`` and ``serial.event`` (multi-company) apply.
    """

    _name = "serial.epcis"
    _description = "EPCIS 2.0 events of serial units"

    @api.model
    def _check_reader(self):
        if not any(self.env.user.has_group(group) for group in READER_GROUPS):
            raise AccessError(
                self.env._("Only inventory and accounting users can read EPCIS events.")
            )

    @api.model
    def _events_sql(
        self,
        lot_ids=None,
        batch_ids=None,
        date_from=None,
        date_to=None,
        biz_steps=None,
        lot_domain=None,
    ):
        """A function ``(after, limit) -> SQL`` of the events' rows matching the
        filters (``lot_domain``: a domain of ``stock.lot`` the units must match),
        keyed ``(kind, id)`` after ``after``; its ``part(kind, after_id, limit)``
        gives the rows of one kind (see ``_iter_rows``), ``kinds`` which. The
        record rules are applied here, with the caller's user: the SQL can run on
        any cursor."""
        self._check_reader()
        types = [
            event_type
            for event_type, (_a, step, _d) in epcis.EVENT_MAP.items()
            if not biz_steps or step in biz_steps
        ]
        units = Domain("product_id.tracking", "=", "serial")
        if lot_ids is not None:
            units &= Domain("id", "in", list(lot_ids))
        if batch_ids is not None:
            units &= Domain("batch_id", "in", list(batch_ids))
        if lot_domain is not None:
            units &= Domain(lot_domain)
        Lot = self.env["stock.lot"]
        Event = self.env["serial.event"]
        Lot.check_access("read")
        Event.check_access("read")
        commission_domain = units
        event_domain = Domain("event_type", "in", types)
        # (timeline events are only ever logged for units tracked by serial)
        if date_from:
            commission_domain &= Domain("create_date", ">=", date_from)
            event_domain &= Domain("date", ">=", date_from)
        if date_to:
            commission_domain &= Domain("create_date", "<", date_to)
            event_domain &= Domain("date", "<", date_to)
        commission_query = (
            Lot._search(commission_domain) if "commissioned" in types else None
        )
        event_query = Event._search(event_domain)
        # the units' serials and products come with the join that restricts the
        # events to them: no lookup of the unit per event
        lots = Lot._search(units).select(
            "stock_lot.id", "stock_lot.name", "stock_lot.product_id"
        )
        event_query.add_join(
            "JOIN", "lot", SQL("(%s)", lots), SQL('"lot".id = "serial_event".lot_id')
        )
        for model in ("stock.lot", "serial.event", "stock.picking", "stock.location"):
            self.env[model].flush_model()

        zones = self._known_time_zones()
        queries = {1: event_query}
        if commission_query is not None:
            queries[0] = commission_query

        def part(kind, after_id, limit):
            return self._source_sql(kind, queries[kind], after_id, limit, zones)

        def rows_sql(after=(-1, 0), limit=CHUNK):
            parts = [
                part(kind, after[1] if after[0] == kind else 0, limit)
                for kind in sorted(queries)
                if after[0] <= kind
            ]
            return SQL(
                "SELECT * FROM (%s) events ORDER BY kind, id LIMIT %s",
                SQL(" UNION ALL ").join(SQL("(%s)", part) for part in parts),
                limit,
            )

        # what streaming reads: one query per kind, in that order
        rows_sql.kinds = tuple(sorted(queries))
        rows_sql.part = part
        return rows_sql

    @api.model
    def _download_filters(self, model, record_ids):
        """``_events_sql``'s filters for the document of records of ``model``
        (from their form's button): units or batches here; bridges add theirs.
        Raise a ``UserError`` for a model that has no document."""
        if model == "stock.lot":
            return {"lot_ids": record_ids}
        if model == "serial.batch":
            return {"batch_ids": record_ids}
        if model:
            raise UserError(self.env._("No EPCIS document for these records."))
        return {}

    @api.model
    def _download_action(self, records):
        """The action downloading the EPCIS document of ``records``."""
        return {
            "type": "ir.actions.act_url",
            "url": f"/epcis/download?model={records._name}&ids="
            + ",".join(str(record_id) for record_id in records.ids),
            "target": "self",
        }

    @api.model
    def _known_time_zones(self):
        """The users' time zones PostgreSQL knows (to compute offsets with)."""
        self.env["res.partner"].flush_model(["tz"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT p.tz FROM res_users u
                  JOIN res_partner p ON p.id = u.partner_id
                 WHERE p.tz IS NOT NULL
                """
            )
        )
        known = self._postgresql_time_zones()
        return [tz for (tz,) in rows if tz in known]

    @api.model
    @ormcache()
    def _postgresql_time_zones(self):
        """The names of the time zones PostgreSQL knows, read once per registry:
        ``pg_timezone_names`` reads the server's time-zone files (tens of
        milliseconds), and each page of the query endpoint builds its events' SQL
        anew."""
        rows = self.env.execute_query(SQL("SELECT name FROM pg_timezone_names"))
        return frozenset(name for (name,) in rows)

    @api.model
    def _keyset_sql(self, query, columns, after_id, limit):
        """``columns`` of the next ``limit`` records of ``query`` after
        ``after_id``, in id order: ORDER BY and LIMIT inside, so that PostgreSQL
        walks the primary key from ``after_id`` and stops."""
        table = query.table
        return SQL(
            "SELECT %(columns)s FROM %(from)s WHERE %(where)s AND %(id)s > %(after)s "
            "ORDER BY %(id)s LIMIT %(limit)s",
            columns=SQL(", ").join(
                column if isinstance(column, SQL) else SQL.identifier(table, column)
                for column in columns
            ),
            **{"from": query.from_clause},
            where=query.where_clause,
            id=SQL.identifier(table, "id"),
            after=after_id,
            limit=limit,
        )

    @api.model
    def _source_sql(self, kind, query, after_id, limit, zones):
        """Rows of one kind of event (``tools.epcis.ROW_COLUMNS``) of ``query``:
        0, the units' commissioning (a query of ``stock.lot``), 1, their timeline
        (of ``serial.event``). Times come as EPCIS text and offsets in minutes
        from PostgreSQL; time zones it does not know (``zones``: those it knows)
        count as UTC."""
        if kind == 0:
            columns = ("id", "name", "product_id", "company_id")
            columns += ("create_date", "create_uid")
            record, user = SQL("lot"), SQL("lot.create_uid")
            date, event_type = SQL("lot.create_date"), SQL("'commissioned'")
            joins = SQL("LEFT JOIN res_company company ON company.id = lot.company_id")
            values = SQL(
                """NULL::int AS location_id, NULL::int AS location_dest_id,
                   FALSE AS src_internal, FALSE AS dst_internal,
                   NULL::int AS partner_id, company.partner_id AS company_partner_id,
                   NULL::int AS picking_id, NULL::varchar AS picking_name,
                   NULL::varchar AS origin"""
            )
        else:
            columns = ("id", "date", "event_type", "lot_id", "location_id")
            columns += ("location_dest_id", "partner_id", "company_id", "picking_id")
            columns += ("user_id", SQL("lot.name AS serial"), SQL("lot.product_id"))
            record, user = SQL("e"), SQL("e.user_id")
            date, event_type = SQL("e.date"), SQL("e.event_type")
            joins = SQL(
                """LEFT JOIN stock_location src ON src.id = e.location_id
         LEFT JOIN stock_location dst ON dst.id = e.location_dest_id
         LEFT JOIN res_partner partner ON partner.id = e.partner_id
         LEFT JOIN res_company company
                ON company.id = COALESCE(e.company_id, dst.company_id, src.company_id)
         LEFT JOIN LATERAL (
                SELECT name, origin FROM stock_picking WHERE id = e.picking_id
                ) pk ON TRUE"""
            )
            values = SQL(
                """e.location_id, e.location_dest_id,
                   COALESCE(src.usage IN ('internal', 'transit'), FALSE)
                       AS src_internal,
                   COALESCE(dst.usage IN ('internal', 'transit'), FALSE)
                       AS dst_internal,
                   partner.commercial_partner_id AS partner_id,
                   company.partner_id AS company_partner_id,
                   e.picking_id, pk.name AS picking_name, pk.origin"""
            )
        return SQL(
            """
            SELECT %(kind)s AS kind, %(record)s.id, %(event_type)s AS event_type,
                   to_char(%(date)s, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS event_time,
                   CASE WHEN up.tz = ANY(%(zones)s) THEN (EXTRACT(EPOCH FROM
                        (%(date)s AT TIME ZONE 'UTC' AT TIME ZONE up.tz) - %(date)s)
                        / 60)::int END AS offset_minutes,
                   %(record)s.%(serial)s AS serial, pp.barcode, %(record)s.product_id,
                   %(values)s
              FROM (%(keyset)s) %(record)s
                   %(joins)s
              JOIN product_product pp ON pp.id = %(record)s.product_id
         LEFT JOIN res_users u ON u.id = %(user)s
         LEFT JOIN res_partner up ON up.id = u.partner_id
          ORDER BY %(record)s.id
            """,
            kind=kind,
            record=record,
            event_type=event_type,
            date=date,
            zones=zones,
            values=values,
            keyset=self._keyset_sql(query, columns, after_id, limit),
            serial=SQL("name") if kind == 0 else SQL("serial"),
            joins=joins,
            user=user,
        )

    @api.model
    def _iter_rows(self, cr, rows_sql, after=(-1, 0), limit=None):
        """Lists of event rows (tuples of ``tools.epcis.ROW_COLUMNS``) after
        ``after``, at most ``limit`` in all: one query per kind of event, read
        through a server-side cursor ``CHUNK`` rows at a time, so that PostgreSQL
        plans for the first rows (the primary key's order, no sort) and the
        export's filters are evaluated once, not once a chunk."""
        done = 0
        for kind in rows_sql.kinds:
            if kind < after[0] or (limit is not None and done >= limit):
                continue
            after_id = after[1] if kind == after[0] else 0
            query = rows_sql.part(
                kind, after_id, None if limit is None else limit - done
            )
            for batch in self._fetch_chunks(cr, query):
                done += len(batch)
                yield batch

    @api.model
    def _fetch_chunks(self, cr, query):
        """``query``'s rows, ``CHUNK`` at a time, from a server-side cursor planned
        for all its rows (every one is read) with room to sort them in memory."""
        name = SQL.identifier(f"serial_epcis_{uuid.uuid4().hex}")
        cr.execute(
            SQL(
                "SET LOCAL cursor_tuple_fraction = 1.0; SET LOCAL work_mem = %s",
                EXPORT_WORK_MEM,
            )
        )
        cr.execute(SQL("DECLARE %s NO SCROLL CURSOR FOR %s", name, query))
        while True:
            cr.execute(SQL("FETCH FORWARD %s FROM %s", CHUNK, name))
            batch = cr.fetchall()
            if batch:
                yield batch
            if len(batch) < CHUNK:
                break
        cr.execute(SQL("CLOSE %s; RESET cursor_tuple_fraction; RESET work_mem", name))

    @api.model
    def _document_context(self):
        """What building events needs besides the rows: base URL, database uuid."""
        params = self.env["ir.config_parameter"].sudo()
        return (
            params.get_param("web.base.url", "").rstrip("/"),
            params.get_param("database.uuid", ""),
        )

    @api.model
    def _iter_document(self, rows_sql, query=False, after=(-1, 0), limit=None):
        """The EPCIS document of ``rows_sql``'s events as text chunks (those after
        ``after``, at most ``limit``: a page of the query endpoint), read on this
        environment's cursor."""
        base_url, db_uuid = self._document_context()
        rows = self._iter_rows(self.env.cr, rows_sql, after=after, limit=limit)
        return epcis.iter_document(rows, base_url, db_uuid, query=query)
