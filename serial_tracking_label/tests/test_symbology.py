"""Round trips of every symbology through its image: render, decode with zxing-cpp,
compare with exactly the string that was meant; and refusal of bad input."""

import io
import random
import string
from datetime import date

import zxingcpp
from PIL import Image

from odoo.tests import BaseCase, tagged

from odoo.addons.serial_tracking.tools import gs1, serial_charset
from odoo.addons.serial_tracking_label.tools import symbology as sym
from odoo.addons.serial_tracking_label.tools import zpl as zpl_tools

from .common import decode_png

GTIN13 = "4006381333931"
UNIT = sym.UnitData("SN-0001/a", GTIN13, "B_12", date(2027, 3, 31))
BASE = "https://id.example.com/"
CSET82 = "".join(sorted(gs1.CSET82))


@tagged("post_install", "-at_install", "serial_tracking")
class TestSymbology(BaseCase):
    def assert_round_trip(self, barcode, formats=None):
        decoded = decode_png(sym.png(barcode), formats)
        self.assertEqual(len(decoded), 1, f"{barcode} did not scan back: {decoded}")
        self.assertEqual(decoded[0][1], barcode.data)
        return decoded[0]

    def test_code128(self):
        barcode = sym.build(sym.CODE128, UNIT)
        self.assertEqual(barcode.data, "SN-0001/a")
        fmt, _content, ident = self.assert_round_trip(barcode)
        self.assertEqual((fmt, ident), ("Code128", "]C0"))  # plain Code 128, no FNC1

    def test_gs1_128(self):
        barcode = sym.build(sym.GS1_128, UNIT)
        # Fixed-length 01 and 17 first, GS after the variable-length batch, none at the
        # end; ']C1' = FNC1 in first position, i.e. a GS1-128 symbol.
        self.assertEqual(barcode.data, "01040063813339311727033110B_12\x1d21SN-0001/a")
        self.assertEqual(
            barcode.hri, "(01)04006381333931(17)270331(10)B_12(21)SN-0001/a"
        )
        fmt, content, ident = self.assert_round_trip(barcode)
        self.assertEqual((fmt, ident), ("Code128", "]C1"))
        data = gs1.decode(content)  # the core's reader understands it
        self.assertEqual(
            (data.gtin, data.serial, data.batch, data.expiry_date),
            ("04006381333931", "SN-0001/a", "B_12", date(2027, 3, 31)),
        )

    def test_gs1_datamatrix(self):
        barcode = sym.build(sym.GS1_DATAMATRIX, UNIT)
        self.assertEqual(barcode.data, "01040063813339311727033110B_12\x1d21SN-0001/a")
        fmt, _content, ident = self.assert_round_trip(barcode)
        self.assertEqual((fmt, ident), ("DataMatrix", "]d2"))  # GS1 DataMatrix

    def test_gs1_without_batch_and_expiry(self):
        unit = sym.UnitData("A1", "036000291452")
        for symbology in (sym.GS1_128, sym.GS1_DATAMATRIX):
            barcode = sym.build(symbology, unit)
            self.assertEqual(barcode.data, "0100036000291452" + "21A1")  # no GS at all
            self.assert_round_trip(barcode)

    def test_qr_digital_link(self):
        barcode = sym.build(sym.QR_DIGITAL_LINK, UNIT, BASE)
        self.assertEqual(
            barcode.data,
            "https://id.example.com/01/04006381333931/10/B_12/21/SN-0001%2Fa?17=270331",
        )
        fmt, content, _ident = self.assert_round_trip(barcode)
        self.assertEqual(fmt, "QRCode")
        data = gs1.decode(content)
        self.assertEqual((data.serial, data.batch), ("SN-0001/a", "B_12"))

    def test_ean13(self):
        barcode = sym.build(sym.EAN13, UNIT)
        self.assertEqual(barcode.data, GTIN13)
        fmt, _content, _ident = self.assert_round_trip(barcode)
        self.assertEqual(fmt, "EAN13")

    def test_upca(self):
        barcode = sym.build(sym.UPCA, sym.UnitData("X", "036000291452"))
        self.assertEqual(barcode.hri, "036000291452")
        # UPC-A is transmitted in its 13-digit EAN form (ISO/IEC 15420, ']E0').
        self.assertEqual(barcode.data, "0036000291452")
        fmt, _content, _ident = self.assert_round_trip(
            barcode, zxingcpp.BarcodeFormat.UPCA
        )
        self.assertEqual(fmt, "UPCA")

    def test_plain_qr_and_datamatrix_of_any_serial(self):
        """A scheme limited to QR code or DataMatrix allows any text: those labels
        print it, and a scanner reads back exactly the serial (UTF-8)."""
        for symbology, fmt in (
            (sym.QR_SERIAL, "QRCode"),
            (sym.DATAMATRIX_SERIAL, "DataMatrix"),
        ):
            for serial in ("Ü-0001", "ö", "日本-42", "SN_1/a", "x" * 250):
                with self.subTest(symbology=symbology, serial=serial[:10]):
                    barcode = sym.build(symbology, sym.UnitData(serial))
                    self.assertEqual((barcode.data, barcode.hri), (serial, serial))
                    image = Image.open(io.BytesIO(sym.png(barcode)))
                    results = zxingcpp.read_barcodes(image)
                    self.assertEqual(len(results), 1)
                    self.assertEqual(results[0].format.name, fmt)
                    self.assertEqual(results[0].bytes.decode(), serial)
                    self.assertTrue(sym.svg(barcode).startswith(b"<svg "))
            with self.assertRaises(sym.LabelError):
                sym.build(symbology, sym.UnitData("x" * 251))
        # Code 128 and the GS1 codes still refuse what they cannot carry.
        for symbology in (sym.CODE128, sym.GS1_128):
            with self.assertRaises(sym.LabelError):
                sym.build(symbology, sym.UnitData("日本-42", GTIN13))
        self.assertEqual(
            zpl_tools.zpl_barcode(
                sym.build(sym.DATAMATRIX_SERIAL, sym.UnitData("A_Ü"))
            ),
            "^BXN,2,200,0,0,6,_^FH\\^FDA__Ü^FS",
        )

    def test_random_serials_round_trip(self):
        """Any encodable serial scans back: Code 128 over printable ASCII, GS1 codes
        over the 82-character set (switches between Code 128 sets A/B/C, FNC1...)."""
        rng = random.Random(20261122)
        printable = "".join(sorted(serial_charset.CODE128.chars))
        for _i in range(40):
            serial = "".join(rng.choice(printable) for _c in range(rng.randint(1, 24)))
            self.assert_round_trip(sym.build(sym.CODE128, sym.UnitData(serial)))
            serial = "".join(
                rng.choice(CSET82 if rng.random() < 0.5 else string.digits)
                for _c in range(rng.randint(1, 20))
            )
            batch = "".join(rng.choice(CSET82) for _c in range(rng.randint(0, 20)))
            unit = sym.UnitData(serial, GTIN13, batch or None)
            for symbology in sym.GS1_SYMBOLOGIES:
                self.assert_round_trip(sym.build(symbology, unit, BASE))

    def test_bad_input(self):
        cases = [
            (sym.EAN13, sym.UnitData("S1", "4006381333932"), "bad_check_digit"),
            (sym.GS1_128, sym.UnitData("S1", "4006381333932"), "bad_check_digit"),
            (sym.UPCA, sym.UnitData("S1", "036000291453"), "bad_check_digit"),
            (sym.UPCA, sym.UnitData("S1", GTIN13), "not_upca"),
            (sym.EAN13, sym.UnitData("S1", "12345abc"), "bad_gtin"),
            (sym.CODE128, sym.UnitData("SNé1"), "unencodable"),
            (sym.CODE128, sym.UnitData("SN\t1"), "unencodable"),
            (sym.GS1_128, sym.UnitData("SN 1", GTIN13), "unencodable"),
            (sym.GS1_DATAMATRIX, sym.UnitData("SN#1", GTIN13), "unencodable"),
            (sym.GS1_DATAMATRIX, sym.UnitData("S1", GTIN13, "B 1"), "unencodable"),
            (sym.QR_DIGITAL_LINK, sym.UnitData("S" * 21, GTIN13), "too_long"),
            (sym.GS1_128, sym.UnitData("S1"), "no_gtin"),
            (sym.GS1_DATAMATRIX, sym.UnitData("S1"), "no_gtin"),
            (sym.QR_DIGITAL_LINK, sym.UnitData("S1"), "no_gtin"),
            (sym.EAN13, sym.UnitData("S1"), "no_gtin"),
            (sym.CODE128, sym.UnitData(""), "empty_serial"),
        ]
        for symbology, unit, code in cases:
            with self.subTest(symbology=symbology, unit=unit):
                with self.assertRaises(sym.LabelError) as caught:
                    sym.build(symbology, unit, BASE)
                self.assertEqual(caught.exception.code, code)
        with self.assertRaises(sym.LabelError) as caught:
            sym.build(sym.QR_DIGITAL_LINK, UNIT, None)
        self.assertEqual(caught.exception.code, "no_base_url")


