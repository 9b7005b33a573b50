"""Serial number schemes: parse a pattern, render serials, check and verify them.

Plain Python (no ORM): the models, the benchmark and an offline verifier share it.

A pattern is literal text with tokens in braces, for example
``{product}-{site}{yy}{ww}-{counter:6}{auth:4}{check}``:

- ``{product}``, ``{category}``, ``{site}``: product code (internal reference), category
  serial code, warehouse code; ``{product:4}`` keeps the first 4 characters;
- ``{yyyy}`` ``{yy}`` ``{mm}`` ``{ww}`` (ISO week) ``{dd}`` ``{ddd}`` (day of year): the
  receipt or production date;
- ``{counter:N}``: the scheme's PostgreSQL sequence value, zero-padded to N digits;
- ``{random:N}``: N characters drawn with :mod:`secrets` from the scheme's alphabet;
- ``{auth:N}``: secret authenticity code, the first N base32 characters of
  HMAC-SHA256(secret, everything before it); only ``{check}`` may follow it;
- ``{check}``: check character over everything before it (separators ignored): Luhn
  when that is all digits, else ISO/IEC 7064 MOD 37-36; ``{check:luhn}`` or
  ``{check:mod37}`` force one. It must be last.

A pattern is refused when it cannot give unique serials (no counter, no random block),
when it is too long for its maximum length, or when its literals cannot be encoded by
the chosen label symbology. Rendered serials are checked again (codes are known then).
"""

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import date

from stdnum import luhn
from stdnum.iso7064 import mod_37_36

from odoo.addons.serial_tracking.tools.serial_charset import CODE128, GS1, SerialCharset


class SchemeError(ValueError):
    """A pattern or a rendered serial breaks a rule.

    ``code`` names the rule (for translated messages); ``params`` fills the message.
    """

    def __init__(self, code, message, **params):
        super().__init__(message % params if params else message)
        self.code = code
        self.params = params


# The barcode a scheme's serials are printed in, by what it lets a serial hold: the
# scheme's choices (selection labels) and the rule of each. Code 128 and GS1 are the
# label addon's symbologies (core ``serial_charset``); a QR code or DataMatrix of the
# serial alone (no GS1 syntax) takes any printable text.
SYMBOLOGIES = {
    "code128": ("Code 128 (printable ASCII, max 48)", CODE128),
    "gs1_21": (
        (
            "GS1 AI 21 (character set 82, max 20): GS1-128, GS1 DataMatrix, "
            "QR Digital Link"
        ),
        GS1,
    ),
    "qr": ("QR code of the serial alone", SerialCharset("QR code", None, 250)),
    "datamatrix": (
        "DataMatrix of the serial alone",
        SerialCharset("DataMatrix", None, 250),
    ),
}
# What a check character covers: letters and digits (see check_payload).
NOT_ALPHANUMERIC = re.compile("[^0-9A-Z]")
# Unambiguous by default: no I/O (read as 1/0 on labels).
DEFAULT_RANDOM_ALPHABET = "0123456789ABCDEFGHJKLMNPQRSTUVWXYZ"

DATE_TOKENS = {
    "yyyy": lambda d: f"{d.year:04d}",
    "yy": lambda d: f"{d.year % 100:02d}",
    "mm": lambda d: f"{d.month:02d}",
    "ww": lambda d: f"{d.isocalendar()[1]:02d}",
    "dd": lambda d: f"{d.day:02d}",
    "ddd": lambda d: f"{d.timetuple().tm_yday:03d}",
}
CODE_TOKENS = ("product", "category", "site")
TOKEN_RE = re.compile(r"\{([a-z]+)(?::([A-Za-z0-9]+))?\}")
MAX_WIDTH = 32


@dataclass(frozen=True)
class Token:
    # 'literal', a CODE_TOKENS/DATE_TOKENS name, 'counter', 'random', 'auth', 'check'
    kind: str
    value: str = ""  # literal text
    width: int = 0  # counter/random/auth length, or code truncation (0 = whole code)
    algorithm: str = ""  # check token: '', 'luhn' or 'mod37'


