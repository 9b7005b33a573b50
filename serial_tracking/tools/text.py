"""Checks on text typed, pasted, imported or scanned by users (plain Python, no ORM).

Serials and barcodes are printed and scanned: control and invisible format characters
(NUL, escape sequences of a scanner's prefix, zero-width spaces…) never belong in them,
and a NUL even makes PostgreSQL refuse the query. The one exception is the GS separator
(``\\x1d``) that raw GS1 element strings carry between variable-length fields.
"""

import unicodedata

from .gs1 import GS


def unprintable_characters(text, allowed=GS):
    """The control / format characters of ``text`` (``Cc``, ``Cf`` and surrogates,
    except ``allowed``), in order of first appearance, each once."""
    found = []
    for char in text or "":
        if (
            char not in allowed
            and char not in found
            and unicodedata.category(char) in ("Cc", "Cf", "Cs")
        ):
            found.append(char)
    return found


def describe_characters(chars):
    """``U+0000 (NULL), U+200B (ZERO WIDTH SPACE)`` for messages to users."""
    return ", ".join(
        f"U+{ord(char):04X} ({unicodedata.name(char, 'control character')})"
        for char in chars
    )
