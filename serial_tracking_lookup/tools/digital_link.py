"""GS1 Digital Link request paths of the public lookup (plain Python, no ORM).

A label's QR code holds ``<base>/01/<gtin14>[/10/<batch>]/21/<serial>[?17=<yymmdd>]``
(see ``serial_tracking_label.tools.symbology.digital_link``). :func:`parse` reads the
path *as the client sent it*, still percent-encoded: a web server decodes ``%2F``
before routing, and only the raw path tells a ``/`` inside a serial from a segment
separator. The syntax itself (AIs, character sets, lengths, dates) is checked by
biip; the GTIN check digit, the order of the qualifiers and the path tricks
(``..``, encoded keys, control characters, broken escapes) here.

Errors raise :class:`LinkError` with a ``code`` the controller turns into a 400 (or a
404 for a valid key without unit-level links): never into an answer that looks like
a verdict.
"""

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote_to_bytes, urlencode

from biip import ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI

from odoo.addons.serial_tracking.tools.text import unprintable_characters

# Longest raw path + query accepted: a GTIN, a batch and a serial of 20 characters
# each percent-encoded as UTF-8 (3 bytes shown as 9 characters) stay far below it.
MAX_URI_LENGTH = 1024
# Qualifiers of a GTIN in a Digital Link path, in the only order allowed:
# 22 (consumer product variant), 10 (batch), 21 (serial).
QUALIFIERS = ("22", "10", "21")
GS1_VOC = "https://ref.gs1.org/voc/"
# The link types this resolver answers, and the part of the lookup page they show.
LINK_TYPES = {
    "gs1:defaultLink": "",
    "gs1:pip": "product",
    "gs1:verificationService": "verdict",
    "gs1:recallStatus": "recall",
    "gs1:serviceInfo": "warranty",
}
LINKSET_TYPES = ("linkset", "all")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_LINK_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,40}$")


class LinkError(ValueError):
    """A request path that is not a GS1 Digital Link of a serial unit.

    ``code``: ``too_long``, ``escape`` (broken percent escape or not UTF-8),
    ``control`` (control or invisible characters), ``dot_segment`` (``.`` / ``..``),
    ``empty_segment``, ``key`` (not ``/01/<gtin>``, a qualifier out of order or
    unknown), ``syntax`` (biip refused an element: ``detail`` says why),
    ``check_digit``, ``link_type`` (a malformed ``linkType``), ``no_serial`` (valid,
    but without AI 21: no unit-level links here, a 404).
    """

    def __init__(self, code, detail=""):
        self.code = code
        self.detail = detail
        super().__init__(f"{code}: {detail}" if detail else code)


@dataclass(frozen=True)
class UnitKey:
    """A serial unit's Digital Link key, validated."""

    gtin: str  # 14 digits, check digit verified
    serial: str  # AI 21, decoded
    batch: str | None = None  # AI 10
    variant: str | None = None  # AI 22
    attributes: tuple = ()  # (AI, value) pairs of the query (e.g. ("17", "270331"))
    link_type: str | None = None  # "gs1:pip", "linkset"... as asked, normalised
    extra_query: tuple = ()  # other query parameters, kept on redirects

    @property
    def path(self):
        """``/01/<gtin>[/22/..][/10/..]/21/<serial>``, values percent-encoded."""
        parts = ["01", self.gtin]
        for ai, value in (("22", self.variant), ("10", self.batch)):
            if value:
                parts += [ai, quote(value, safe="")]
        parts += ["21", quote(self.serial, safe="")]
        return "/" + "/".join(parts)

    def query(self, link_type=None):
        """The query string to forward (AIs and unknown parameters; ``linkType``
        only if given), with its ``?``, or ``""``."""
        pairs = list(self.attributes) + list(self.extra_query)
        if link_type:
            pairs.append(("linkType", link_type))
        return "?" + urlencode(pairs, quote_via=quote) if pairs else ""


def split_request_uri(request_uri):
    """``(raw path, raw query)`` of a request target (origin or absolute form)."""
    target = request_uri or ""
    if "://" in target.split("?", 1)[0]:
        # absolute form "http://host/path?query" (proxies may send it)
        target = "/" + target.split("://", 1)[1].partition("/")[2]
    path, _sep, query = target.partition("?")
    return path, query.partition("#")[0]


