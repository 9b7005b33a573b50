"""EPCIS 2.0 JSON-LD ObjectEvents of serial units (plain Python, no ORM).

GS1 EPCIS 2.0 and CBV 2.0: an event row of the timeline (see
``serial.epcis._event_rows``) becomes an ``ObjectEvent`` with its action, CBV
business step and disposition (bare CBV names, which the EPCIS JSON-LD context
expands), the unit as an SGTIN in GS1 Digital Link form, read point and business
location, business transactions, source and destination parties, a stable
``eventID`` and the event time with its time-zone offset.
"""

import json
import re
import uuid
from datetime import UTC, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

EPCIS_CONTEXT = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"
DIGITAL_LINK = "https://id.gs1.org"
# Namespace of the events' UUIDs: uuid5(namespace, "<database uuid>/<kind>/<id>").
EVENT_NAMESPACE = uuid.UUID("7b6f0d52-7c7e-4b5e-9a0c-0d1e5e2f6a11")

# unit event (serial.event.event_type, or "commissioned" for the unit's creation)
#   -> (action, CBV 2.0 bizStep, CBV 2.0 disposition or None)
EVENT_MAP = {
    "commissioned": ("ADD", "commissioning", "active"),
    "received": ("OBSERVE", "receiving", "in_progress"),
    "moved": ("OBSERVE", "storing", None),
    "adjusted": ("OBSERVE", "cycle_counting", None),
    "delivered": ("OBSERVE", "shipping", "in_transit"),
    "vendor_return": ("OBSERVE", "shipping", "returned"),
    "returned": ("OBSERVE", "receiving", "returned"),
    "quarantined": ("OBSERVE", "holding", "non_sellable_other"),
    "recalled": ("OBSERVE", "holding", "recalled"),
    "released": ("OBSERVE", "inspecting", "sellable_accessible"),
    "repair_received": ("OBSERVE", "receiving", "in_progress"),
    "repair_done": ("OBSERVE", "repairing", "active"),
    "scrapped": ("DELETE", "destroying", "destroyed"),
    "consumed": ("DELETE", "decommissioning", "inactive"),
}
# Timeline events that are no observation of the unit: notes, generated (the
# commissioning event stands for it), relabelled, repair opened, clone suspected.
SKIPPED_EVENT_TYPES = (
    "note",
    "generated",
    "relabelled",
    "repair_opened",
    "clone_suspected",
)
BIZ_STEPS = frozenset(step for _a, step, _d in EVENT_MAP.values())

# CBV 2.0 business transaction types by the kind of transfer behind the event.
TRANSACTION_TYPE = {"received": "recadv", "delivered": "desadv", "returned": "rma"}
TRANSACTION_TYPE["vendor_return"] = "rma"


def gtin14(barcode):
    """The product barcode as a GTIN-14, or None if it is no GTIN."""
    if not barcode or not barcode.isdigit() or len(barcode) not in (8, 12, 13, 14):
        return None
    digits = barcode.zfill(14)
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(digits[:13]))
    return digits if (10 - total % 10) % 10 == int(digits[13]) else None


def unit_uri(base_url, gtin, serial, product_id):
    """The unit's EPC: an SGTIN as a GS1 Digital Link URI when its product has a
    GTIN, else an HTTP URI of this database (EPCIS accepts any URI)."""
    if gtin:
        return f"{DIGITAL_LINK}/01/{gtin}/21/{quote(serial, safe='')}"
    return f"{base_url}/epcis/unit/{product_id}/{quote(serial, safe='')}"


_DIGITAL_LINK_RE = re.compile(
    r"^https?://[^/]+(?:/.*)?/01/(\d{14})(?:/10/[^/]+)?/21/([^/?#]+)"
)


def parse_unit_uri(uri):
    """``(gtin14, serial)`` of a Digital Link SGTIN, ``(product id, serial)`` as
    ``(None, serial, product_id)`` of our own unit URIs; None when it is neither."""
    from urllib.parse import unquote

    if match := _DIGITAL_LINK_RE.match(uri):
        return match.group(1), unquote(match.group(2)), None
    if match := re.match(r"^https?://[^/]+/epcis/unit/(\d+)/([^/?#]+)$", uri):
        return None, unquote(match.group(2)), int(match.group(1))
    return None


