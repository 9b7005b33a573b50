import re
from dataclasses import dataclass
from datetime import date

from biip.gtin import Gtin

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.serial_tracking.models.stock_lot import CLOSED_STATES
from odoo.addons.serial_tracking.tools import gs1
from odoo.addons.serial_tracking.tools.text import (
    describe_characters,
    unprintable_characters,
)

MAX_SERIAL_LENGTH = 128
REPORT_LINES = 500  # bad lines listed in the report; the counts cover every line
DATE_AIS = re.compile(r"AI \((11|12|13|15|16|17)\)")


@dataclass
class CaptureLine:
    """One input line, parsed; ``reason`` set when it is refused."""

    number: int
    raw: str
    in_file: bool = False  # a row of the imported file (``number``: its row)
    serial: str = ""
    batch: str = ""
    production_date: date | None = None
    expiry_date: date | None = None
    reason: str = ""
    lot_id: int = 0  # an existing unit (not in stock) the line reuses


class SerialCapture(models.TransientModel):
    """Capture the serials of a receipt move: scan them one by one, paste a list, or
    import a CSV/XLSX file of manufacturer serials or GS1 barcodes (raw element strings
    with GS separators, human-readable "(01)...(21)..." text, GS1 Digital Link URLs).

    Every line is checked before anything is written (see :meth:`_check_lines`). When
    some are bad, the report lists each with its reason and nothing is written unless
    the user chooses to keep only the good lines.
    """

    _name = "serial.capture"
    _description = "Capture Serials at Receipt"
    _inherit = (
        "barcodes.barcode_events_mixin",
        "serial.capture.input",
        "serial.capture.writer",
    )
    _check_company_auto = True

    picking_id = fields.Many2one("stock.picking", required=True, check_company=True)
    company_id = fields.Many2one(related="picking_id.company_id")
    move_id = fields.Many2one(
        "stock.move",
        "Product Line",
        required=True,
        check_company=True,
        domain="[('picking_id', '=', picking_id), ('has_tracking', '=', 'serial'), "
        f"('state', 'not in', {CLOSED_STATES!r})]",
    )
    product_id = fields.Many2one(related="move_id.product_id")
    expected_count = fields.Integer("Still Expected", compute="_compute_expected_count")
    use_as = fields.Selection(
        [
            ("name", "Serial number of the unit"),
            ("manufacturer", "Manufacturer serial (our serial from the scheme)"),
        ],
        "Captured Serials Are",
        required=True,
        default="name",
    )
    text = fields.Text(
        "Serials or GS1 Barcodes",
        help="One per line: scan them here, or paste a list.",
    )
    import_file = fields.Binary("CSV or XLSX File")
    import_filename = fields.Char()
    serial_column = fields.Integer(
        help="Column of the file that holds the serials (1 = first). Leave 0 when "
        "the file has one column, or a column headed Serial.",
    )
    state = fields.Selection(
        [("draft", "Input"), ("checked", "Checked")], default="draft", required=True
    )
    line_count = fields.Integer(readonly=True)
    good_count = fields.Integer("Good Lines", readonly=True)
    bad_count = fields.Integer("Bad Lines", readonly=True)
    report = fields.Text(readonly=True)

    @api.depends("move_id")
    def _compute_expected_count(self):
        for wizard in self:
            need = wizard.move_id._serial_missing_counts() if wizard.move_id else {}
            wizard.expected_count = need.get(wizard.move_id, 0)

    # ---- input -----------------------------------------------------------------------
    def on_barcode_scanned(self, barcode):
        """Each scan adds a line (hardware scanner through the barcodes mixin)."""
        self.text = f"{self.text.rstrip()}\n{barcode}" if self.text else barcode
        self.state = "draft"

    # ---- checks ----------------------------------------------------------------------
    def _product_gtin(self):
        """The product's barcode as a GTIN-14 (check digit validated), or ''."""
        barcode = (self.product_id.barcode or "").strip()
        if not barcode.isdigit() or len(barcode) not in (8, 12, 13, 14):
            return ""
        try:
            return Gtin.parse(barcode).as_gtin_14()
        except Exception:  # noqa: BLE001 (biip raises ParseError subclasses)
            return ""

    def _parse(self, line):
        """Fill ``line`` from its raw text (GS1 or plain serial) or set its reason."""
        raw = line.raw.strip()
        chars = unprintable_characters(raw)
        if chars:
            line.reason = self.env._(
                "Not a serial number: control characters %(chars)s.",
                chars=describe_characters(chars),
            )
            return
        if gs1.looks_like_gs1(raw):
            try:
                data = gs1.decode(raw)
            except gs1.Gs1Error as error:
                message = str(error)
                if "check digit" in message.lower():
                    line.reason = self.env._(
                        "Bad check digit: %(error)s", error=message
                    )
                elif DATE_AIS.search(message):
                    line.reason = self.env._(
                        "Impossible date: %(error)s", error=message
                    )
                else:
                    line.reason = self.env._(
                        "Not a valid GS1 barcode: %(error)s", error=message
                    )
                return
            if data.gtin:
                gtin = self.env.context.get("serial_capture_gtin")
                if gtin is None:
                    gtin = self._product_gtin()
                if not gtin:
                    line.reason = self.env._(
                        "GTIN %(gtin)s cannot be checked: product %(product)s has no "
                        "valid barcode (GTIN-8/12/13/14).",
                        gtin=data.gtin,
                        product=self.product_id.display_name,
                    )
                    return
                if data.gtin != gtin:
                    line.reason = self.env._(
                        "Wrong product: GTIN %(gtin)s is not %(product)s "
                        "(%(expected)s).",
                        gtin=data.gtin,
                        product=self.product_id.display_name,
                        expected=gtin,
                    )
                    return
            if not data.serial:
                line.reason = self.env._("No serial number (AI 21) in this barcode.")
                return
            line.serial = data.serial
            line.batch = data.batch or ""
            line.production_date = data.production_date
            line.expiry_date = data.expiry_date
            return
        if len(raw) > MAX_SERIAL_LENGTH or gs1.GS in raw:
            line.reason = self.env._(
                "Not a serial number: control characters or more than %(max)s "
                "characters.",
                max=MAX_SERIAL_LENGTH,
            )
            return
        line.serial = raw

    def _check_lines(self, raw_lines):
        """Parse and check every line; returns ``(good, bad)`` lists of
        :class:`CaptureLine`. Database checks are one query each for all lines."""
        self.ensure_one()
        self._check_setup()
        lines = [
            CaptureLine(number, raw, in_file)
            for number, raw, in_file in raw_lines
            if raw.strip()
        ]
        first_seen = {}
        parser = self.with_context(serial_capture_gtin=self._product_gtin())
        for line in lines:
            parser._parse(line)
            if line.reason:
                continue
            if line.serial in first_seen:
                first = first_seen[line.serial]
                line.reason = (
                    self.env._(
                        "Serial %(serial)s is already on row %(line)s of the file.",
                        serial=line.serial,
                        line=first.number,
                    )
                    if first.in_file
                    else self.env._(
                        "Serial %(serial)s is already on line %(line)s of this input.",
                        serial=line.serial,
                        line=first.number,
                    )
                )
            else:
                first_seen[line.serial] = line
        self._check_product_barcodes([line for line in lines if not line.reason])
        self._check_existing([line for line in lines if not line.reason])
        self._check_pending([line for line in lines if not line.reason])
        expected = self.expected_count
        accepted = 0
        for line in lines:
            if line.reason:
                continue
            accepted += 1
            if accepted > expected:
                line.reason = self.env._(
                    "Over the quantity of the move: only %(expected)s more unit(s) "
                    "of %(product)s expected.",
                    expected=expected,
                    product=self.product_id.display_name,
                )
        good = [line for line in lines if not line.reason]
        bad = [line for line in lines if line.reason]
        return good, bad

    def _check_setup(self):
        """What makes every line fail, checked by Check Only as by Capture."""
        if self.use_as == "manufacturer" and not self._capture_scheme():
            raise UserError(
                self.env._(
                    "No serial scheme applies to %(product)s: it is needed to give "
                    "the units our own serial numbers.",
                    product=self.product_id.display_name,
                )
            )

    def _capture_scheme(self):
        return self.product_id._serial_scheme(self.picking_id.company_id)

    def _check_product_barcodes(self, lines):
        """A product's own barcode (any GTIN form) is not a unit's serial."""
        products = self.env["product.product"]._serial_barcode_products(
            [line.serial for line in lines]
        )
        for line in lines:
            product = products.get(line.serial)
            if product:
                line.reason = self.env._(
                    "This is the product barcode of %(product)s; scan the unit's "
                    "serial label.",
                    product=product.display_name,
                )

    def _check_pending(self, lines):
        """A serial waiting on another open receipt would make one of the two
        receipts fail at validation: refused, naming that receipt."""
        if not lines:
            return
        company = self.picking_id.company_id
        field = "name" if self.use_as == "name" else "manufacturer_serial"
        pending = self.env["stock.move.line"]._serial_pending_receipts(
            [line.serial for line in lines],
            self.product_id,
            company,
            field=field,
            any_product=field == "name" and company.serial_unique_in_company,
            exclude_moves=self.move_id,
        )
        for line in lines:
            receipt = pending.get(line.serial)
            if receipt:
                line.reason = self.env._(
                    "Serial %(serial)s is already waiting on receipt %(receipt)s.",
                    serial=line.serial,
                    receipt=receipt.name,
                )

    def _check_existing(self, lines):
        """Serials that already name a unit: refused when that unit is in stock, on
        this receipt already, or (company-wide uniqueness) of another product;
        otherwise (e.g. generated ahead of stock) the line reuses the unit."""
        if not lines:
            return
        key = "name" if self.use_as == "name" else "manufacturer_serial"
        serials = [line.serial for line in lines]
        Lot = self.env["stock.lot"].sudo().with_context(active_test=False)
        company = self.picking_id.company_id
        domain = [(key, "in", serials), ("company_id", "in", (company.id, False))]
        if not (key == "name" and company.serial_unique_in_company):
            domain.append(("product_id", "=", self.product_id.id))
        found = Lot.search_fetch(domain, [key, "product_id"])
        by_serial = {lot[key]: lot for lot in found}
        in_stock = {
            lot.id
            for (lot,) in self.env["stock.quant"]
            .sudo()
            ._read_group(
                [
                    ("lot_id", "in", found.ids),
                    ("location_id.usage", "=", "internal"),
                    ("quantity", ">", 0),
                ],
                ["lot_id"],
            )
        }
        on_receipt = {
            lot.id
            for (lot,) in self.env["stock.move.line"]
            .sudo()
            ._read_group(
                [("lot_id", "in", found.ids), ("move_id", "=", self.move_id.id)],
                ["lot_id"],
            )
        }
        names_on_receipt = set(self.move_id.move_line_ids.mapped("lot_name"))
        for line in lines:
            lot = by_serial.get(line.serial)
            if line.serial in names_on_receipt and key == "name":
                line.reason = self.env._(
                    "Serial %(serial)s is already on this receipt.", serial=line.serial
                )
            elif not lot:
                continue
            elif lot.product_id != self.product_id:
                line.reason = self.env._(
                    "Serial %(serial)s is already used by product %(product)s.",
                    serial=line.serial,
                    product=lot.product_id.display_name,
                )
            elif lot.id in on_receipt:
                line.reason = self.env._(
                    "Serial %(serial)s is already on this receipt.", serial=line.serial
                )
            elif lot.id in in_stock:
                line.reason = self.env._(
                    "Serial %(serial)s is already in stock.", serial=line.serial
                )
            else:
                line.lot_id = lot.id

    def _report_text(self, bad):
        rows = [
            (
                self.env._(
                    "File row %(line)s: %(text)s: %(reason)s",
                    line=line.number,
                    text=line.raw.strip()[:80].replace("\x1d", "<GS>"),
                    reason=line.reason,
                )
                if line.in_file
                else self.env._(
                    "Line %(line)s: %(text)s: %(reason)s",
                    line=line.number,
                    text=line.raw.strip()[:80].replace("\x1d", "<GS>"),
                    reason=line.reason,
                )
            )
            for line in bad[:REPORT_LINES]
        ]
        if len(bad) > REPORT_LINES:
            rows.append(
                self.env._(
                    "... and %(count)s more bad lines.", count=len(bad) - REPORT_LINES
                )
            )
        return "\n".join(rows)

    # ---- actions ---------------------------------------------------------------------
    def _show_report(self, good, bad, no_bad_message):
        """Record the outcome of a check (counts, report of the ``bad`` lines, or
        ``no_bad_message`` when there is none) and show it in the wizard again."""
        self.write(
            {
                "state": "checked",
                "line_count": len(good) + len(bad),
                "good_count": len(good),
                "bad_count": len(bad),
                "report": self._report_text(bad) or no_bad_message,
            }
        )
        return self._reopen()

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Capture Serials"),
        }

    def action_check(self):
        """Check every line and show the report; writes nothing."""
        self.ensure_one()
        good, bad = self._check_lines(self._input_lines())
        return self._show_report(
            good,
            bad,
            self.env._("Every line is good: %(count)s serial(s).", count=len(good)),
        )

    def action_confirm(self):
        """Write the serials when every line is good; otherwise show the report."""
        self.ensure_one()
        good, bad = self._check_lines(self._input_lines())
        if bad or not good:
            return self._show_report(good, bad, self.env._("Nothing to capture."))
        self._apply(good)
        return {"type": "ir.actions.act_window_close"}

    def action_keep_good(self):
        """The user's explicit choice: write the good lines, drop the bad ones."""
        self.ensure_one()
        good, _bad = self._check_lines(self._input_lines())
        if not good:
            raise UserError(self.env._("No good line to keep."))
        self._apply(good)
        return {"type": "ir.actions.act_window_close"}
