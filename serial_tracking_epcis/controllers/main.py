"""EPCIS 2.0 over HTTP: documents to download from the forms, and the query
interface's basics for events at ``GET /epcis/events`` (Odoo API key as bearer).

Both stream: rows are read in keyset chunks on a cursor of the response's own, so
a million events never sit in memory.
"""

import base64
import binascii
import json
import re
from datetime import UTC, datetime
from urllib.parse import urlencode

from werkzeug.exceptions import Forbidden

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request
from odoo.tools import SQL

from ..tools import epcis

DEFAULT_PER_PAGE = 1000
MAX_PER_PAGE = 1000000
QUERY_PARAMS = {
    "EQ_bizStep",
    "GE_eventTime",
    "LT_eventTime",
    "MATCH_epc",
    "MATCH_anyEPC",
    "eventType",
    "perPage",
    "nextPageToken",
}
CBV_BIZ_STEP = "https://ref.gs1.org/cbv/BizStep-"
EPCIS_HEADERS = [("GS1-EPCIS-Version", "2.0.0"), ("GS1-CBV-Version", "2.0.0")]
_TOKEN = re.compile(r"^([01]):(\d{1,18})$")


class QueryError(ValueError):
    """A query parameter the endpoint refuses: an EPCIS QueryParameterException."""


def _stream(env, rows_sql, query, after=(-1, 0), limit=None):
    """The document's chunks as bytes, read on a cursor of their own: the request's
    is closed by the time the response body is sent."""

    def generate():
        with env.registry.cursor() as cr:
            chunks = env(cr=cr)["serial.epcis"]._iter_document(
                rows_sql, query=query, after=after, limit=limit
            )
            for chunk in chunks:
                yield chunk.encode()

    return generate()


class EpcisController(http.Controller):
    @http.route("/epcis/download", type="http", auth="user", methods=["GET"])
    def epcis_download(self, model=None, ids="", date_from=None, date_to=None):
        """The EPCIS document of units, batches or a period (from their forms)."""
        env = request.env
        try:
            record_ids = [int(part) for part in ids.split(",") if part]
            start = _parse_time(date_from) if date_from else None
            end = _parse_time(date_to) if date_to else None
        except (ValueError, QueryError) as exc:
            raise UserError(env._("Invalid EPCIS export parameters.")) from exc
        filters = {"date_from": start, "date_to": end}
        try:
            filters.update(env["serial.epcis"]._download_filters(model, record_ids))
            rows_sql = env["serial.epcis"]._events_sql(**filters)
        except AccessError as exc:
            raise Forbidden(str(exc)) from exc
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        return request.make_response(
            _stream(env, rows_sql, query=False),
            headers=[
                ("Content-Type", "application/ld+json"),
                (
                    "Content-Disposition",
                    f'attachment; filename="epcis-{stamp}.jsonld"',
                ),
                *EPCIS_HEADERS,
            ],
        )

    @http.route(
        "/epcis/events",
        type="http",
        auth="bearer",
        methods=["GET"],
        readonly=True,
        csrf=False,
        save_session=False,
    )
    def epcis_events(self, **params):
        """EPCIS 2.0 query interface, events: ``EQ_bizStep``, ``GE_eventTime``,
        ``LT_eventTime``, ``MATCH_epc`` / ``MATCH_anyEPC`` (comma-separated),
        ``eventType`` (ObjectEvent), ``perPage`` and ``nextPageToken``; the next
        page's address comes in a ``Link: <…>; rel="next"`` header."""
        env = request.env
        try:
            filters, per_page, after = self._parse_query(env, params)
            rows_sql = env["serial.epcis"]._events_sql(**filters)
        except QueryError as exc:
            return _problem(400, "QueryParameterException", str(exc))
        except AccessError as exc:
            return _problem(403, "SecurityException", str(exc))
        if filters.get("lot_ids") == []:
            rows_sql = None
        headers = [("Content-Type", "application/ld+json"), *EPCIS_HEADERS]
        if rows_sql is None:
            body = epcis.document_head(query=True) + epcis.document_tail(query=True)
            return request.make_response(body, headers=headers)
        # the page's last key and whether anything follows it: one small query
        env.cr.execute(
            _page_end_sql(rows_sql, after, per_page),
        )
        ends = env.cr.fetchall()
        if len(ends) == 2:
            token = _token(ends[0])
            query = {
                key: value for key, value in params.items() if key != "nextPageToken"
            }
            query["nextPageToken"] = token
            url = f"{request.httprequest.base_url}?{urlencode(query)}"
            headers.append(("Link", f'<{url}>; rel="next"'))
            headers.append(("GS1-Next-Page-Token", token))
        return request.make_response(
            _stream(env, rows_sql, True, after=after, limit=per_page), headers=headers
        )

    def _parse_query(self, env, params):
        unknown = set(params) - QUERY_PARAMS
        if unknown:
            raise QueryError(
                env._(
                    "Unsupported query parameters: %(names)s",
                    names=", ".join(sorted(unknown)),
                )
            )
        filters = {}
        event_type = params.get("eventType")
        if event_type and set(event_type.split(",")) - {"ObjectEvent"}:
            filters["lot_ids"] = []  # only ObjectEvents here
        if steps := params.get("EQ_bizStep"):
            names = {step.removeprefix(CBV_BIZ_STEP) for step in steps.split(",")}
            unknown_steps = names - epcis.BIZ_STEPS - _cbv_steps()
            if unknown_steps:
                raise QueryError(
                    env._(
                        "Unknown business steps: %(steps)s",
                        steps=", ".join(sorted(unknown_steps)),
                    )
                )
            filters["biz_steps"] = names
        if value := params.get("GE_eventTime"):
            filters["date_from"] = _parse_time(value)
        if value := params.get("LT_eventTime"):
            filters["date_to"] = _parse_time(value)
        epcs = [
            epc
            for key in ("MATCH_epc", "MATCH_anyEPC")
            for epc in (params.get(key) or "").split(",")
            if epc
        ]
        if epcs:
            lot_ids = env["stock.lot"]._epcis_lot_ids(epcs)
            if "lot_ids" in filters:
                lot_ids = []
            filters["lot_ids"] = lot_ids
        try:
            per_page = int(params.get("perPage") or DEFAULT_PER_PAGE)
        except ValueError:
            per_page = 0
        if not 0 < per_page <= MAX_PER_PAGE:
            raise QueryError(
                env._("perPage must be from 1 to %(max)s.", max=MAX_PER_PAGE)
            )
        after = (-1, 0)
        if token := params.get("nextPageToken"):
            after = _parse_token(env, token)
        return filters, per_page, after


