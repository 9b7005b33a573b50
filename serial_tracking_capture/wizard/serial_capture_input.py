import base64
import re

from odoo import api, models
from odoo.exceptions import UserError

from odoo.addons.serial_tracking.tools import gs1
from odoo.addons.serial_tracking.tools.text import (
    describe_characters,
    unprintable_characters,
)

from ..tools import import_file

# Uploads refused before reading: above this size (a 100,000-line file of GS1
# Digital Link URLs is about 9 MB), or with far more lines than the move can take.
LINE_BREAK = re.compile(r"\r\n|\r|\n")
MAX_FILE_MB = 20
LINE_MARGIN = 1000  # lines accepted beyond twice what the move still expects
# What the text box may hold besides printable text: line breaks (the GS separator
# of raw GS1 strings and tabs are judged line by line).
TEXT_BOX_ALLOWED = "\n\r\t" + gs1.GS


class SerialCaptureInput(models.AbstractModel):
    """The input of the capture wizard (``serial.capture``): the text box, refused
    with control characters before it reaches the database, and the imported file,
    refused at once when too big for the move, read by
    :mod:`~odoo.addons.serial_tracking_capture.tools.import_file`."""

    _name = "serial.capture.input"
    _description = "Capture Serials: Input"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_text(vals.get("text"))
        return super().create(vals_list)

    def write(self, vals):
        if "text" in vals:
            self._check_text(vals["text"])
        return super().write(vals)

    @api.model
    def _check_text(self, text):
        """Control characters never reach the database (a NUL even makes PostgreSQL
        refuse the query): the text box is refused with the characters and the line
        numbers, nothing is written."""
        chars = unprintable_characters(text, allowed=TEXT_BOX_ALLOWED)
        if not chars:
            return
        numbers = [
            str(number)
            for number, line in enumerate(LINE_BREAK.split(text), start=1)
            if any(char in line for char in chars)
        ]
        raise UserError(
            self.env._(
                "The serials contain control characters, which no label carries: "
                "%(chars)s (line %(lines)s). Remove them and try again; nothing was "
                "written.",
                chars=describe_characters(chars),
                lines=", ".join(numbers[:10]),
            )
        )

    def _input_lines(self):
        """Raw input lines as ``(number, text, in_file)``: the lines of the text box,
        then the serial cells of the imported file (numbered by their row)."""
        # Not str.splitlines(): it also splits at the GS separator of raw GS1 strings.
        lines = [
            (number, raw, False)
            for number, raw in enumerate(LINE_BREAK.split(self.text or ""), start=1)
        ]
        if self.import_file:
            lines += [(number, raw, True) for number, raw in self._file_lines()]
        self._check_line_count(sum(1 for _n, raw, _f in lines if raw.strip()))
        return lines

    def _check_line_count(self, count):
        """Refuse at once an input far bigger than the move can take."""
        limit = 2 * self.expected_count + LINE_MARGIN
        if count > limit:
            raise UserError(
                self.env._(
                    "This input has %(count)s lines but %(product)s expects only "
                    "%(expected)s more unit(s) on this receipt: check the file. "
                    "Nothing was written.",
                    count=count,
                    product=self.product_id.display_name,
                    expected=self.expected_count,
                )
            )

    def _file_size(self):
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "=", self.id),
                    ("res_field", "=", "import_file"),
                ],
                limit=1,
            )
        )
        if attachment:
            return attachment.file_size
        return len(self.import_file or b"") * 3 // 4

    def _file_lines(self):
        """``[(row number, serial text)]`` of the imported file, see
        :func:`~odoo.addons.serial_tracking_capture.tools.import_file.serial_cells`."""
        if self._file_size() > MAX_FILE_MB * 1024 * 1024:
            raise UserError(
                self.env._(
                    "This file is larger than %(max)s MB: split it, or import the "
                    "serials of this receipt only. Nothing was written.",
                    max=MAX_FILE_MB,
                )
            )
        content = base64.b64decode(self.import_file)
        # Cheap count of the lines before any parsing (old Mac files end with CR).
        self._check_line_count(max(content.count(b"\n"), content.count(b"\r")))
        try:
            rows = import_file.read_rows(content, self.import_filename)
            return import_file.serial_cells(rows, self.serial_column)
        except import_file.ImportFileError as error:
            raise UserError(self._file_error_message(error)) from error

    def _file_error_message(self, error):
        if error.code == "not_xlsx":
            return self.env._(
                "This file cannot be read as XLSX: %(error)s",
                error=error.params["error"],
            )
        if error.code == "no_column":
            return self.env._(
                "This file has %(width)s columns and none is headed Serial: head the "
                'serial column "Serial", or give its number in Serial Column. '
                "Nothing was written.",
                width=error.params["width"],
            )
        if error.code == "bad_column":
            return self.env._(
                "Serial Column %(column)s: this file has only %(width)s column(s).",
                **error.params,
            )
        return self.env._(
            "This file is not a CSV or XLSX file: save it as CSV (comma, semicolon or "
            "tab separated) or XLSX. Nothing was written."
        )
