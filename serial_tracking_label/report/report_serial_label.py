import pytz
from markupsafe import Markup

from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from odoo.addons.base.models.ir_actions_report import _wkhtml

from ..tools import symbology as sym
from ..tools import zpl as zpl_tools

LAYOUTS = [
    ("roll_50x25", "Roll label 50 x 25 mm"),
    ("roll_100x50", "Roll label 100 x 50 mm"),
    ("a4_3x7", "A4 sheet, 3 x 7 labels (63.5 x 38.1 mm)"),
]
PDF_REPORTS = {
    "roll_50x25": "serial_tracking_label.action_report_serial_label_roll_50x25",
    "roll_100x50": "serial_tracking_label.action_report_serial_label_roll_100x50",
    "a4_3x7": "serial_tracking_label.action_report_serial_label_a4_3x7",
}
ZPL_REPORT = "serial_tracking_label.action_report_serial_label_zpl"
BASE_URL_PARAM = "serial_tracking_label.digital_link_base_url"
# wkhtmltopdf built without Odoo's patched Qt (Debian's package) ignores
# --disable-smart-shrinking and prints every CSS length at 0.7696 of its size (measured
# here on A4 and on 50 x 25 mm pages alike): the sheet is zoomed back so that
# 1 CSS mm = 1 mm on paper.
UNPATCHED_QT_ZOOM = 1.2994
# Width of the 1D code area per layout (mm, quiet zones included) and the thinnest
# module accepted there: 0.17 mm, two dots of a 300 dpi printer. On 203 dpi ZPL
# printers a module is at least 2 dots (0.25 mm).
LINEAR_WIDTH_MM = {"roll_50x25": 46.0, "roll_100x50": 92.0, "a4_3x7": 57.5}
# GS1 HRI under a 1D code: one line of DejaVu Sans Mono (glyphs 0.602 em wide), as big
# as this (pt) but shrunk to the code's width, so it never wraps nor pushes text out.
HRI_MAX_PT = {"roll_50x25": 6.0, "roll_100x50": 8.5, "a4_3x7": 6.5}
PT_MM = 25.4 / 72
# The most labels one PDF request makes: 2,000 take about 7 s here, 10,000 ran past
# Odoo's 120 s request limit. Bigger production runs print as ZPL (10,000 labels in
# well under a second) or in several PDF runs.
MAX_PDF_LABELS = 2000
MIN_MODULE_MM = 0.17
ZPL_MIN_MODULE = 2

# ZPL geometry per roll layout at 8 dots/mm (203 dpi): label size, where the code goes,
# its module and height, where the text starts and how many characters fit on a line.
ZPL_LAYOUTS = {
    "roll_50x25": {
        "width": 400,
        "height": 200,
        "module": 2,
        "bar_height": 48,
        "matrix_module": 4,
        "qr_module": 2,
        "font": 22,
        "small": 16,
        "chars": 30,
        "matrix_chars": 19,
    },
    "roll_100x50": {
        "width": 800,
        "height": 400,
        "module": 3,
        "bar_height": 110,
        "matrix_module": 8,
        "qr_module": 4,
        "font": 40,
        "small": 30,
        "chars": 38,
        "matrix_chars": 24,
    },
}


