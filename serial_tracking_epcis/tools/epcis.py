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
from hashlib import sha1
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
    seconds = when.replace(tzinfo=UTC).astimezone(zone).utcoffset().total_seconds()
    return offset_text(int(seconds) // 60)


def offset_text(minutes):
    """``+hh:mm`` / ``-hh:mm`` of an offset from UTC in minutes."""
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def timestamp(when):
    """A naive UTC datetime as an EPCIS ``dateTime`` (``Z``, milliseconds)."""
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


# The columns of an event row, in the order ``serial.epcis`` selects them.
ROW_COLUMNS = (
    "kind",  # 0: the unit's commissioning (id: stock.lot), 1: timeline (serial.event)
    "id",
    "event_type",
    "event_time",  # text: an EPCIS dateTime in UTC, as ``timestamp`` writes it
    "offset_minutes",  # the offset of the event user's time zone at that time
    "serial",
    "barcode",
    "product_id",
    "location_id",
    "location_dest_id",
    "src_internal",
    "dst_internal",
    "partner_id",
    "company_partner_id",
    "picking_id",
    "picking_name",
    "origin",
)
# Pieces of text kept for reuse, at most (a transfer's, a party's): memory stays
# bounded whatever the export.
CACHE_SIZE = 100_000


class EventWriter:
    """Event rows (tuples of ``ROW_COLUMNS``) to ObjectEvents as JSON text.

    A million events repeat the same few pieces: the text of what repeats (a
    location, a party list, a transfer's transactions, a product's GTIN, an
    offset) is built and JSON-encoded once, then reused; per event remain the
    hash of its id, the serial's percent-encoding and one concatenation. (Percent-
    encoded serials and our URIs hold no character JSON escapes.)"""

    def __init__(self, base_url, db_uuid):
        self.base_url = base_url
        self._id_prefix = {
            kind: EVENT_NAMESPACE.bytes + f"{db_uuid}/{kind}/".encode()
            for kind in (0, 1)
        }
        self._heads = {
            event_type: f'{{"type": "ObjectEvent", "action": "{action}", '
            f'"bizStep": "{step}"'
            + (f', "disposition": "{disposition}"' if disposition else "")
            for event_type, (action, step, disposition) in EVENT_MAP.items()
        }
        self._epc_prefix = {}
        self._offsets = {}
        self._places = {}
        self._transactions = {}
        self._parties = {}

    def event_id(self, kind, record_id):
        """``event_id``: the same version 5 UUID, without UUID objects."""
        digest = sha1(self._id_prefix[kind] + str(record_id).encode()).hexdigest()
        variant = "89ab"[int(digest[16], 16) & 3]
        return (
            f"urn:uuid:{digest[:8]}-{digest[8:12]}-5{digest[13:16]}-"
            f"{variant}{digest[17:20]}-{digest[20:32]}"
        )

    def event(self, row):
        """The JSON text of one row's ObjectEvent."""
        kind, record_id, event_type, event_time, minutes, serial, barcode = row[:7]
        product_id, src, dst, src_ours, dst_ours, partner, company = row[7:14]
        epc = self._epc_prefix.get((barcode, product_id))
        if epc is None:
            epc = self._epc_prefix[barcode, product_id] = unit_uri(
                self.base_url, gtin14(barcode), "", product_id
            )
        tz_offset = self._offsets.get(minutes)
        if tz_offset is None:
            tz_offset = self._offsets[minutes] = offset_text(minutes or 0)
        text = (
            f'{self._heads[event_type]}, "eventID": "{self.event_id(kind, record_id)}"'
            f', "eventTime": "{event_time}", "eventTimeZoneOffset": "{tz_offset}"'
            f', "epcList": ["{epc}{quote(serial, safe="")}"]'
        )
        if src_ours or dst_ours:
            text += self._place(
                dst if dst_ours else src,
                dst_ours and EVENT_MAP[event_type][0] != "DELETE",
            )
        if row[14]:
            text += self._transactions_text(event_type, *row[14:17])
        if partner:
            text += self._parties_text(event_type, partner, company, src, dst)
        return text + "}"

    def _place(self, here, biz_location):
        """readPoint: where it was seen; bizLocation: where it now is, when it
        is with us (an event that deletes it has none)."""
        text = self._places.get((here, biz_location))
        if text is None:
            location = json.dumps(_location(self.base_url, here))
            text = f', "readPoint": {{"id": {location}}}'
            if biz_location:
                text += f', "bizLocation": {{"id": {location}}}'
            self._places[here, biz_location] = text
        return text

    def _transactions_text(self, event_type, picking_id, picking_name, origin):
        """The transfer behind the event and, for a receipt, its purchase order."""
        kind = TRANSACTION_TYPE.get(event_type)
        po = origin if event_type == "received" else None
        if not kind and not po:
            return ""
        text = self._transactions.get((kind, picking_id))
        if text is None:
            transactions = []
            if kind:
                document = quote(picking_name or "", safe="")
                transactions.append(
                    {
                        "type": kind,
                        "bizTransaction": f"{self.base_url}/epcis/picking/{document}",
                    }
                )
            if po:
                document = quote(po, safe="")
                transactions.append(
                    {
                        "type": "po",
                        "bizTransaction": f"{self.base_url}/epcis/po/{document}",
                    }
                )
            text = f', "bizTransactionList": {json.dumps(transactions)}'
            _keep(self._transactions, (kind, picking_id), text)
        return text

    def _parties_text(self, event_type, partner, company, src, dst):
        """Who had it and who has it, for receipts, returns and deliveries."""
        if event_type in ("received", "returned", "repair_received"):
            lists = (("source", partner, src), ("destination", company, dst))
        elif event_type in ("delivered", "vendor_return"):
            lists = (("source", company, src), ("destination", partner, dst))
        else:
            return ""
        text = ""
        for role, party, location in lists:
            if not party:
                continue
            part = self._parties.get((role, party, location))
            if part is None:
                parties = _parties(role, self.base_url, party, location)
                part = f', "{role}List": {json.dumps(parties)}'
                _keep(self._parties, (role, party, location), part)
            text += part
        return text


def _keep(cache, key, text):
    if len(cache) >= CACHE_SIZE:
        cache.clear()
    cache[key] = text


def _location(base_url, location_id):
    return f"{base_url}/epcis/location/{location_id}"


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


def iter_document(batches, base_url, db_uuid, query=False):
    """The document as text chunks, one per batch of event rows: constant memory."""
    yield document_head(query=query)
    writer = EventWriter(base_url, db_uuid)
    separator = ""
    for rows in batches:
        if rows:
            yield separator + ",".join(map(writer.event, rows))
            separator = ","
    yield document_tail(query=query)
