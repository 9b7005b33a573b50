"""Barcode payloads, images and ZPL commands for serial unit labels (no ORM).

One :class:`Barcode` per unit and symbology holds the exact data a scanner returns,
its human-readable interpretation and what the encoders need. The models build it
with :func:`build`, which validates everything first and raises :class:`LabelError`
(a code plus parameters, translated by the models): bad input never makes a label.

Symbologies:

* ``code128``: the serial alone, Code 128 (printable ASCII only).
* ``gs1_128`` / ``gs1_datamatrix``: the GS1 element string ``01`` GTIN-14, ``17``
  expiry (YYMMDD), ``10`` batch, ``21`` serial. Fixed-length AIs come first; a
  variable-length field (10) is ended by FNC1 unless it is the last one. Scanners
  return FNC1 separators as GS (``\\x1d``), which is what :attr:`Barcode.data` holds.
* ``qr_digital_link``: a QR code holding a GS1 Digital Link URL
  ``<base>/01/<gtin14>/10/<batch>/21/<serial>?17=<yymmdd>``.
* ``ean13`` / ``upca``: the product's own barcode (product-level label), check
  digit validated.
* ``qr_serial`` / ``datamatrix_serial``: the serial alone in a plain (non-GS1) QR
  code or DataMatrix, UTF-8 with ECI 26: any text a scheme limited to these codes
  allows (``Ü``, ``日本``…), up to 250 characters.

Images (SVG for the PDF labels, PNG for screens and tests): 1D codes laid out by
``python-barcode``, QR and GS1 DataMatrix by ``zint`` (libzint: GS1 mode with FNC1
in first position; QR mask selection in C, where segno needs 20-50 ms per code).
ZPL: ``^BC`` (Code 128 and GS1-128, the same code words as the image), ``^BX``
(DataMatrix, ``_1`` = FNC1), ``^BQ``, ``^BE`` and ``^BU``, in :mod:`.zpl`.
"""

import base64
import functools
import io
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import quote

import barcode as barcode_classes
import zint
from barcode import Code128, Gs1_128
from barcode.writer import BaseWriter, ImageWriter, mm2px
from stdnum import ean
from stdnum.exceptions import InvalidChecksum, ValidationError

from odoo.addons.serial_tracking.tools import serial_charset

GS = "\x1d"
FNC1 = Gs1_128.FNC1_CHAR  # how python-barcode spells FNC1 inside Code 128 data

CODE128 = "code128"
GS1_128 = "gs1_128"
GS1_DATAMATRIX = "gs1_datamatrix"
QR_DIGITAL_LINK = "qr_digital_link"
EAN13 = "ean13"
UPCA = "upca"
QR_SERIAL = "qr_serial"
DATAMATRIX_SERIAL = "datamatrix_serial"
MATRIX_MAX_LENGTH = 250  # as the scheme addon's "QR code / DataMatrix of the serial"
UTF8_ECI = 26
# The symbologies a label can have, in the order the label wizard offers them.
SYMBOLOGIES = [
    (CODE128, "Code 128 (serial)"),
    (GS1_128, "GS1-128 (GTIN, expiry, batch, serial)"),
    (GS1_DATAMATRIX, "GS1 DataMatrix (GTIN, expiry, batch, serial)"),
    (QR_DIGITAL_LINK, "QR code, GS1 Digital Link URL"),
    (EAN13, "EAN-13 (product barcode)"),
    (UPCA, "UPC-A (product barcode)"),
    (QR_SERIAL, "QR code (serial, any characters)"),
    (DATAMATRIX_SERIAL, "DataMatrix (serial, any characters)"),
]
GS1_SYMBOLOGIES = (GS1_128, GS1_DATAMATRIX, QR_DIGITAL_LINK)
PRODUCT_SYMBOLOGIES = (EAN13, UPCA)
MATRIX_SYMBOLOGIES = (GS1_DATAMATRIX, QR_DIGITAL_LINK, QR_SERIAL, DATAMATRIX_SERIAL)
QR_SYMBOLOGIES = (QR_DIGITAL_LINK, QR_SERIAL)
PLAIN_MATRIX_SYMBOLOGIES = (QR_SERIAL, DATAMATRIX_SERIAL)


