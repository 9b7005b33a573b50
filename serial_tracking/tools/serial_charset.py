"""What a barcode can carry where a unit's serial goes: which characters, how many.

Plain Python (no ORM). The label addon refuses a unit whose serial its symbology cannot
encode; the scheme addon refuses a pattern whose serials no label could print. Both
read these rules, so a serial a scheme accepts is one a label can carry.
"""

from dataclasses import dataclass

from .gs1 import AI_MAX_LENGTH, CSET82


@dataclass(frozen=True)
class SerialCharset:
    """``chars``: the characters a serial may hold (``None``: any printable text);
    ``max_length``: its longest length; ``name``: the barcode, for messages."""

    name: str
    chars: frozenset | None
    max_length: int


# The serial alone in a Code 128: printable ASCII. Longer serials fit no label.
CODE128 = SerialCharset("Code 128", frozenset(chr(c) for c in range(32, 127)), 48)
# A GS1 AI 21 (serial) or AI 10 (batch) value: GS1-128, GS1 DataMatrix, Digital Link.
GS1 = SerialCharset("GS1", CSET82, AI_MAX_LENGTH)