def luhn_check(payload):
    """Luhn check digit of a string of digits."""
    return luhn.calc_check_digit(payload)


def mod37_check(payload):
    """ISO/IEC 7064 MOD 37-36 check character of an alphanumeric string."""
    return mod_37_36.calc_check_digit(payload.upper())


def check_payload(text):
    """What the check character covers: the alphanumerics of ``text``, upper-cased."""
    return NOT_ALPHANUMERIC.sub("", text.upper())


def check_character(text, algorithm=""):
    """Check character of ``text`` (separators ignored); ``algorithm`` '' = auto."""
    payload = check_payload(text)
    if not payload:
        raise SchemeError("check_empty", "Nothing to compute a check character on.")
    if algorithm == "luhn" or (not algorithm and payload.isdigit()):
        if not payload.isdigit():
            raise SchemeError(
                "luhn_digits",
                "A Luhn check digit needs digits only, got %(text)s.",
                text=text,
            )
        return luhn_check(payload)
    return mod37_check(payload)


def auth_code(text, secret, length):
    """Truncated HMAC-SHA256 of ``text`` under ``secret``, ``length`` base32 chars."""
    if not secret:
        raise SchemeError("no_secret", "An authenticity code needs a secret.")
    key = secret.encode() if isinstance(secret, str) else secret
    digest = hmac.new(key, text.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:length]


def parse(pattern):
    """Split ``pattern`` into :class:`Token` objects (rules: see :class:`Scheme`)."""
    tokens, position = [], 0
    for match in TOKEN_RE.finditer(pattern):
        if match.start() > position:
            tokens.append(Token("literal", pattern[position : match.start()]))
        tokens.append(_token(match.group(1), match.group(2)))
        position = match.end()
    if position < len(pattern):
        tokens.append(Token("literal", pattern[position:]))
    for token in tokens:
        if token.kind == "literal" and ("{" in token.value or "}" in token.value):
            raise SchemeError(
                "bad_brace",
                "Unknown or malformed token near %(text)s.",
                text=token.value,
            )
    return tokens


def _width(name, arg, default=None, minimum=1):
    if arg is None:
        if default is None:
            raise SchemeError(
                "width_required",
                "Token {%(token)s} needs a width, e.g. {%(token)s:6}.",
                token=name,
            )
        return default
    if not arg.isdigit() or not minimum <= int(arg) <= MAX_WIDTH:
        raise SchemeError(
            "bad_width",
            "Width of {%(token)s} must be a number from %(min)s to %(max)s.",
            token=name,
            min=minimum,
            max=MAX_WIDTH,
        )
    return int(arg)


def _token(name, arg):
    if name in CODE_TOKENS:
        return Token(name, width=_width(name, arg, default=0))
    if name in DATE_TOKENS:
        if arg is not None:
            raise SchemeError(
                "bad_arg", "Token {%(token)s} takes no option.", token=name
            )
        return Token(name)
    if name in ("counter", "random"):
        return Token(name, width=_width(name, arg))
    if name == "auth":
        return Token(name, width=_width(name, arg, default=6, minimum=4))
    if name == "check":
        if arg not in (None, "luhn", "mod37"):
            raise SchemeError(
                "bad_arg",
                "Check algorithm must be luhn or mod37, not %(arg)s.",
                arg=arg,
            )
        return Token(name, algorithm=arg or "")
    raise SchemeError("unknown_token", "Unknown token {%(token)s}.", token=name)


@dataclass
class SerialContext:
    """Values the tokens of one generation run take (shared by its serials)."""

    date: date = field(default_factory=date.today)
    product: str = ""
    category: str = ""
    site: str = ""
    secret: str | bytes = ""