def _decode(raw):
    if _BAD_ESCAPE.search(raw):
        raise LinkError("escape")
    try:
        value = unquote_to_bytes(raw).decode("utf-8")
    except UnicodeDecodeError as error:
        raise LinkError("escape") from error
    if unprintable_characters(value, allowed=""):
        raise LinkError("control")
    if raw in (".", "..") or any(part in (".", "..") for part in value.split("/")):
        raise LinkError("dot_segment")
    return value


def _segments(raw_path):
    raw_path = raw_path.removesuffix("/")  # one trailing slash is tolerated
    raw_segments = raw_path.lstrip("/").split("/") if raw_path.strip("/") else []
    if any(segment == "" for segment in raw_segments):
        raise LinkError("empty_segment")
    values = [_decode(segment) for segment in raw_segments]
    if len(values) < 2 or values[0] != "01" or raw_segments[0] != "01":
        raise LinkError("key")
    if len(values) % 2:
        raise LinkError("key", "a key without its value")
    pairs = list(zip(values[::2], values[1::2], strict=True))
    keys = [key for key, _value in pairs[1:]]
    # the keys themselves must be written plainly: "%32%31" for "21" is a trick
    raw_keys = raw_segments[2::2]
    if raw_keys != keys or any(key not in QUALIFIERS for key in keys):
        raise LinkError("key", "/".join(raw_keys))
    if keys != sorted(keys, key=QUALIFIERS.index) or len(set(keys)) != len(keys):
        raise LinkError("key", "qualifiers out of order or repeated")
    return dict(pairs)


def _link_type(value):
    if value in LINKSET_TYPES:
        return value
    if value.startswith(GS1_VOC):
        value = "gs1:" + value[len(GS1_VOC) :]
    if not value.startswith("gs1:") or not _LINK_TYPE.match(value[4:]):
        raise LinkError("link_type", value)
    return value


def parse(raw_path, raw_query=""):
    """The :class:`UnitKey` of a raw request path from ``/01/`` on and its raw query.

    Raises :class:`LinkError`.
    """
    if len(raw_path) + len(raw_query) > MAX_URI_LENGTH:
        raise LinkError("too_long")
    elements = _segments(raw_path)
    if _BAD_ESCAPE.search(raw_query):
        raise LinkError("escape")
    try:
        query = parse_qsl(raw_query, keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError) as error:
        raise LinkError("escape") from error
    link_type, attributes, extra = None, [], []
    for name, value in query:
        if unprintable_characters(name + value, allowed=""):
            raise LinkError("control")
        if name == "linkType":
            link_type = _link_type(value)
        elif name.isdigit():
            if name in elements or name in QUALIFIERS or name == "01":
                raise LinkError("key", f"AI {name} belongs in the path")
            attributes.append((name, value))
        else:
            extra.append((name, value))
    canonical = "https://resolver.invalid/" + "/".join(
        f"{key}/{quote(value, safe='')}" for key, value in elements.items()
    )
    if attributes:
        canonical += "?" + urlencode(attributes, quote_via=quote)
    try:
        uri = GS1DigitalLinkURI.parse(canonical)
    except ParseError as error:
        raise LinkError("syntax", str(error)) from error
    gtin = uri.element_strings.get(ai="01")
    if gtin.gtin is None:
        raise LinkError("check_digit", gtin.gtin_error or gtin.value)
    if "21" not in elements:
        raise LinkError("no_serial")
    return UnitKey(
        gtin=gtin.value,
        serial=elements["21"],
        batch=elements.get("10"),
        variant=elements.get("22"),
        attributes=tuple(attributes),
        link_type=link_type,
        extra_query=tuple(extra),
    )


def client_network(address):
    """What a rate limit counts for a client address: the address itself, or its
    /64 network for IPv6 (one subscriber's whole allocation). Text, or '' when the
    address cannot be read."""
    try:
        ip = ipaddress.ip_address((address or "").strip())
    except ValueError:
        return ""
    if ip.version == 6:
        if ip.ipv4_mapped:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
