"""Reading a QA tool's review export as it is: CSV (any delimiter a spreadsheet writes, UTF-8
or a Windows code page) or XLSX (the first sheet), into a header and rows of text.

A CSV that is not UTF-8 is read as Windows-1252 (a superset of Latin-1's printable letters)
when the source says "detect", and the preview says so; a source can also name its encoding.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.utils.translation import gettext as _

from core.errors import ValidationFailed
from core.uploads import text_of_upload

MAX_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class Table:
    """The file's header (stripped) and its data rows, each as long as the header."""

    header: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)
    kind: str = "csv"
    lines: list[int] = field(default_factory=list)
    """The file's line (or row) number of each row, for the preview."""


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={"file": [message]})


def decode_text(data: bytes, *, encoding: str = "auto") -> tuple[str, list[str]]:
    """The text of a CSV upload and notes about how it was read."""
    if encoding not in ("auto", "utf-8"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            raise _refuse(
                _("The file could not be read as %(encoding)s text.")
                % {"encoding": encoding.upper()}
            ) from None
        return text.replace("\r\n", "\n").replace("\r", "\n"), [
            _("Read as %(encoding)s, as this source says.") % {"encoding": encoding.upper()}
        ]
    try:
        return text_of_upload(data), []
    except ValidationFailed:
        if encoding == "utf-8" or b"\x00" in data[:4096]:
            raise
    # Not UTF-8: a spreadsheet saved it in the Windows code page of Western Europe. Bytes
    # that code page leaves undefined are read as Latin-1, so every byte means something.
    text = data.decode("cp1252", errors="strict") if _cp1252_ok(data) else data.decode("latin-1")
    return text.replace("\r\n", "\n").replace("\r", "\n"), [
        _(
            "The file is not UTF-8: it was read as Windows-1252 (Latin-1). If letters look "
            "wrong, choose the file's encoding in the mapping."
        )
    ]


def _cp1252_ok(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def read_table(data: bytes, *, filename: str = "", encoding: str = "auto") -> Table:
    """The header and rows of an export, or ``ValidationFailed`` saying why it can't be read."""
    if len(data) > MAX_BYTES:
        raise _refuse(_("The file is larger than 50 MB."))
    if not data.strip():
        raise _refuse(_("The file is empty."))
    if data.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        table = _read_xlsx(data)
    else:
        text, notes = decode_text(data, encoding=encoding)
        table = _read_csv(text)
        table.notes = notes
    if not any(table.header):
        raise _refuse(_("The first row must name the columns."))
    if len(table.rows) > MAX_ROWS:
        raise _refuse(_("At most %(n)s rows per file.") % {"n": f"{MAX_ROWS:,}"})
    return table


def _read_csv(text: str) -> Table:
    if "\x00" in text:
        raise _refuse(_("The file is not CSV text: it contains NUL."))
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        header = [h.strip() for h in next(reader, [])]
        width = len(header)
        rows: list[list[str]] = []
        lines: list[int] = []
        for record in reader:
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) > MAX_ROWS:
                break
            cells = [cell.strip() for cell in record[:width]]
            cells.extend([""] * (width - len(cells)))
            rows.append(cells)
            lines.append(reader.line_num)
    except csv.Error as exc:
        raise _refuse(_("The file is not valid CSV: %(error)s.") % {"error": exc}) from None
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    return Table(header=header, rows=rows, lines=lines)


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value).replace("\x00", "").strip()  # PostgreSQL refuses NUL in text


def _read_xlsx(data: bytes) -> Table:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        raise _refuse(_("The file is not a readable XLSX workbook.")) from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise _refuse(_("The workbook has no sheet."))
        rows_iter = sheet.iter_rows(values_only=True)
        header = [_cell(v) for v in next(rows_iter, ())]
        while header and not header[-1]:
            header.pop()
        width = len(header)
        rows: list[list[str]] = []
        lines: list[int] = []
        for number, values in enumerate(rows_iter, start=2):
            cells = [_cell(v) for v in values[:width]]
            if not any(cells):
                continue
            if len(rows) > MAX_ROWS:
                break
            cells.extend([""] * (width - len(cells)))
            rows.append(cells)
            lines.append(number)
    finally:
        workbook.close()
    return Table(header=header, rows=rows, kind="xlsx", lines=lines)