class LabelError(ValueError):
    """Input a label cannot carry. ``code`` names the problem, ``params`` its details.

    Codes: ``empty_serial``, ``unencodable`` (value, char, symbology), ``too_long``
    (value, max), ``no_gtin``, ``bad_gtin`` (value, reason), ``bad_check_digit``
    (value), ``not_upca`` (value), ``no_base_url``.
    """

    def __init__(self, code, **params):
        self.code = code
        self.params = params
        super().__init__(f"{code}: {params}")


@dataclass(frozen=True)
class UnitData:
    """What a label encodes about one unit (absent values are None)."""

    serial: str
    gtin: str | None = None  # the product barcode: GTIN-8/12/13/14 (EAN-13, UPC-A...)
    batch: str | None = None
    expiry: date | None = None


@dataclass(frozen=True)
class Barcode:
    """One validated barcode, ready to render as an image or as ZPL."""

    symbology: str
    data: str  # exactly what a scanner returns (GS1: element string with GS separators)
    hri: str  # human-readable interpretation printed with the code
    encoder_input: str  # what the encoding library is given


def _check_chars(value, charset):
    """``value`` fits ``charset`` (a :class:`serial_charset.SerialCharset`)."""
    if not charset.chars.issuperset(value):
        bad = next(char for char in value if char not in charset.chars)
        raise LabelError("unencodable", value=value, char=bad, symbology=charset.name)
    if len(value) > charset.max_length:
        raise LabelError("too_long", value=value, max=charset.max_length)


def gtin14(barcode):
    """The 14-digit GTIN of a product barcode (GTIN-8/12/13/14), else LabelError."""
    if not barcode:
        raise LabelError("no_gtin")
    try:
        number = ean.validate(barcode)
    except InvalidChecksum as error:
        raise LabelError("bad_check_digit", value=barcode) from error
    except ValidationError as error:
        raise LabelError("bad_gtin", value=barcode, reason=str(error)) from error
    if len(number) not in (8, 12, 13, 14):
        raise LabelError("bad_gtin", value=barcode, reason="length")
    return number.zfill(14)


def gs1_elements(unit):
    """The (AI, value) pairs of a unit in encoding order: fixed-length AIs first."""
    gtin = gtin14(unit.gtin)
    for ai_value in (unit.batch, unit.serial):
        if ai_value:
            _check_chars(ai_value, serial_charset.GS1)
    elements = [("01", gtin)]
    if unit.expiry:
        elements.append(("17", unit.expiry.strftime("%y%m%d")))
    if unit.batch:
        elements.append(("10", unit.batch))
    elements.append(("21", unit.serial))
    return elements


_FIXED_LENGTH_AIS = {"01", "17"}


def element_string(elements, separator=GS):
    """Concatenate AIs; ``separator`` ends each variable-length field but the last."""
    parts = []
    for index, (ai, value) in enumerate(elements):
        parts.append(ai + value)
        if ai not in _FIXED_LENGTH_AIS and index < len(elements) - 1:
            parts.append(separator)
    return "".join(parts)


def hri(elements):
    return "".join(f"({ai}){value}" for ai, value in elements)


def digital_link(unit, base_url):
    """GS1 Digital Link URI: qualifiers 10, 21 in the path, expiry 17 in the query."""
    if not base_url:
        raise LabelError("no_base_url")
    elements = dict(gs1_elements(unit))
    url = f"{base_url.rstrip('/')}/01/{elements['01']}"
    if "10" in elements:
        url += f"/10/{quote(elements['10'], safe='')}"
    url += f"/21/{quote(elements['21'], safe='')}"
    if "17" in elements:
        url += f"?17={elements['17']}"
    return url


