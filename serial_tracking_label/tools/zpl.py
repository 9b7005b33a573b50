"""ZPL (Zebra) commands for serial unit labels, from :mod:`.symbology`'s
:class:`~.symbology.Barcode` (no ORM).

``^BC`` draws Code 128 and GS1-128 with the same code words as the image
(:func:`zpl_plan`), ``^BX`` DataMatrix (``_1`` = FNC1), ``^BQ`` QR codes, ``^BE``
EAN-13 and ``^BU`` UPC-A; text goes through :func:`zpl_text` (``^FH`` escapes).
"""

import re

from .symbology import (
    CODE128,
    DATAMATRIX_SERIAL,
    EAN13,
    GS1_128,
    GS1_DATAMATRIX,
    QR_SYMBOLOGIES,
    _code128,
    element_string,
    module_count,
)


def zpl_plan(barcode):
    """``(^BC field data or None, width in modules)`` of the symbol a ZPL printer
    draws for ``barcode``; give it back to :func:`zpl_barcode` to save the work."""
    if barcode.symbology == CODE128:
        return _code128_sets(barcode.encoder_input)
    if barcode.symbology == GS1_128:
        words, modules = _code128(barcode.symbology, barcode.encoder_input)
        return _code128_zpl_data(words), modules
    return None, module_count(barcode)


def zpl_module_count(barcode):
    """Width in modules of the symbol a ZPL printer draws from :func:`zpl_barcode`."""
    return zpl_plan(barcode)[1]


_ZPL_HEX = {"\\": "\\5C", "^": "\\5E", "~": "\\7E"}
_ZPL_HEX_RE = re.compile(r"[\\^~]")


def zpl_text(text):
    """``^FD`` data, ``^FH\\`` hex-escaping ZPL's own ``^``, ``~`` and ``\\``.

    Returns ``^FH\\^FD<data>^FS`` so that any text (UTF-8 with ``^CI28``) prints as is.
    """
    return "^FH\\^FD" + _ZPL_HEX_RE.sub(lambda m: _ZPL_HEX[m.group()], text) + "^FS"


_DIGIT_RUNS = re.compile(r"\d{4,}")


def _code128_sets(text):
    """Code 128 subsets B/C for a plain serial, as ZPL ``^BC`` mode N data, and the
    symbol's width in modules.

    ISO/IEC 15417 annex E rules, for speed without python-barcode (whose encoder costs
    more than Odoo's whole ZPL report): subset B, and subset C for runs of digits of
    at least 4 at either end or 6 in the middle (an odd run leaves its first digit in
    B). ``>:`` starts in B, ``>;`` in C, ``>5``/``>6`` switch to C/B, ``>`` is ``><``.
    """
    parts, words, last, charset = [], 1, 0, None
    for run in _DIGIT_RUNS.finditer(text):
        start, end = run.span()
        length = end - start
        at_edge = start == 0 or end == len(text)
        if length < 6 and not at_edge:
            continue
        start += length % 2
        if start > last:
            parts.append(
                (">6" if charset else ">:") + text[last:start].replace(">", "><")
            )
            words += (1 if charset else 0) + start - last
            charset = "B"
        parts.append((">5" if charset else ">;") + text[start:end])
        words += (1 if charset else 0) + (end - start) // 2
        charset, last = "C", end
    if last < len(text):
        parts.append((">6" if charset else ">:") + text[last:].replace(">", "><"))
        words += (1 if charset else 0) + len(text) - last
    # Start word counted above; + check word, 11 modules each, + 13-module stop.
    return "".join(parts), 11 * (words + 1) + 13


def _code128_zpl_data(words):
    """ZPL ``^BC`` mode N data replaying python-barcode's code words, so the printer
    draws the same bars as the PNG.

    Invocation codes: ``>9 >: >;`` start A/B/C, ``>7 >6 >5`` switch to A/B/C,
    ``>8`` FNC1; ``>`` itself is ``><``.
    """
    charset = {103: "A", 104: "B", 105: "C"}[words[0]]
    out = [{"A": ">9", "B": ">:", "C": ">;"}[charset]]
    for word in words[1:]:
        if word == 102:
            out.append(">8")
        elif charset == "C" and word < 100:
            out.append(f"{word:02d}")
        elif word in (99, 100, 101) and not (charset == "B" and word == 100):
            target = {99: "C", 100: "B", 101: "A"}[word]
            if charset == "A" and word == 101:  # FNC4 in set A: never produced
                raise ValueError("FNC4 is not supported")
            charset = target
            out.append({"A": ">7", "B": ">6", "C": ">5"}[charset])
        elif word < 96:
            char = chr(word + 32) if word < 64 or charset == "B" else chr(word - 64)
            out.append("><" if char == ">" else char)
        else:
            raise ValueError(f"Unsupported Code 128 word {word}")
    return "".join(out)


def zpl_barcode(barcode, module=2, height=80, plan=None):
    """ZPL commands drawing ``barcode`` at the current ``^FO``: module width in dots;
    ``plan``: :func:`zpl_plan`'s result if already known."""
    symbology = barcode.symbology
    if symbology in (CODE128, GS1_128):
        data = (plan or zpl_plan(barcode))[0]
        return f"^BY{module}^BCN,{height},N,N,N,N" + zpl_text(data)
    if symbology == GS1_DATAMATRIX:
        # '_' is the escape character: _1 = FNC1 (first position: GS1), '__' = '_'.
        data = "_1" + element_string(
            [(ai, value.replace("_", "__")) for ai, value in _elements(barcode)], "_1"
        )
        return f"^BXN,{module},200,0,0,6,_" + zpl_text(data)
    if symbology in QR_SYMBOLOGIES:
        return f"^BQN,2,{module}" + zpl_text("MA," + barcode.encoder_input)
    if symbology == DATAMATRIX_SERIAL:
        return f"^BXN,{module},200,0,0,6,_" + zpl_text(
            barcode.encoder_input.replace("_", "__")
        )
    if symbology == EAN13:
        return f"^BY{module}^BEN,{height},N,N" + zpl_text(barcode.encoder_input)
    return f"^BY{module}^BUN,{height},N,N,Y" + zpl_text(barcode.encoder_input)


def _elements(barcode):
    """(AI, value) pairs back from a GS1 barcode's zint input ``[01]...[21]...``."""
    return re.findall(r"\[(\d{2})\]([^[]*)", barcode.encoder_input)