def offset(tz_name, when):
    """``+hh:mm`` / ``-hh:mm`` of time zone ``tz_name`` at the UTC time ``when``."""
    try:
        zone = ZoneInfo(tz_name) if tz_name else UTC
    except (ValueError, KeyError):
        zone = UTC
    minutes = int(when.replace(tzinfo=UTC).astimezone(zone).utcoffset().total_seconds())
    minutes //= 60
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def timestamp(when):
    """A naive UTC datetime as an EPCIS ``dateTime`` (``Z``, milliseconds)."""
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def event_id(db_uuid, kind, record_id):
    return f"urn:uuid:{uuid.uuid5(EVENT_NAMESPACE, f'{db_uuid}/{kind}/{record_id}')}"


def build_event(row, base_url, db_uuid):
    """The ObjectEvent of one event row (a dict, see ``serial.epcis``)."""
    event_type = row["event_type"]
    action, biz_step, disposition = EVENT_MAP[event_type]
    event = {
        "type": "ObjectEvent",
        "eventID": event_id(db_uuid, row["kind"], row["id"]),
        "eventTime": timestamp(row["date"]),
        "eventTimeZoneOffset": offset(row["tz"], row["date"]),
        "epcList": [
            unit_uri(base_url, gtin14(row["barcode"]), row["serial"], row["product_id"])
        ],
        "action": action,
        "bizStep": biz_step,
    }
    if disposition:
        event["disposition"] = disposition
    src, dst = row["location_id"], row["location_dest_id"]
    src_ours, dst_ours = row["src_internal"], row["dst_internal"]
    here = dst if dst_ours else (src if src_ours else None)
    if here:
        event["readPoint"] = {"id": _location(base_url, here)}
    if dst_ours and action != "DELETE":
        event["bizLocation"] = {"id": _location(base_url, dst)}
    if row["picking_id"]:
        transactions = []
        kind = TRANSACTION_TYPE.get(event_type)
        if kind:
            transactions.append(
                {"type": kind, "bizTransaction": _doc(base_url, "picking", row)}
            )
        if event_type == "received" and row["origin"]:
            transactions.append(
                {
                    "type": "po",
                    "bizTransaction": f"{base_url}/epcis/po/"
                    + quote(row["origin"], safe=""),
                }
            )
        if transactions:
            event["bizTransactionList"] = transactions
    partner = row["partner_id"]
    company = row["company_partner_id"]
    if event_type in ("received", "returned", "repair_received") and partner:
        event["sourceList"] = _parties("source", base_url, partner, src)
        if company:
            event["destinationList"] = _parties("destination", base_url, company, dst)
    elif event_type in ("delivered", "vendor_return") and partner:
        if company:
            event["sourceList"] = _parties("source", base_url, company, src)
        event["destinationList"] = _parties("destination", base_url, partner, dst)
    return event


def _location(base_url, location_id):
    return f"{base_url}/epcis/location/{location_id}"


def _doc(base_url, kind, row):
    return f"{base_url}/epcis/{kind}/" + quote(row["picking_name"] or "", safe="")


def _parties(role, base_url, partner_id, location_id):
    party = f"{base_url}/epcis/party/{partner_id}"
    parties = [
        {"type": "owning_party", role: party},
        {"type": "possessing_party", role: party},
    ]
    if location_id:
        parties.append({"type": "location", role: _location(base_url, location_id)})
    return parties


def document_head(query=False, creation=None):
    """The JSON text of an EPCIS (query) document up to its first event."""
    creation = timestamp(creation or datetime.now(UTC).replace(tzinfo=None))
    head = {
        "@context": [EPCIS_CONTEXT],
        "type": "EPCISQueryDocument" if query else "EPCISDocument",
        "schemaVersion": "2.0",
        "creationDate": creation,
    }
    text = json.dumps(head)[:-1]
    if query:
        return text + (
            ', "epcisBody": {"queryResults": {"queryName": "SimpleEventQuery", '
            '"resultsBody": {"eventList": ['
        )
    return text + ', "epcisBody": {"eventList": ['


def document_tail(query=False):
    return "]}}}}" if query else "]}}"


def iter_document(rows, base_url, db_uuid, query=False):
    """The document as text chunks, one per event: constant memory."""
    yield document_head(query=query)
    separator = ""
    for row in rows:
        yield separator + json.dumps(build_event(row, base_url, db_uuid))
        separator = ","
    yield document_tail(query=query)