def _cbv_steps():
    """CBV 2.0 business steps we never emit but a query may name (no error, no
    match)."""
    return {
        "accepting",
        "arriving",
        "assembling",
        "collecting",
        "consigning",
        "creating_class_instance",
        "departing",
        "disassembling",
        "dispensing",
        "encoding",
        "entering_exiting",
        "installing",
        "killing",
        "loading",
        "other",
        "packing",
        "picking",
        "removing",
        "repackaging",
        "replacing",
        "reserving",
        "retail_selling",
        "sampling",
        "sensor_reporting",
        "staging_outbound",
        "stock_taking",
        "stocking",
        "transporting",
        "unloading",
        "unpacking",
        "void_shipping",
    }


def _parse_time(value):
    """An ISO 8601 date-time with offset (or ``Z``) as naive UTC."""
    try:
        when = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise QueryError(f"Not an ISO 8601 date-time: {value}") from exc
    if when.tzinfo is None:
        raise QueryError(f"A date-time needs its time zone: {value}")
    return when.astimezone(UTC).replace(tzinfo=None)


def _token(key):
    return base64.urlsafe_b64encode(f"{key[0]}:{key[1]}".encode()).decode()


def _parse_token(env, token):
    try:
        match = _TOKEN.match(base64.urlsafe_b64decode(token.encode()).decode())
    except (binascii.Error, UnicodeDecodeError, ValueError):
        match = None
    if not match:
        raise QueryError(env._("Invalid nextPageToken."))
    return int(match.group(1)), int(match.group(2))


def _page_end_sql(rows_sql, after, per_page):
    return SQL(
        "SELECT kind, id FROM (%s) page ORDER BY kind, id OFFSET %s LIMIT 2",
        rows_sql(after, per_page + 1),
        per_page - 1,
    )


def _problem(status, kind, message):
    body = json.dumps(
        {"type": f"epcisException:{kind}", "title": message, "status": status}
    )
    return request.make_response(
        body,
        headers=[("Content-Type", "application/problem+json"), *EPCIS_HEADERS],
        status=status,
    )
