"""Read the serials of an imported CSV/TSV/XLSX file (plain Python, no ORM).

:func:`serial_cells` returns ``[(row number, text)]``: the serial column of every
data row. The serial column is the one headed "Serial" (or a synonym), the given
``column``, or the only column of the file; a header row never becomes a serial.
Files that are not CSV/TSV/XLSX, or whose serial column cannot be told, raise
:class:`ImportFileError` whose ``code`` the wizard turns into a translated message.
"""

import csv
import io
import re
import unicodedata
import zipfile

# Header cells naming the serial column (compared lower-case, without trailing
# punctuation and with single spaces).
SERIAL_HEADERS = {
    "serial",
    "serials",
    "serial number",
    "serial numbers",
    "serial no",
    "serial nr",
    "serial num",
    "serial #",
    "sn",
    "s/n",
    "s/n no",
    "barcode",
    "barcodes",
    "gs1",
    "gs1 barcode",
    "manufacturer serial",
    "manufacturer serial number",
    "lot/serial number",
    "lot/serial number name",
    "lot/serial",
    "imei",
}
# Header cells of other columns: a first row made of these (and serial headers) only is
# a header, whatever column holds the serials.
OTHER_HEADERS = {
    "product",
    "product name",
    "product code",
    "internal reference",
    "reference",
    "ref",
    "sku",
    "item",
    "article",
    "description",
    "name",
    "qty",
    "quantity",
    "count",
    "uom",
    "lot",
    "batch",
    "note",
    "notes",
    "comment",
    "date",
    "expiry",
    "expiry date",
    "expiration date",
    "production date",
    "gtin",
    "ean",
    "upc",
}
# Magic numbers of files people upload by mistake (images, PDF, archives, old Excel).
BINARY_MAGIC = (
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"%PDF",
    b"\xd0\xcf\x11\xe0",
    b"PK\x03\x04",
    b"\x1f\x8b",
    b"BM",
    b"II*\x00",
    b"MM\x00*",
)
XLSX_MAGIC = b"PK\x03\x04"
LINE_ENDINGS = re.compile(r"\r\n|\r|\n")
TEXT_CONTROLS = {"\t", "\x1d"}


class ImportFileError(ValueError):
    """``code``: ``not_csv``, ``not_xlsx``, ``no_column``, ``bad_column``."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def header_key(cell):
    text = " ".join(str(cell or "").lower().split())
    return text.rstrip(".:").strip()


def read_rows(content, filename=""):
    """Rows of the file as lists of text cells (``None`` for empty cells)."""
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")) or content.startswith(XLSX_MAGIC):
        return list(_xlsx_rows(content))
    if b"\x00" in content[:65536] or content.startswith(BINARY_MAGIC):
        raise ImportFileError("not_csv")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")
    sample = text[:65536]
    controls = sum(
        1
        for char in sample
        if char not in "\r\n"
        and char not in TEXT_CONTROLS
        and unicodedata.category(char) == "Cc"
    )
    if controls > max(len(sample) // 100, 2):
        raise ImportFileError("not_csv")
    # Every line ending: Windows, Unix, old Mac and any mix of them.
    lines = LINE_ENDINGS.split(text)
    try:
        dialect = csv.Sniffer().sniff("\n".join(lines[:50]), delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    try:
        return list(csv.reader(lines, dialect))
    except csv.Error as error:
        raise ImportFileError("not_csv") from error


def _xlsx_rows(content):
    try:
        from openpyxl import load_workbook  # shipped with Odoo

        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [
            [_xlsx_cell(value) for value in row]
            for row in sheet.iter_rows(values_only=True)
        ]
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise ImportFileError("not_xlsx", error=str(error)) from error
    return rows


def _xlsx_cell(value):
    # Spreadsheets turn long digit-only serials into numbers: give back the text.
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if value is None:
        return None
    return str(value)


def serial_cells(rows, column=0):
    """``[(row number, serial text)]`` of the data rows (numbered from 1 as in the
    file, header included). ``column``: 1-based serial column chosen by the user,
    0 to detect it."""
    rows = [
        [str(cell).strip() if cell is not None else "" for cell in row] for row in rows
    ]
    first = next((index for index, row in enumerate(rows) if any(row)), None)
    if first is None:
        return []
    header = [header_key(cell) for cell in rows[first]]
    is_header = any(header) and all(
        not key or key in SERIAL_HEADERS or key in OTHER_HEADERS for key in header
    )
    # "Lot" heads the serials only when no column says "serial" (Odoo's own exports).
    serial_headed = [i for i, key in enumerate(header) if key in SERIAL_HEADERS] or [
        i for i, key in enumerate(header) if key == "lot"
    ]
    width = max(len(row) for row in rows)
    used = [i for i in range(width) if any(i < len(row) and row[i] for row in rows)]
    if column:
        if column > width:
            raise ImportFileError("bad_column", column=column, width=width)
        index = column - 1
    elif serial_headed:
        index = serial_headed[0]
        is_header = True
    elif len(used) == 1:
        index = used[0]
    else:
        raise ImportFileError("no_column", width=len(used))
    start = first + 1 if is_header else first
    return [
        (number, row[index] if index < len(row) else "")
        for number, row in enumerate(rows[start:], start=start + 1)
    ]