class ReportSerialTrackingLabelReportSerialLabel(models.AbstractModel):
    """Serial unit labels as PDF (QWeb) and ZPL (qweb-text).

    Every barcode is built and rendered here in one pass over the units, once per
    unit (copies reuse it), and embedded in the page as a ``data:`` URI: wkhtmltopdf
    never calls back into Odoo for an image, unlike ``stock.report_lot_label``.

    ``data`` keys: ``lot_ids`` (else the report's docids), ``layout``, ``symbology``,
    ``copies`` (per unit).
    """

    _name = "report.serial_tracking_label.report_serial_label"
    _description = "Serial Unit Labels"

    @api.model
    def _get_report_values(self, docids, data=None):
        options = self._label_options(docids, data)
        self._check_pdf_size(len(options["lots"]) * options["copies"])
        lots = options["lots"]
        units = self._units(lots)
        barcodes = self._build_barcodes(lots, options["symbology"], units)
        layout = options["layout"]
        self._check_fits(barcodes, layout, "pdf")
        labels = []
        for lot, (_unit, info) in zip(lots, units, strict=True):
            barcode = barcodes[lot.id]
            hri = barcode.hri if barcode.hri != info["serial"] else ""
            label = dict(
                info,
                image=sym.data_uri(barcode),  # SVG: bars stay vectors in the PDF
                hri=hri,
                hri_style=self._hri_style(hri, layout),
            )
            labels.extend([label] * options["copies"])
        per_page = 21 if layout == "a4_3x7" else 1
        return {
            "zoom": 1.0 if _wkhtml().is_patched_qt else UNPATCHED_QT_ZOOM,
            "doc_ids": lots.ids,
            "doc_model": "stock.lot",
            "docs": lots,
            "layout": layout,
            "matrix": options["symbology"] in sym.MATRIX_SYMBOLOGIES,
            "pages": [
                labels[i : i + per_page] for i in range(0, len(labels), per_page)
            ],
        }

    # -- shared with the ZPL report and the wizard ------------------------------------

    @api.model
    def _label_options(self, docids, data):
        data = data or {}
        lots = self.env["stock.lot"].browse(data.get("lot_ids") or docids or [])
        if not lots:
            raise UserError(
                self.env._("There are no serial units to print labels for.")
            )
        copies = int(data.get("copies") or 1)
        if copies < 1:
            raise UserError(self.env._("The number of copies must be at least 1."))
        layout = data.get("layout") or "a4_3x7"
        symbology = data.get("symbology") or sym.CODE128
        if layout not in dict(LAYOUTS) or symbology not in dict(sym.SYMBOLOGIES):
            raise UserError(self.env._("Unknown label layout or symbology."))
        return {
            "lots": lots,
            "copies": copies,
            "layout": layout,
            "symbology": symbology,
        }

    @api.model
    def _check_pdf_size(self, count):
        """Refuse a PDF run no request can finish, before any work: never a request
        that dies at the server's time limit."""
        if count > MAX_PDF_LABELS:
            raise UserError(
                self.env._(
                    "%(count)s labels are too many for one PDF (at most %(max)s): "
                    "print them as ZPL on a label printer, or in several PDF runs "
                    "of fewer units or copies.",
                    count=count,
                    max=MAX_PDF_LABELS,
                )
            )

    @api.model
    def _hri_style(self, hri, layout):
        fit = LINEAR_WIDTH_MM[layout] / (max(len(hri), 1) * 0.602) / PT_MM
        return f"font-size: {min(HRI_MAX_PT[layout], fit):.2f}pt;"

    @api.model
    def _check_fits(self, barcodes, layout, output, widths=None):
        """Refuse 1D codes that would be cut or too thin on the chosen label.
        ``widths``: modules per lot id, if known."""
        if output == "zpl":
            # Modules of 2 dots at least, quiet zones (2 x 10 modules) included.
            max_modules = ZPL_LAYOUTS[layout]["width"] // ZPL_MIN_MODULE - 20
            module_count = zpl_tools.zpl_module_count
        else:
            max_modules = LINEAR_WIDTH_MM[layout] / MIN_MODULE_MM - 20
            module_count = sym.module_count
        if widths is None:
            widths = {lot_id: module_count(code) for lot_id, code in barcodes.items()}
        too_wide = [lot_id for lot_id, width in widths.items() if width > max_modules]
        if too_wide:
            lots = self.env["stock.lot"].browse(too_wide)
            raise UserError(
                self.env._(
                    "No label was printed: the barcode of %(serials)s is too long for "
                    "this label size. Use a larger label or a GS1 DataMatrix.",
                    serials=", ".join(lots[:10].mapped("name")),
                )
            )

    @api.model
    def _digital_link_base_url(self):
        params = self.env["ir.config_parameter"].sudo()
        return params.get_param(BASE_URL_PARAM) or params.get_param("web.base.url")

    @api.model
    def _units(self, lots):
        """``[(UnitData, texts)]`` of each unit in ``lots`` order: what the barcode
        encodes and the human-readable lines of the label.

        One query for the units (10,000 labels: the ORM's per-field access cost more
        than the whole of Odoo's ZPL report), the ORM for their few products and
        companies. Access is checked first, as the ORM would.
        """
        lots.check_access("read")
        Lot = self.env["stock.lot"]
        Lot.flush_model(["name", "product_id", "company_id", "batch_id"])
        Lot.flush_model(["expiration_date"])
        self.env["serial.batch"].flush_model(["name"])
        rows = self.env.execute_query(
            SQL(
                """SELECT lot.id, lot.name, lot.product_id, lot.company_id,
                          lot.expiration_date, batch.name
                     FROM stock_lot lot
                LEFT JOIN serial_batch batch ON batch.id = lot.batch_id
                    WHERE lot.id = ANY(%s)""",
                lots.ids,
            )
        )
        by_id = {row[0]: row[1:] for row in rows}
        products = {
            product.id: (
                product.barcode or None,
                product.name or "",
                product.default_code or "",
            )
            for product in self.env["product.product"].browse({row[2] for row in rows})
        }
        companies = {
            company.id: company.name
            for company in self.env["res.company"].browse(
                {row[3] for row in rows if row[3]}
            )
        }
        lang = self.env["res.lang"]._get_data(code=self.env.lang or "en_US")
        date_format = lang.date_format or "%Y-%m-%d"
        tz = pytz.timezone(self.env.context.get("tz") or self.env.user.tz or "UTC")
        units, dates = [], {None: (None, "")}
        for lot_id in lots.ids:
            name, product_id, company_id, expiry, batch = by_id[lot_id]
            gtin, product, ref = products[product_id]
            if expiry not in dates:  # units of a batch share their expiry
                local = pytz.utc.localize(expiry).astimezone(tz)
                dates[expiry] = (local.date(), local.strftime(date_format))
            expiry_date, expiry_text = dates[expiry]
            unit = sym.UnitData(
                serial=name, gtin=gtin, batch=batch or None, expiry=expiry_date
            )
            texts = {
                "serial": name,
                "product": product,
                "ref": ref,
                "batch": batch or "",
                "expiry": expiry_text,
                "company": companies.get(company_id) or self.env.company.name,
            }
            units.append((unit, texts))
        return units

    @api.model
    def _build_barcodes(self, lots, symbology, units=None):
        """Validate every unit at once: ``{lot id: Barcode}``, or one UserError that
        names all offenders (and nothing is printed). ``units``: from ``_units``."""
        base_url = (
            self._digital_link_base_url() if symbology == sym.QR_DIGITAL_LINK else None
        )
        barcodes, errors = {}, []
        for lot, (unit, _texts) in zip(lots, units or self._units(lots), strict=True):
            try:
                barcodes[lot.id] = sym.build(symbology, unit, base_url)
            except sym.LabelError as error:
                errors.append(self._error_message(lot, error))
        if errors:
            shown = errors[:20]
            if len(errors) > 20:
                shown.append(
                    self.env._("... and %(count)s more.", count=len(errors) - 20)
                )
            raise UserError(
                self.env._("No label was printed:\n%(errors)s", errors="\n".join(shown))
            )
        return barcodes

    @api.model
    def _error_message(self, lot, error):
        params = dict(
            error.params, serial=lot.name, product=lot.product_id.display_name
        )
        messages = {
            "empty_serial": self.env._("A unit of %(product)s has no serial number."),
            "unencodable": self.env._(
                "Serial %(serial)s: %(symbology)s cannot encode the character "
                "%(char)r in %(value)r."
            ),
            "too_long": self.env._(
                "Serial %(serial)s: %(value)r is longer than %(max)s characters."
            ),
            "no_gtin": self.env._(
                "Serial %(serial)s: the product %(product)s has no barcode (GTIN), "
                "which a GS1 or product label needs."
            ),
            "bad_check_digit": self.env._(
                "Serial %(serial)s: the barcode %(value)s of %(product)s has a wrong "
                "check digit."
            ),
            "bad_gtin": self.env._(
                "Serial %(serial)s: the barcode %(value)s of %(product)s is not a "
                "valid GTIN for this label (%(reason)s)."
            ),
            "not_upca": self.env._(
                "Serial %(serial)s: the barcode %(value)s of %(product)s is not a "
                "UPC-A code (12 digits, or 13 starting with 0)."
            ),
            "no_base_url": self.env._(
                "No base URL is set for GS1 Digital Link QR codes (system parameter "
                "%(param)s or web.base.url)."
            ),
        }
        params.setdefault("param", BASE_URL_PARAM)
        return messages[error.code] % params


