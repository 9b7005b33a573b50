from odoo.tests import BaseCase, tagged

from ..tools import text


@tagged("post_install", "-at_install", "serial_tracking")
class TestText(BaseCase):
    """Which characters an input may never contain."""

    def test_control_and_format_characters_found(self):
        self.assertEqual(text.unprintable_characters("SN\x00-1\x00"), ["\x00"])
        self.assertEqual(
            text.unprintable_characters("\x1b[2JSN\u200b1\t"), ["\x1b", "\u200b", "\t"]
        )
        self.assertEqual(text.unprintable_characters("SN\x7f"), ["\x7f"])

    def test_printable_text_and_gs_separator_pass(self):
        for value in ("SN-0001", "Ü-日本-ö", "0109506000134352\x1d10B1", "", None):
            with self.subTest(value=value):
                self.assertEqual(text.unprintable_characters(value), [])
        self.assertEqual(text.unprintable_characters("A\x1dB", allowed=""), ["\x1d"])

    def test_description(self):
        self.assertEqual(
            text.describe_characters(["\x00", "\u200b"]),
            "U+0000 (control character), U+200B (ZERO WIDTH SPACE)",
        )
