"""Real PDFs through wkhtmltopdf: every layout x symbology scans back from the
rasterised pages, every serial's text is on its page, and a few pages are kept as PNG
under .local/artefacts/labels/ for a person to look at."""

import io
import json
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote, urlencode

from PIL import Image

from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import PdfFileReader

from .common import SerialLabelCommon, decode_image

ARTEFACTS = Path(__file__).resolve().parents[2] / ".local" / "artefacts" / "labels"
LAYOUTS = ("roll_50x25", "roll_100x50", "a4_3x7")


@tagged("post_install", "-at_install", "serial_tracking")
class TestLabelPdf(HttpCase, SerialLabelCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # No script in these pages: skip wkhtmltopdf's default 1 s JavaScript delay.
        cls.env["ir.config_parameter"].sudo().set_param("report.print_delay", "0")
        Lot = cls.env["stock.lot"]
        cls.sheet_lots = cls.lots | Lot.create(
            [
                {
                    "name": f"SN-{i:04d}/A",
                    "product_id": cls.product_gtin.id,
                    "batch_id": cls.batch.id,
                    "expiration_date": "2027-03-31 12:00:00",
                }
                for i in range(6, 24)
            ]
        )
        # GTIN + serial only: a GS1-128 short enough for the small labels.
        cls.short_lots = Lot.create(
            [{"name": f"S{i}", "product_id": cls.product_gtin.id} for i in (1, 2)]
        )
        cls.upc_lots = cls.lot_upc | Lot.create(
            {"name": "UPC-2", "product_id": cls.product_upc.id}
        )
        ARTEFACTS.mkdir(parents=True, exist_ok=True)

    def expected(self, symbology, lot):
        """Exactly what a scanner must return for ``lot``'s label."""
        if symbology == "code128":
            return lot.name
        if symbology in ("gs1_128", "gs1_datamatrix"):
            # 01 and 17 are fixed-length; GS ends the batch; the serial comes last.
            expiry = lot.expiration_date and lot.expiration_date.strftime("%y%m%d")
            batch = lot.batch_id.name
            return (
                "0108712345000011"
                + (f"17{expiry}" if expiry else "")
                + (f"10{batch}\x1d" if batch else "")
                + f"21{lot.name}"
            )
        if symbology == "qr_digital_link":
            return (
                "https://id.example.com/01/08712345000011/10/B_12%2F7/21/"
                f"{quote(lot.name, safe='')}?17=270331"
            )
        return "8712345000011" if symbology == "ean13" else "0036000291452"

    def render(self, layout, symbology, lots):
        report = f"serial_tracking_label.action_report_serial_label_{layout}"
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(
                report,
                lots.ids,
                data={"lot_ids": lots.ids, "layout": layout, "symbology": symbology},
            )
        )
        self.assertEqual(report_type, "pdf")
        return pdf

    def rasterise(self, pdf, dpi):
        """Pages of ``pdf`` as greyscale PIL images (poppler's pdftoppm)."""
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp, "labels.pdf")
            path.write_bytes(pdf)
            subprocess.run(
                ["pdftoppm", "-r", str(dpi), "-gray", "-png", path, Path(tmp, "page")],
                check=True,
            )
            pages = []
            for png in sorted(Path(tmp).glob("page-*.png")):
                with Image.open(png) as image:
                    image.load()
                    pages.append(image)
            return pages

    def keep(self, image, name, dpi):
        """Save a page at 150 dpi as a CI artefact."""
        scale = 150 / dpi
        size = (round(image.width * scale), round(image.height * scale))
        image.resize(size, Image.LANCZOS).save(ARTEFACTS / f"{name}.png")

    def assert_scans_back(self, layout, symbology, lots, per_page):
        pdf = self.render(layout, symbology, lots)
        matrix = symbology in ("gs1_datamatrix", "qr_digital_link")
        dpi = 200 if matrix else (400 if layout == "a4_3x7" else 600)
        pages = self.rasterise(pdf, dpi)
        chunks = [lots[i : i + per_page] for i in range(0, len(lots), per_page)]
        self.assertEqual(len(pages), len(chunks), "one page per label / per sheet")
        for number, (page, chunk) in enumerate(zip(pages, chunks, strict=True), 1):
            decoded = sorted(content for _fmt, content, _id in decode_image(page))
            expected = sorted(self.expected(symbology, lot) for lot in chunk)
            self.assertEqual(
                decoded, expected, f"{layout} {symbology} page {number} does not scan"
            )
        self.keep(pages[0], f"{layout}-{symbology}", dpi)
        return pdf

    def test_every_layout_and_symbology_scans_back(self):
        for layout in LAYOUTS:
            per_page = 21 if layout == "a4_3x7" else 1
            cases = {
                "code128": self.lots[:3],
                "gs1_128": self.lots[:2]
                if layout == "roll_100x50"
                else self.short_lots,
                "gs1_datamatrix": self.lots[:3],
                "qr_digital_link": self.lots[:3],
                "ean13": self.lots[:2],
                "upca": self.upc_lots,
            }
            for symbology, lots in cases.items():
                with self.subTest(layout=layout, symbology=symbology):
                    self.assert_scans_back(layout, symbology, lots, per_page)

    def test_every_serial_text_on_its_page(self):
        """Text extraction works with Debian's wkhtmltopdf here (DejaVu fonts are
        embedded as CID TrueType text); the barcodes are checked from pixels above."""
        lots = self.sheet_lots  # 23 units: 21 on page 1, 2 on page 2
        pdf = self.assert_scans_back("a4_3x7", "gs1_datamatrix", lots, 21)
        reader = PdfFileReader(io.BytesIO(pdf))
        self.assertEqual(len(reader.pages), 2)
        # Words come out separated by tabs and line breaks: compare word sequences.
        texts = [" ".join(page.extract_text().split()) for page in reader.pages]
        for index, lot in enumerate(lots):
            page = index // 21
            self.assertIn(lot.name, texts[page], f"{lot.name} not on page {page + 1}")
            self.assertNotIn(lot.name, texts[1 - page])
        for text in ("[LBL-1] Label Widget", "Batch B_12/7", "Exp. 03/31/2027"):
            self.assertIn(text, texts[0])
        self.assertIn(self.env.company.name, texts[0])
        roll = self.render("roll_50x25", "code128", self.lots[:3])
        reader = PdfFileReader(io.BytesIO(roll))
        self.assertEqual(
            [page.extract_text().split()[0] for page in reader.pages],
            self.lots[:3].mapped("name"),
        )

    def test_nothing_cut_at_the_edges(self):
        """Ink stays inside each label's padding (rolls: the page is the label;
        sheets: the 3 x 7 grid from 15 mm top, 7 mm left). Text that overflowed a
        label would be clipped at its edge, leaving ink in the padding: caught here
        (a clipped line is still found by text extraction, so pixels it is)."""
        dpi = 200
        mm = dpi / 25.4
        long_name = self.env["product.product"].create(
            {
                "name": "A product name far too long to fit on any label line " * 3,
                "default_code": "LONG-REFERENCE-0001",
                "barcode": "8712345000028",
                "is_storable": True,
                "tracking": "serial",
            }
        )
        worst = self.lots[:2] | self.env["stock.lot"].create(
            {
                "name": "SN-WIDEST-SERIAL-20",
                "product_id": long_name.id,
                "batch_id": self.batch.id,
                "expiration_date": "2027-03-31 12:00:00",
            }
        )
        worst.company_id.name = "A Company Name Long Enough To Overflow Labels Ltd"
        padding = {"roll_50x25": 1.2, "roll_100x50": 2.5, "a4_3x7": 2.0}
        for layout, symbology, lots in (
            ("roll_50x25", "code128", worst),
            ("roll_50x25", "gs1_128", self.short_lots),
            ("roll_50x25", "gs1_datamatrix", worst),
            ("roll_100x50", "gs1_128", worst[:2]),
            ("roll_100x50", "qr_digital_link", worst),
            ("a4_3x7", "code128", worst),
            ("a4_3x7", "qr_digital_link", worst),
        ):
            with self.subTest(layout=layout, symbology=symbology):
                pdf = self.render(layout, symbology, lots)
                margin = padding[layout]
                page = self.rasterise(pdf, dpi)[-1]  # the widest serial is last
                if layout == "a4_3x7":
                    boxes = [
                        (7 + col * 66.0, 15 + row * 38.1, 63.5, 38.1)
                        for row in range(7)
                        for col in range(3)
                    ]
                else:
                    width, height = (50, 25) if layout == "roll_50x25" else (100, 50)
                    boxes = [(0, 0, width, height)]
                ink = page.point(lambda v: 255 if v < 128 else 0)
                covered = Image.new("L", page.size, 0)
                for x, y, w, h in boxes:
                    inner = (
                        round((x + margin) * mm),
                        round((y + margin) * mm),
                        round((x + w - margin) * mm),
                        round((y + h - margin) * mm),
                    )
                    covered.paste(255, inner)
                outside = Image.composite(
                    Image.new("L", page.size, 0), ink, covered
                ).getbbox()
                self.assertIsNone(outside, f"ink outside the labels at {outside}")

    def download(self, action):
        """The PDF of a report action, fetched as the web client does: the URL of
        ``getReportUrl`` (web/static/src/webclient/actions/reports/utils.js) sent to
        ``/report/download``."""
        url = f"/report/pdf/{action['report_name']}?" + urlencode(
            {
                "options": json.dumps(action["data"]),
                "context": json.dumps(action.get("context") or {}),
            }
        )
        response = self.url_open(
            "/report/download?"
            + urlencode(
                {
                    "data": json.dumps([url, "qweb-pdf"]),
                    # Odoo renders HTML instead of PDF in test mode unless asked.
                    "context": json.dumps({"force_report_rendering": True}),
                }
            ),
            timeout=120,
        )
        self.assertEqual(response.status_code, 200, response.text[:500])
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        return response.content

    def test_each_layout_downloads_on_its_paper(self):
        """Each layout's PDF, downloaded through Odoo's report route (which finds the
        report by its name), has pages of that layout's paper: 50 x 25 mm, 100 x 50 mm,
        A4 (points, 1 mm = 2.835 pt)."""
        self.authenticate("admin", "admin")
        self.env.ref("base.user_admin").group_ids += self.env.ref(
            "stock.group_production_lot"
        )
        sizes = {"roll_50x25": (50, 25), "roll_100x50": (100, 50), "a4_3x7": (210, 297)}
        Wizard = self.env["serial.label.wizard"].with_user(
            self.env.ref("base.user_admin")
        )
        for layout, (width, height) in sizes.items():
            with self.subTest(layout=layout):
                wizard = Wizard.create(
                    {
                        "lot_ids": self.lots[:2].ids,
                        "layout": layout,
                        "symbology": "code128",
                    }
                )
                pdf = self.download(wizard.action_print())
                reader = PdfFileReader(io.BytesIO(pdf))
                pages = 1 if layout == "a4_3x7" else 2
                self.assertEqual(len(reader.pages), pages)
                for page in reader.pages:
                    box = page.mediabox
                    self.assertAlmostEqual(float(box.width), width * 72 / 25.4, delta=2)
                    self.assertAlmostEqual(
                        float(box.height), height * 72 / 25.4, delta=2
                    )