class ReportSerialTrackingLabelReportSerialLabelZpl(models.AbstractModel):
    """The same labels as ZPL II commands, one ``^XA...^XZ`` format per unit
    (``^PQ`` for copies). Built in Python; the qweb-text template only outputs it."""

    _name = "report.serial_tracking_label.report_serial_label_zpl"
    _description = "Serial Unit Labels (ZPL)"

    @api.model
    def _get_report_values(self, docids, data=None):
        labels = self.env["report.serial_tracking_label.report_serial_label"]
        options = labels._label_options(docids, data)
        if options["layout"] not in ZPL_LAYOUTS:
            raise UserError(
                self.env._("ZPL labels are printed on rolls: choose a roll layout.")
            )
        lots = options["lots"]
        units = labels._units(lots)
        barcodes = labels._build_barcodes(lots, options["symbology"], units)
        layout = ZPL_LAYOUTS[options["layout"]]
        plans = {lot_id: zpl_tools.zpl_plan(code) for lot_id, code in barcodes.items()}
        labels._check_fits(
            barcodes,
            options["layout"],
            "zpl",
            {lot_id: plan[1] for lot_id, plan in plans.items()},
        )
        geometry = dict(
            layout,
            batch_word=self.env._("Batch"),
            expiry_word=self.env._("Exp."),
            header=f"^XA^CI28^PW{layout['width']}^LL{layout['height']}^LH0,0",
            tails={},
        )
        zpl = "".join(
            self._zpl_label(
                barcodes[lot.id], info, geometry, options["copies"], plans[lot.id]
            )
            for lot, (_unit, info) in zip(lots, units, strict=True)
        )
        return {"doc_ids": lots.ids, "doc_model": "stock.lot", "zpl": Markup(zpl)}

    @api.model
    def _zpl_label(self, barcode, info, geo, copies, plan):
        matrix = barcode.symbology in sym.MATRIX_SYMBOLOGIES
        font, small = geo["font"], geo["small"]
        margin = geo["width"] // 25
        if matrix:
            qr = barcode.symbology in sym.QR_SYMBOLOGIES
            module = geo["qr_module" if qr else "matrix_module"]
            code = f"^FO{margin},{margin}" + zpl_tools.zpl_barcode(
                barcode, module=module
            )
            x, y, chars = geo["width"] // 2 - margin, margin, geo["matrix_chars"]
        else:
            # Widest whole-dot module that fits, quiet zones (10 modules) included.
            modules = plan[1]
            module = max(
                ZPL_MIN_MODULE, min(geo["module"], geo["width"] // (modules + 20))
            )
            left = max((geo["width"] - module * (modules + 20)) // 2, 0) + module * 10
            code = f"^FO{left},{margin}" + zpl_tools.zpl_barcode(
                barcode, module=module, height=geo["bar_height"], plan=plan
            )
            x, y, chars = margin, margin * 2 + geo["bar_height"], geo["chars"]
        serial = self._zpl_field(x, y, font, info["serial"], chars, font)
        y += font + font // 4
        hri = barcode.hri if barcode.hri != info["serial"] and not matrix else ""
        # The lines under the serial repeat from unit to unit: built once per content.
        key = (x, y, hri, info["ref"], info["product"], info["batch"], info["expiry"])
        key += (info["company"],)
        tail = geo["tails"].get(key)
        if tail is None:
            lines = [hri] if hri else []
            product = info["product"]
            lines.append(f"[{info['ref']}] {product}" if info["ref"] else product)
            meta = " ".join(
                part
                for part in (
                    info["batch"] and f"{geo['batch_word']} {info['batch']}",
                    info["expiry"] and f"{geo['expiry_word']} {info['expiry']}",
                )
                if part
            )
            lines += [meta, info["company"]] if meta else [info["company"]]
            fields = []
            for text in lines:
                if y + small > geo["height"] - margin // 2:
                    break
                fields.append(self._zpl_field(x, y, small, text, chars, font))
                y += small + small // 4
            tail = "".join(fields) + f"^PQ{copies}^XZ\n"
            if len(geo["tails"]) < 10000:
                geo["tails"][key] = tail
        return geo["header"] + code + serial + tail

    @api.model
    def _zpl_field(self, x, y, size, text, chars, font):
        """One line of text, cut with an ellipsis to what fits (A0 glyphs are about
        0.55 x their height wide)."""
        fit = max(chars * font // size, 4)
        text = text if len(text) <= fit else text[: fit - 1] + "…"
        return f"^FO{x},{y}^A0N,{size},{size * 11 // 20}" + zpl_tools.zpl_text(text)
