"""GS1 element strings, HRI ("(01)...(21)...") and Digital Link URLs, read with `biip`.

Plain Python (no ORM): the models call :func:`decode` and turn :class:`Gs1Error` into
translated messages.
"""

from dataclasses import dataclass
from datetime import date

from biip import ParseError, parse
from biip.gs1_messages import GS1Message

GS = "\x1d"
# GS1 General Specifications, figure 7.11-1: "GS1 AI encodable character set 82", the
# characters of AI 10 (batch) and AI 21 (serial), which hold at most 20 (X..20).
CSET82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
AI_MAX_LENGTH = 20


class Gs1Error(ValueError):
    """The text is not a valid GS1 barcode."""


@dataclass(frozen=True)
class Gs1Data:
    """What a GS1 barcode carries for a serial unit (absent AIs are None)."""

    gtin: str | None = None  # normalised to 14 digits
    serial: str | None = None  # AI 21
    batch: str | None = None  # AI 10
    production_date: date | None = None  # AI 11
    expiry_date: date | None = None  # AI 17


def gtin_variants(gtin14):
    """The forms a product barcode may store a GTIN-14 in: GTIN-14, 13, 12 and 8.

    A GTIN is only ever shortened by dropping *leading zeros*: ``09506000134352`` is
    also ``9506000134352`` but never ``506000134352``. The one place that says so:
    search, capture, labels and every scan flow call this.
    """
    variants = {gtin14}
    for length in (13, 12, 8):
        if gtin14[: 14 - length] == "0" * (14 - length):
            variants.add(gtin14[14 - length :])
    return sorted(variants)


def looks_like_gs1(text):
    """Cheap test before a real parse: HRI, Digital Link, symbology id, AI 01."""
    text = (text or "").strip()
    return (
        text.startswith(
            ("(01)", "(21)", "]C1", "]d2", "]Q3", "]e0", "http://", "https://")
        )
        or GS in text
        or (text[:2] == "01" and len(text) > 18 and text[2:16].isdigit())
    )


def _message(text):
    if text.startswith("("):
        return GS1Message.parse_hri(text)
    result = parse(text)
    if result.gs1_digital_link_uri:
        return result.gs1_digital_link_uri.as_gs1_message()
    if result.gs1_message:
        return result.gs1_message
    raise Gs1Error(result.gs1_message_error or f"Not a GS1 barcode: {text!r}")


def decode(text):
    """Return the :class:`Gs1Data` of a GS1 barcode, or raise :class:`Gs1Error`.

    Check digits and dates are validated by biip while parsing.
    """
    text = (text or "").strip()
    if not text:
        raise Gs1Error("Empty barcode")
    try:
        message = _message(text)
    except ParseError as error:
        raise Gs1Error(str(error)) from error

    def element(ai):
        return message.element_strings.get(ai=ai)

    gtin, serial, batch = element("01"), element("21"), element("10")
    if gtin and not gtin.gtin:
        raise Gs1Error(gtin.gtin_error or f"Invalid GTIN {gtin.value}")
    production, expiry = element("11"), element("17")
    return Gs1Data(
        gtin=gtin.gtin.as_gtin_14() if gtin and gtin.gtin else None,
        serial=serial.value if serial else None,
        batch=batch.value if batch else None,
        production_date=production.date if production else None,
        expiry_date=expiry.date if expiry else None,
    )