@tagged("post_install", "-at_install", "serial_tracking")
class TestZplCommands(BaseCase):
    """ZPL II output of each symbology, command by command."""

    def test_code128(self):
        barcode = sym.build(sym.CODE128, sym.UnitData("SN->0001^~a"))
        # Start B; '>' escaped as '><'; a 4-digit run in the middle stays in B
        # (ISO/IEC 15417 annex E); '^' and '~' are ZPL prefixes, hex-escaped by ^FH.
        self.assertEqual(
            zpl_tools.zpl_barcode(barcode, module=2, height=60),
            "^BY2^BCN,60,N,N,N,N^FH\\^FD>:SN-><0001\\5E\\7Ea^FS",
        )
        for serial in ("SN-0001/A", "123456", "12345", "A123456B", "X12345678901"):
            barcode = sym.build(sym.CODE128, sym.UnitData(serial))
            words = zpl_code128_words(barcode)
            self.assertEqual(code128_text(words), serial)
            self.assertEqual(
                zpl_tools.zpl_module_count(barcode), 11 * (len(words) + 1) + 13
            )
            # Never wider than python-barcode's encoding of the PDF labels.
            self.assertLessEqual(
                zpl_tools.zpl_module_count(barcode), sym.module_count(barcode)
            )
        self.assertEqual(
            zpl_code128_words(sym.build(sym.CODE128, sym.UnitData("AB123456"))),
            [104, 33, 34, 99, 12, 34, 56],  # start B, 'A', 'B', set C, 12 34 56
        )

    def test_gs1_128(self):
        barcode = sym.build(sym.GS1_128, UNIT)
        zpl = zpl_tools.zpl_barcode(barcode, module=1, height=80)
        # Start C + FNC1 (>;>8), digits in set C, >6 to set B for the batch, >8 = FNC1
        # separator after the variable-length batch.
        self.assertEqual(
            zpl,
            "^BY1^BCN,80,N,N,N,N^FH\\^FD>;>801040063813339311727033110>6B_12>821SN->50001"
            ">6/a^FS",
        )
        # The printer draws the code words python-barcode drew in the PDF.
        self.assertEqual(
            zpl_code128_words(barcode),
            list(sym._code128(barcode.symbology, barcode.encoder_input)[0]),
        )

    def test_datamatrix_qr_ean_upc(self):
        self.assertEqual(
            zpl_tools.zpl_barcode(sym.build(sym.GS1_DATAMATRIX, UNIT), module=4),
            # quality 200, escape '_': _1 = FNC1 (first: GS1, then separator); '__'
            "^BXN,4,200,0,0,6,_^FH\\^FD_101040063813339311727033110B__12_121SN-0001/a^FS",
        )
        self.assertEqual(
            zpl_tools.zpl_barcode(sym.build(sym.QR_DIGITAL_LINK, UNIT, BASE), module=3),
            "^BQN,2,3^FH\\^FDMA,https://id.example.com/01/04006381333931/10/B_12/21/"
            "SN-0001%2Fa?17=270331^FS",
        )
        self.assertEqual(
            zpl_tools.zpl_barcode(sym.build(sym.EAN13, UNIT), module=2, height=70),
            "^BY2^BEN,70,N,N^FH\\^FD400638133393^FS",  # printer adds the check digit
        )
        self.assertEqual(
            zpl_tools.zpl_barcode(
                sym.build(sym.UPCA, sym.UnitData("X", "036000291452")), 2, 70
            ),
            "^BY2^BUN,70,N,N,Y^FH\\^FD03600029145^FS",
        )


