from odoo.tests import BaseCase, tagged

from odoo.addons.serial_tracking.tools import gs1, serial_charset
from odoo.addons.serial_tracking_label.tools import symbology as sym
from odoo.addons.serial_tracking_scheme.tools import scheme as st

GTIN13 = "4006381333931"
BASE = "https://id.example.com"
CSET82 = "".join(sorted(gs1.CSET82))
# Printable ASCII but the braces, which delimit a pattern's tokens.
PRINTABLE = "".join(sorted(serial_charset.CODE128.chars - {"{", "}"}))


@tagged("post_install", "-at_install", "serial_tracking")
class TestSchemeSerialsPrint(BaseCase):
    """What a scheme accepts for a label symbology is what the label can print:
    both read the core's ``serial_charset`` rules."""

    def assertLabelRefuses(self, code, symbology, serial):
        with self.assertRaises(sym.LabelError) as caught:
            sym.build(symbology, sym.UnitData(serial, GTIN13), BASE)
        self.assertEqual(caught.exception.code, code)

    def assertSchemeRefuses(self, code, pattern, symbology):
        with self.assertRaises(st.SchemeError) as caught:
            st.Scheme(pattern, symbology=symbology)
        self.assertEqual(caught.exception.code, code)

    def serials(self, text, symbology, width):
        """Serials of a scheme whose literals are ``text``, cut to fit ``width``."""
        return [
            st.Scheme(text[start : start + width] + "{counter:2}", symbology).render(
                [7]
            )[0]
            for start in range(0, len(text), width)
        ]

    def test_gs1_serials_print_on_every_gs1_label(self):
        for serial in self.serials(CSET82, "gs1_21", 18) + ["0" * 20]:
            for symbology in sym.GS1_SYMBOLOGIES:
                sym.build(symbology, sym.UnitData(serial, GTIN13), BASE)
        st.Scheme("{counter:20}", "gs1_21")
        self.assertSchemeRefuses("too_long", "{counter:21}", "gs1_21")
        self.assertSchemeRefuses("charset", "SN#{counter:6}", "gs1_21")
        for symbology in sym.GS1_SYMBOLOGIES:
            self.assertLabelRefuses("too_long", symbology, "0" * 21)
            self.assertLabelRefuses("unencodable", symbology, "SN#000001")

    def test_code128_serials_print_as_code128(self):
        for serial in self.serials(PRINTABLE, "code128", 46) + ["0" * 48]:
            sym.build(sym.CODE128, sym.UnitData(serial))
        st.Scheme("0" * 42 + "{counter:6}", "code128")
        self.assertSchemeRefuses("too_long", "0" * 43 + "{counter:6}", "code128")
        self.assertSchemeRefuses("charset", "SNé{counter:6}", "code128")
        self.assertLabelRefuses("too_long", sym.CODE128, "0" * 49)
        self.assertLabelRefuses("unencodable", sym.CODE128, "SNé000001")
