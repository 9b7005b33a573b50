from datetime import date

from odoo.tests import BaseCase, tagged

from ..tools import scheme as st


@tagged("post_install", "-at_install", "serial_tracking")
class TestSchemeTools(BaseCase):
    """The pure scheme module: tokens, check characters, refusals, verification.

    Expected check characters and authenticity codes are literals, checked by hand
    (Luhn, ISO/IEC 7064 MOD 37-36) and with Python's hmac, never computed by the
    module under test."""

    context = st.SerialContext(
        date=date(2026, 3, 5),  # ISO week 10, day 064
        product="pump-x",
        category="pumps",
        site="wh1",
        secret="s3cret",
    )

    def render(self, pattern, counters=(7,), **options):
        return st.Scheme(pattern, **options).render(
            counters, self.context, count=len(counters)
        )

    # ---- tokens ----------------------------------------------------------------------
    def test_code_tokens(self):
        self.assertEqual(self.render("{product}/{counter:2}"), ["PUMP-X/07"])
        self.assertEqual(self.render("{product:4}{counter:2}"), ["PUMP07"])
        self.assertEqual(self.render("{category}{counter:2}"), ["PUMPS07"])
        self.assertEqual(self.render("{category:3}{counter:2}"), ["PUM07"])
        self.assertEqual(self.render("{site}{counter:2}"), ["WH107"])

    def test_date_tokens(self):
        self.assertEqual(
            self.render("{yyyy}.{yy}.{mm}.{ww}.{dd}.{ddd}.{counter:1}"),
            ["2026.26.03.10.05.064.7"],
        )
        # ISO week of a date early in January belongs to the previous year's week 53.
        ctx = st.SerialContext(date=date(2021, 1, 2))
        self.assertEqual(st.Scheme("{ww}{counter:1}").render([1], ctx), ["531"])

    def test_counter_token(self):
        self.assertEqual(
            self.render("{counter:6}", counters=(1, 42, 999999)),
            ["000001", "000042", "999999"],
        )
        # A counter outgrowing its width keeps every digit (still unique).
        self.assertEqual(self.render("{counter:2}", counters=(123,)), ["123"])

    def test_random_token(self):
        serials = st.Scheme("R{random:8}", alphabet="AB").render([], count=50)
        self.assertEqual(len(serials), 50)
        for serial in serials:
            self.assertRegex(serial, r"^R[AB]{8}$")
        self.assertGreater(len(set(serials)), 1)
        default = st.Scheme("{random:12}").render([], count=20)
        for serial in default:
            self.assertTrue(set(serial) <= set(st.DEFAULT_RANDOM_ALPHABET))
            self.assertNotIn("O", serial)

    def test_check_token(self):
        # Luhn over the digits, MOD 37-36 over the alphanumerics (separators left out).
        self.assertEqual(self.render("{yy}{counter:8}{check}", (5,)), ["26000000054"])
        self.assertEqual(
            self.render("{product}-{counter:4}{check}", (5,)), ["PUMP-X-0005U"]
        )
        self.assertEqual(self.render("{yy}{counter:4}{check:mod37}", (5,)), ["2600053"])
        with self.assertRaises(st.SchemeError) as caught:
            self.render("{product}{counter:4}{check:luhn}")
        self.assertEqual(caught.exception.code, "luhn_digits")

    def test_auth_token(self):
        (serial,) = self.render("{product}-{counter:5}{auth:6}", counters=(9,))
        self.assertEqual(serial[:-6], "PUMP-X-00009")
        # base32(HMAC-SHA256(b"s3cret", b"PUMP-X-00009"))[:6]
        self.assertEqual(serial[-6:], "XQ2R3J")
        with self.assertRaises(st.SchemeError):
            st.Scheme("{counter:4}{auth:4}").render([1], st.SerialContext())

    # ---- check characters: known vectors ---------------------------------------------
    def test_luhn_vectors(self):
        # Wikipedia's worked example, and the Visa test card number 4111 1111 1111 1111.
        self.assertEqual(st.luhn_check("7992739871"), "3")  # 79927398713
        self.assertEqual(st.luhn_check("411111111111111"), "1")
        self.assertEqual(st.luhn_check("0"), "0")
        self.assertEqual(st.check_character("7992-7398-71"), "3")  # separators ignored

    def test_mod37_36_vectors(self):
        # The GRid (Global Release Identifier) A1-2425G-ABC1234002-M: its check
        # character is ISO/IEC 7064 MOD 37-36.
        self.assertEqual(st.mod37_check("A12425GABC1234002"), "M")
        self.assertEqual(st.check_character("a12425gabc1234002"), "M")
        self.assertEqual(st.check_character("A12425G-ABC1234002"), "M")

    # ---- refusals --------------------------------------------------------------------
    def assertRefused(self, pattern, code, **options):
        with self.assertRaises(st.SchemeError) as caught:
            st.Scheme(pattern, **options)
        self.assertEqual(caught.exception.code, code, caught.exception)

    def test_refuse_not_unique(self):
        self.assertRefused("{product}-{yyyy}{check}", "not_unique")
        self.assertRefused("FIXED", "not_unique")

    def test_refuse_too_long(self):
        self.assertRefused("{product}{counter:20}", "too_long", symbology="gs1_21")
        self.assertRefused("{counter:10}", "too_long", max_length=8)
        # The real code may only be known at rendering time: checked again then.
        scheme = st.Scheme("{product}{counter:4}", max_length=10)
        with self.assertRaises(st.SchemeError) as caught:
            scheme.render([1], st.SerialContext(product="VERYLONGCODE"))
        self.assertEqual(caught.exception.code, "too_long_serial")

    def test_refuse_symbology_charset(self):
        self.assertRefused("SN#{counter:6}", "charset", symbology="gs1_21")
        self.assertRefused("SN{counter:6}é", "charset", symbology="code128")
        self.assertRefused("{random:6}", "charset", symbology="gs1_21", alphabet="AB#")
        # The same literals are fine where the symbology can carry them.
        st.Scheme("SN#{counter:6}", symbology="code128")
        st.Scheme("SNé{counter:6}", symbology="datamatrix")
        with self.assertRaises(st.SchemeError) as caught:
            st.Scheme("{product}{counter:4}", symbology="gs1_21").render(
                [1], st.SerialContext(product="A#B")
            )
        self.assertEqual(caught.exception.code, "charset")

    def test_refuse_malformed(self):
        self.assertRefused("{counter}", "width_required")
        self.assertRefused("{counter:0}", "bad_width")
        self.assertRefused("{unknown}{counter:4}", "unknown_token")
        self.assertRefused("{check}{counter:4}", "check_last")
        self.assertRefused("{counter:4}{auth:4}X", "auth_last")
        self.assertRefused("{counter:4}{counter:4}", "repeated")
        self.assertRefused("{counter:4}{check:md5}", "bad_arg")
        self.assertRefused("{counter:4}{", "bad_brace")
        self.assertRefused("", "empty")

    # ---- verification without database -----------------------------------------------
    def test_verify(self):
        scheme = st.Scheme("{product}-{counter:6}{auth:5}{check}")
        serials = scheme.render([1, 2, 3], self.context)
        for serial in serials:
            self.assertTrue(scheme.verify(serial, "s3cret"))
            self.assertTrue(st.verify(serial, "s3cret", scheme.pattern))
        genuine = serials[0]
        self.assertFalse(scheme.verify(genuine, "other secret"))
        # A typo breaks the check character.
        typo = "B" if genuine[-2] == "A" else "A"
        self.assertFalse(scheme.verify(genuine[:-2] + typo + genuine[-1], "s3cret"))
        # A forger changing the counter and recomputing the public check character
        # still lacks the secret code.
        body = "PUMP-X-000004" + genuine[-6:-1]
        forged = body + st.check_character(body)
        self.assertFalse(scheme.verify(forged, "s3cret"))
        self.assertFalse(scheme.verify("", "s3cret"))
        plain = st.Scheme("{counter:6}{check}")
        self.assertTrue(plain.verify("0000018"))  # Luhn of 000001 is 8
        self.assertFalse(plain.verify("0000017"))