def build(symbology, unit, base_url=None):
    """Validate ``unit`` for ``symbology`` and return its :class:`Barcode`."""
    if symbology not in dict(SYMBOLOGIES):
        raise ValueError(f"Unknown symbology {symbology!r}")
    serial = unit.serial or ""
    if not serial and symbology not in PRODUCT_SYMBOLOGIES:
        raise LabelError("empty_serial")
    if symbology == CODE128:
        _check_chars(serial, serial_charset.CODE128)
        return Barcode(symbology, serial, serial, serial)
    if symbology in PLAIN_MATRIX_SYMBOLOGIES:
        if not serial.isprintable():
            bad = next(char for char in serial if not char.isprintable())
            name = "QR code" if symbology == QR_SERIAL else "DataMatrix"
            raise LabelError("unencodable", value=serial, char=bad, symbology=name)
        if len(serial) > MATRIX_MAX_LENGTH:
            raise LabelError("too_long", value=serial, max=MATRIX_MAX_LENGTH)
        return Barcode(symbology, serial, serial, serial)
    if symbology in (GS1_128, GS1_DATAMATRIX):
        elements = gs1_elements(unit)
        data = element_string(elements)
        encoder_input = (
            element_string(elements, FNC1)
            if symbology == GS1_128
            else "".join(f"[{ai}]{value}" for ai, value in elements)  # zint GS1 syntax
        )
        return Barcode(symbology, data, hri(elements), encoder_input)
    if symbology == QR_DIGITAL_LINK:
        url = digital_link(unit, base_url)
        return Barcode(symbology, url, url, url)
    gtin = gtin14(unit.gtin)  # EAN-13 / UPC-A: validates the check digit
    if len(unit.gtin) not in (12, 13) or not gtin.startswith("0"):
        raise LabelError("bad_gtin", value=unit.gtin, reason="EAN-13")
    if symbology == UPCA:
        if not gtin.startswith("00"):
            raise LabelError("not_upca", value=unit.gtin)
        # Printed as 12 digits; scanners transmit UPC-A as its 13-digit EAN form (]E0).
        return Barcode(symbology, gtin[1:], gtin[2:], gtin[2:-1])
    return Barcode(symbology, gtin[1:], gtin[1:], gtin[1:-1])


# -- images ---------------------------------------------------------------------

# 254 dpi = 10 px/mm: a 0.2 mm module is exactly 2 px, no rounding artefacts.
_1D_OPTIONS = {
    "module_width": 0.2,
    "module_height": 10.0,
    "quiet_zone": 2.0,
    "write_text": False,
    "dpi": 254,
    "format": "PNG",
}


class _ImageWriter(ImageWriter):
    """python-barcode's PNG writer with module edges rounded to whole pixels.

    The stock writer accumulates positions in float millimetres and lets Pillow truncate
    them, which makes some bars one pixel too narrow or too wide: enough for zxing to
    reject a Code 128 symbol. Rounding keeps every module exactly 2 px wide.
    """

    def __init__(self):
        super().__init__(format="PNG", mode="1", dpi=254)

    def _paint_module(self, xpos, ypos, width, color):
        left = round(mm2px(xpos, self.dpi))
        right = round(mm2px(xpos + width, self.dpi)) - 1
        top = round(mm2px(ypos, self.dpi))
        bottom = round(mm2px(ypos + self.module_height, self.dpi))
        self._draw.rectangle([(left, top), (right, bottom)], outline=color, fill=color)


def _writer():
    return _ImageWriter()


def png(barcode):
    """PNG bytes of the barcode (no text: labels print the HRI themselves)."""
    symbology = barcode.symbology
    stream = io.BytesIO()
    if symbology in MATRIX_SYMBOLOGIES:
        return _matrix_symbol(barcode, "label.png")
    if symbology == CODE128:
        code = Code128(barcode.encoder_input, writer=_writer())
    elif symbology == GS1_128:
        code = Gs1_128(barcode.encoder_input, writer=_writer())
    else:
        cls = barcode_classes.EAN13 if symbology == EAN13 else barcode_classes.UPCA
        code = cls(barcode.encoder_input, writer=_writer())
    code.write(stream, _1D_OPTIONS)
    return stream.getvalue()