class Scheme:
    """A checked pattern: :meth:`render` makes serials, :meth:`verify` checks one."""

    def __init__(
        self,
        pattern,
        symbology="code128",
        max_length=None,
        alphabet=DEFAULT_RANDOM_ALPHABET,
        code_length=4,
    ):
        """``code_length`` is the length assumed for codes of unknown width when the
        pattern is checked; rendered serials are checked again with the real codes."""
        if symbology not in SYMBOLOGIES:
            raise SchemeError(
                "bad_symbology", "Unknown symbology %(name)s.", name=symbology
            )
        self.pattern = pattern or ""
        self.symbology = symbology
        charset = SYMBOLOGIES[symbology][1]
        self.charset, hard_max = charset.chars, charset.max_length
        self.max_length = min(max_length or hard_max, hard_max)
        self.alphabet = alphabet or DEFAULT_RANDOM_ALPHABET
        self.tokens = parse(self.pattern)
        self._check_rules(code_length)

    # ---- rules -----------------------------------------------------------------------
    def _check_rules(self, code_length):
        kinds = [t.kind for t in self.tokens]
        if not self.tokens:
            raise SchemeError("empty", "The pattern is empty.")
        if "counter" not in kinds and "random" not in kinds:
            raise SchemeError(
                "not_unique",
                "The pattern %(pattern)s cannot give unique serials: "
                "add a counter {counter:N} or a random block {random:N}.",
                pattern=self.pattern,
            )
        for kind in ("counter", "auth", "check"):
            if kinds.count(kind) > 1:
                raise SchemeError(
                    "repeated", "Token {%(token)s} may appear once.", token=kind
                )
        if "check" in kinds and kinds[-1] != "check":
            raise SchemeError("check_last", "{check} must be the last token.")
        if "auth" in kinds:
            tail = kinds[kinds.index("auth") + 1 :]
            if tail not in ([], ["check"]):
                raise SchemeError(
                    "auth_last", "{auth} may only be followed by {check}."
                )
            if kinds.index("auth") == 0:
                raise SchemeError("auth_alone", "{auth} needs text before it to sign.")
        if len(set(self.alphabet)) != len(self.alphabet) or len(self.alphabet) < 2:
            raise SchemeError(
                "bad_alphabet",
                "The random alphabet needs at least 2 distinct characters.",
            )
        literals = "".join(t.value for t in self.tokens if t.kind == "literal")
        self._check_charset(literals + self.alphabet, self.pattern)
        self._check_luhn_digits()
        estimate = sum(self._length(t, code_length) for t in self.tokens)
        if estimate > self.max_length:
            raise SchemeError(
                "too_long",
                "The pattern %(pattern)s gives serials of about %(length)s characters, "
                "more than the maximum of %(max)s.",
                pattern=self.pattern,
                length=estimate,
                max=self.max_length,
            )

    def _check_luhn_digits(self):
        """``{check:luhn}`` (or ``{check}`` after digits only) needs digits: refuse a
        pattern whose literals, random alphabet or authenticity code (base32) put
        letters before it. Codes ({product}...) are checked when rendered, before any
        counter is drawn."""
        check = self.check_token
        if not check or check.algorithm != "luhn":
            return
        literals = "".join(t.value for t in self.tokens if t.kind == "literal")
        payload = check_payload(literals + (self.alphabet if self.has_random else ""))
        letters = "".join(sorted({char for char in payload if not char.isdigit()}))
        if letters or self.auth_token:
            raise SchemeError(
                "luhn_digits",
                "A Luhn check digit needs digits only, got %(text)s.",
                text=letters or "{auth}",
            )

    def _check_charset(self, text, what):
        bad = sorted({c for c in text if not self._encodable(c)})
        if bad:
            raise SchemeError(
                "charset",
                "%(what)s uses characters that %(symbology)s cannot encode: %(chars)s",
                what=what,
                symbology=self.symbology,
                chars=" ".join(repr(c) for c in bad),
            )

    def _encodable(self, char):
        if self.charset is None:
            return char.isprintable()
        return char in self.charset

    @staticmethod
    def _length(token, code_length):
        if token.kind == "literal":
            return len(token.value)
        if token.kind in CODE_TOKENS:
            return token.width or code_length
        if token.kind in DATE_TOKENS:
            return len(DATE_TOKENS[token.kind](date(2000, 1, 1)))
        if token.kind == "check":
            return 1
        return token.width

    # ---- properties ------------------------------------------------------------------
    @property
    def has_counter(self):
        return any(t.kind == "counter" for t in self.tokens)

    @property
    def has_random(self):
        return any(t.kind == "random" for t in self.tokens)

    @property
    def auth_token(self):
        return next((t for t in self.tokens if t.kind == "auth"), None)

    @property
    def check_token(self):
        return next((t for t in self.tokens if t.kind == "check"), None)

    # ---- rendering -------------------------------------------------------------------
    def _fixed(self, token, context):
        if token.kind == "literal":
            return token.value
        if token.kind in CODE_TOKENS:
            code = (getattr(context, token.kind) or "").strip().upper()
            if not code:
                raise SchemeError(
                    "missing_code",
                    "Token {%(token)s} has no code to put in the serial.",
                    token=token.kind,
                )
            return code[: token.width] if token.width else code
        return DATE_TOKENS[token.kind](context.date)

    def render(self, counters, context=None, count=None):
        """Serials for each counter value of ``counters`` (or ``count`` serials without
        counter), in order. Raises :class:`SchemeError` when a serial breaks a rule."""
        context = context or SerialContext()
        if self.has_counter:
            counters = list(counters)
        else:
            counters = [None] * (count if count is not None else len(list(counters)))
        if self.auth_token and not context.secret:
            raise SchemeError("no_secret", "An authenticity code needs a secret.")
        # Token values shared by the whole run are computed once.
        parts = [
            None
            if t.kind in ("counter", "random", "auth", "check")
            else self._fixed(t, context)
            for t in self.tokens
        ]
        fixed = "".join(p for p in parts if p is not None)
        self._check_charset(fixed, fixed)
        alphabet = self.alphabet
        serials = []
        for value in counters:
            text = []
            for token, part in zip(self.tokens, parts, strict=True):
                if part is not None:
                    text.append(part)
                elif token.kind == "counter":
                    text.append(str(value).zfill(token.width))
                elif token.kind == "random":
                    text.append(
                        "".join(secrets.choice(alphabet) for _i in range(token.width))
                    )
                elif token.kind == "auth":
                    text.append(auth_code("".join(text), context.secret, token.width))
                else:  # check
                    text.append(check_character("".join(text), token.algorithm))
            serials.append("".join(text))
        longest = max(serials, key=len, default="")
        if len(longest) > self.max_length:
            raise SchemeError(
                "too_long_serial",
                "Serial %(serial)s is longer than the maximum of %(max)s characters.",
                serial=longest,
                max=self.max_length,
            )
        return serials

    # ---- verification ----------------------------------------------------------------
    def verify(self, serial, secret=None):
        """True when ``serial`` carries a valid check character and, when the pattern
        has ``{auth}``, the authenticity code that ``secret`` gives. No database
        needed."""
        serial = (serial or "").strip()
        check, auth = self.check_token, self.auth_token
        if check:
            if len(serial) < 2:
                return False
            body, char = serial[:-1], serial[-1]
            try:
                if check_character(body, check.algorithm) != char.upper():
                    return False
            except SchemeError:
                return False
            serial = body
        if auth:
            if not secret or len(serial) <= auth.width:
                return False
            signed, code = serial[: -auth.width], serial[-auth.width :]
            expected = auth_code(signed, secret, auth.width)
            return hmac.compare_digest(expected, code.upper())
        return True


def verify(serial, secret, pattern, **options):
    """Module-level shortcut of :meth:`Scheme.verify` for a pattern given as text."""
    return Scheme(pattern, **options).verify(serial, secret)