def code128_text(words):
    """The text Code 128 data words (start word first) stand for, sets B and C."""
    charset, text = {104: "B", 105: "C"}[words[0]], ""
    for word in words[1:]:
        if word in (99, 100):
            charset = "C" if word == 99 else "B"
        elif charset == "C":
            text += f"{word:02d}"
        else:
            text += chr(word + 32)
    return text


def zpl_code128_words(barcode):
    """Read ^BC mode N field data back into Code 128 code words, as a printer does."""
    zpl = zpl_tools.zpl_barcode(barcode)
    data = zpl.split("^FD", 1)[1].rsplit("^FS", 1)[0]
    for escape, char in (("\\5E", "^"), ("\\7E", "~"), ("\\5C", "\\")):
        data = data.replace(escape, char)
    starts = {">9": (103, "A"), ">:": (104, "B"), ">;": (105, "C")}
    word, charset = starts[data[:2]]
    words, i = [word], 2
    while i < len(data):
        pair = data[i : i + 2]
        if pair == ">8":
            words.append(102)
        elif pair in (">5", ">6", ">7"):
            charset = {">5": "C", ">6": "B", ">7": "A"}[pair]
            words.append({"C": 99, "B": 100, "A": 101}[charset])
        elif pair == "><":
            words.append(ord(">") - 32)
        elif charset == "C":
            words.append(int(pair))
        else:
            words.append(ord(data[i]) - 32)
            i += 1
            continue
        i += 2
    return words