def _matrix_symbol(barcode, outfile):
    """A 2D code printed by libzint in ``outfile``'s format (bytes)."""
    symbol = zint.Symbol()
    if barcode.symbology == GS1_DATAMATRIX:
        symbol.symbology = zint.Symbology.DATAMATRIX
        symbol.input_mode = zint.InputMode.GS1  # FNC1 first and after variable fields
        symbol.option_3 = zint.DataMatrixOptions.SQUARE
        quiet_zone = 2  # modules (ISO/IEC 16022: 1 module minimum)
    elif barcode.symbology == DATAMATRIX_SERIAL:
        symbol.symbology = zint.Symbology.DATAMATRIX
        symbol.option_3 = zint.DataMatrixOptions.SQUARE
        quiet_zone = 2
    else:
        # QR: error correction level M, mask chosen by libzint (ISO/IEC 18004 rules).
        symbol.symbology = zint.Symbology.QRCODE
        symbol.option_1 = 2
        quiet_zone = 4
    if barcode.symbology in PLAIN_MATRIX_SYMBOLOGIES and not barcode.data.isascii():
        # UTF-8 announced by ECI 26, so scanners return the serial's exact text.
        symbol.input_mode = zint.InputMode.UNICODE
        symbol.eci = UTF8_ECI
    symbol.scale = 2  # 4 px per module in PNG
    symbol.whitespace_width = quiet_zone
    symbol.whitespace_height = quiet_zone
    symbol.outfile = outfile
    symbol.output_options |= zint.OutputOptions.BARCODE_MEMORY_FILE
    symbol.encode(barcode.encoder_input)
    if symbol.errtxt:
        raise LabelError(
            "unencodable", value=barcode.data, char="", symbology=barcode.symbology
        )
    symbol.print()
    # Copy now: the memoryview points into the symbol, freed with it.
    return bytes(symbol.memfile)


class _SvgWriter(BaseWriter):
    """python-barcode writer producing a compact SVG in module units.

    python-barcode lays the modules out (runs of equal modules merged); this writer
    only joins them into one path. The ``viewBox`` without size lets the page decide
    the printed size, and the bars stay vectors in the PDF (wkhtmltopdf re-encodes
    bitmaps as JPEG, which blurs thin bars).
    """

    def __init__(self):
        super().__init__(None, self._paint_module, None, self._finish)
        self._bars = []

    def _paint_module(self, xpos, ypos, width, color):
        if color == self.foreground:
            self._bars.append(f"M{xpos:g} 0h{width:g}v1h-{width:g}z")

    def _finish(self):
        width = self._width
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} 1" '
            f'preserveAspectRatio="none"><rect width="{width:g}" height="1" '
            f'fill="#fff"/><path fill="#000" d="{"".join(self._bars)}"/></svg>'
        )

    def render(self, code):
        self._width = len(code[0]) + 2 * self.quiet_zone
        return super().render(code)


_SVG_OPTIONS = {
    "module_width": 1,
    "module_height": 1,
    "quiet_zone": 10,
    "write_text": False,
    "margin_top": 0,
    "margin_bottom": 0,
}


def svg(barcode):
    """SVG bytes of the barcode, scalable (no size: the page sizes it)."""
    symbology = barcode.symbology
    if symbology in MATRIX_SYMBOLOGIES:
        text = _matrix_symbol(barcode, "label.svg").decode()
        _head, sep, tail = text.partition("<svg ")
        # Size attributes become a viewBox: the page decides the printed size.
        size = re.match(r'width="(\d+)" height="(\d+)"', tail)
        tail = f'viewBox="0 0 {size[1]} {size[2]}"' + tail[size.end() :]
        return (sep + tail).encode()
    writer = _SvgWriter()
    if symbology in (CODE128, GS1_128):
        code = (Code128 if symbology == CODE128 else Gs1_128)(barcode.encoder_input)
    else:
        cls = barcode_classes.EAN13 if symbology == EAN13 else barcode_classes.UPCA
        code = cls(barcode.encoder_input)
    writer.set_options(dict(_SVG_OPTIONS))
    return writer.render(code.build()).encode()


def data_uri(barcode):
    """``data:`` URI of the SVG, to embed in a report page without an HTTP request."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg(barcode)).decode()


def module_count(barcode):
    """Width of a 1D barcode in modules, quiet zones excluded (0 for 2D codes)."""
    if barcode.symbology in MATRIX_SYMBOLOGIES:
        return 0
    if barcode.symbology in PRODUCT_SYMBOLOGIES:
        return 95  # EAN-13 and UPC-A: always 95 modules
    return _code128(barcode.symbology, barcode.encoder_input)[1]


_NO_WRITER = object()  # python-barcode builds a writer per symbol unless given one


@functools.lru_cache(maxsize=1024)
def _code128(symbology, encoder_input):
    """(code words, width in modules) of a Code 128 / GS1-128 symbol."""
    code = (Code128 if symbology == CODE128 else Gs1_128)(encoder_input, _NO_WRITER)
    words = code.encoded
    # 11 modules per word, the check word, the 13-module stop pattern.
    return tuple(words), 11 * (len(words) + 1) + 13
