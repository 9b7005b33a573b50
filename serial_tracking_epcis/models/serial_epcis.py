from odoo import api, models
from odoo.exceptions import AccessError
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools import epcis

# Rows read per query while streaming: memory stays constant whatever the export.
CHUNK = 20000
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
    ):
        """A function ``(after, limit) -> SQL`` of the events' rows matching the
        filters, keyed ``(kind, id)`` after ``after``. The record rules are
        applied here, with the caller's user: the SQL can run on any cursor."""
        self._check_reader()
        types = [
            event_type
            for event_type, (_a, step, _d) in epcis.EVENT_MAP.items()
            if not biz_steps or step in biz_steps
        ]
        lot_domain = Domain("product_id.tracking", "=", "serial")
        if lot_ids is not None:
            lot_domain &= Domain("id", "in", list(lot_ids))
        if batch_ids is not None:
            lot_domain &= Domain("batch_id", "in", list(batch_ids))
        Lot = self.env["stock.lot"]
        Event = self.env["serial.event"]
        Lot.check_access("read")
        Event.check_access("read")
        lot_query = Lot._search(lot_domain)
        commission_domain = lot_domain
        event_domain = Domain("event_type", "in", types)
        if lot_ids is not None or batch_ids is not None:
            event_domain &= Domain("lot_id", "in", lot_query)
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
        for model in ("stock.lot", "serial.event", "stock.picking", "stock.location"):
            self.env[model].flush_model()

        def rows_sql(after=(-1, 0), limit=CHUNK):
            parts = []
            if commission_query is not None and after[0] <= 0:
                parts.append(
                    self._commission_sql(
                        commission_query, after[1] if after[0] == 0 else 0, limit
                    )
                )
            parts.append(
                self._timeline_sql(event_query, after[1] if after[0] == 1 else 0, limit)
            )
            return SQL(
                "SELECT * FROM (%s) events ORDER BY kind, id LIMIT %s",
                SQL(" UNION ALL ").join(SQL("(%s)", part) for part in parts),
                limit,
            )

        return rows_sql

    @api.model
    def _commission_sql(self, lot_query, after_id, limit):
        return SQL(
            """
            SELECT 0 AS kind, lot.id, lot.create_date AS date,
                   'commissioned' AS event_type, lot.name AS serial, pp.barcode,
                   lot.product_id, NULL::int AS location_id,
                   NULL::int AS location_dest_id, FALSE AS src_internal,
                   FALSE AS dst_internal, NULL::int AS partner_id,
                   company.partner_id AS company_partner_id, NULL::int AS picking_id,
                   NULL::varchar AS picking_name, NULL::varchar AS origin, up.tz
              FROM (%(lots)s) allowed
              JOIN stock_lot lot ON lot.id = allowed.id
              JOIN product_product pp ON pp.id = lot.product_id
         LEFT JOIN res_company company ON company.id = lot.company_id
         LEFT JOIN res_users u ON u.id = lot.create_uid
         LEFT JOIN res_partner up ON up.id = u.partner_id
             WHERE allowed.id > %(after)s AND lot.id > %(after)s
          ORDER BY allowed.id
             LIMIT %(limit)s
            """,
            lots=lot_query.subselect(),
            after=after_id,
            limit=limit,
        )

    @api.model
    def _timeline_sql(self, event_query, after_id, limit):
        return SQL(
            """
            SELECT 1 AS kind, e.id, e.date, e.event_type, lot.name AS serial,
                   pp.barcode, lot.product_id, e.location_id, e.location_dest_id,
                   src.usage IN ('internal', 'transit') AS src_internal,
                   dst.usage IN ('internal', 'transit') AS dst_internal,
                   partner.commercial_partner_id AS partner_id,
                   company.partner_id AS company_partner_id, e.picking_id,
                   pk.name AS picking_name, pk.origin, up.tz
              FROM (%(events)s) allowed
              JOIN serial_event e ON e.id = allowed.id
              JOIN stock_lot lot ON lot.id = e.lot_id
              JOIN product_product pp ON pp.id = lot.product_id
         LEFT JOIN stock_location src ON src.id = e.location_id
         LEFT JOIN stock_location dst ON dst.id = e.location_dest_id
         LEFT JOIN res_partner partner ON partner.id = e.partner_id
         LEFT JOIN res_company company
                ON company.id = COALESCE(e.company_id, dst.company_id, src.company_id)
         LEFT JOIN stock_picking pk ON pk.id = e.picking_id
         LEFT JOIN res_users u ON u.id = e.user_id
         LEFT JOIN res_partner up ON up.id = u.partner_id
             WHERE allowed.id > %(after)s AND e.id > %(after)s
          ORDER BY allowed.id
             LIMIT %(limit)s
            """,
            events=event_query.subselect(),
            after=after_id,
            limit=limit,
        )

    @api.model
    def _iter_rows(self, cr, rows_sql, after=(-1, 0), limit=None):
        """Rows as dicts, ``CHUNK`` per query on ``cr``, at most ``limit``."""
        done = 0
        while limit is None or done < limit:
            size = CHUNK if limit is None else min(CHUNK, limit - done)
            cr.execute(rows_sql(after, size))
            names = [column.name for column in cr.description]
            batch = cr.fetchall()
            for values in batch:
                yield dict(zip(names, values, strict=True))
            done += len(batch)
            if len(batch) < size:
                return
            after = (batch[-1][0], batch[-1][1])

    @api.model
    def _document_context(self):
        """What building events needs besides the rows: base URL, database uuid."""
        params = self.env["ir.config_parameter"].sudo()
        return (
            params.get_param("web.base.url", "").rstrip("/"),
            params.get_param("database.uuid", ""),
        )

    @api.model
    def _iter_document(self, rows_sql, query=False, cr=None):
        """The whole EPCIS document of ``rows_sql``'s events as text chunks."""
        base_url, db_uuid = self._document_context()
        rows = self._iter_rows(cr or self.env.cr, rows_sql)
        return epcis.iter_document(rows, base_url, db_uuid, query=query)
