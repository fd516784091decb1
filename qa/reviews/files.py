"""Reading a QA tool's review export as it is: CSV (any delimiter a spreadsheet writes, UTF-8
or a Windows code page) or XLSX (the first sheet), into a header and rows of text.

A CSV that is not UTF-8 is read as Windows-1252 (a superset of Latin-1's printable letters)
when the source says "detect", and the preview says so; a source can also name its encoding.

Limits (``core.limits.CSV`` and ``XLSX``) are checked before the expensive step: the size
first; a CSV record's length while it is read (before ``csv`` splits it into cells) and the
header's width before any row is built; then rows and cells as they come. An XLSX workbook is
read by ``qa.reviews.xlsx`` (defusedxml, decompressed bytes counted).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from core import limits
from core.errors import ValidationFailed
from core.uploads import text_of_upload
from qa.reviews import xlsx

# Aliases of core.limits, read when a file is read (tests narrow them with monkeypatch).
MAX_BYTES = limits.CSV.bytes or 0
MAX_ROWS = limits.CSV.rows or 0
MAX_COLUMNS = limits.CSV.columns or 0
MAX_CELLS = limits.CSV.cells or 0
MAX_LINE_LENGTH = limits.CSV.line_length or 0
MAX_LINES = limits.CSV.lines or 0
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
    # Not UTF-8: a spreadsheet saved it in a Windows code page, Central European (Polish,
    # Czech … Excel) or Western European. The letters decide (``code_page_guess``).
    if code_page_guess(data) == "cp1250":
        text = data.decode("cp1250", errors="replace")
        note = _(
            "The file is not UTF-8: it was read as Windows-1250 (Central Europe). If letters "
            "look wrong, choose the file's encoding in the mapping."
        )
    else:
        # Bytes Windows-1252 leaves undefined are read as Latin-1: every byte means something.
        text = (
            data.decode("cp1252", errors="strict") if _cp1252_ok(data) else data.decode("latin-1")
        )
        note = _(
            "The file is not UTF-8: it was read as Windows-1252 (Latin-1). If letters look "
            "wrong, choose the file's encoding in the mapping."
        )
    return text.replace("\r\n", "\n").replace("\r", "\n"), [note]


# Letters only one of the two code pages writes (as each decodes the same bytes): Polish,
# Czech, Slovak, Hungarian … against French, Spanish, Portuguese, Nordic. Letters both share
# (ä, ö, ü, ß, é, ó …) decide nothing.
CENTRAL_LETTERS = frozenset("ąćęłńśźżĄĆĘŁŃŚŹŻčďěňřťůČĎĚŇŘŤŮőűŐŰĺľŕĹĽŔăşţĂŞŢ")
WESTERN_LETTERS = frozenset("àâãåæèêìîïðñòõøùûÿþÀÂÃÅÆÈÊÌÎÏÐÑÒÕØÙÛŸÞœŒ")


def code_page_guess(data: bytes) -> str:
    """ "cp1250" or "cp1252" for non-UTF-8 text: the code page in which the bytes read as more
    letters of its own (a tie, or nothing to tell them apart, is Western European). Polish
    Excel's "Łukasz" is 0xA3: "Ł" in Windows-1250, "£" in Windows-1252."""
    high = bytes(b for b in data if b >= 0x80)
    if not high:
        return "cp1252"
    central = sum(ch in CENTRAL_LETTERS for ch in high.decode("cp1250", errors="replace"))
    western = sum(ch in WESTERN_LETTERS for ch in high.decode("cp1252", errors="replace"))
    return "cp1250" if central > western else "cp1252"


def _cp1252_ok(data: bytes) -> bool:
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return True


def read_table(data: bytes, *, filename: str = "", encoding: str = "auto") -> Table:
    """The header and rows of an export, or ``ValidationFailed`` saying why it can't be read."""
    if len(data) > MAX_BYTES:
        raise _refuse(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(MAX_BYTES)}
        )
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
    if text.count("\n") > MAX_LINES:  # counted in C: every line costs a step below
        raise _refuse(_("The file has more than %(n)s lines; split it.") % {"n": f"{MAX_LINES:,}"})
    sample = text[:8192]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    lines = _Lines(text)
    reader = csv.reader(lines, dialect)
    try:
        header = [h.strip() for h in next(reader, [])]
        while header and not header[-1]:
            header.pop()  # trailing empty columns: nothing can be mapped to them
        width = len(header)
        if width > MAX_COLUMNS:
            raise _refuse(_too_wide(width, MAX_COLUMNS))
        rows: list[list[str]] = []
        numbers: list[int] = []
        for record in _records(reader, lines):
            if not any(cell.strip() for cell in record):
                continue
            if len(rows) > MAX_ROWS:
                break
            if (len(rows) + 1) * width > MAX_CELLS:
                raise _refuse(_too_many_cells(MAX_CELLS))
            cells = [cell.strip() for cell in record[:width]]
            cells.extend([""] * (width - len(cells)))
            rows.append(cells)
            numbers.append(reader.line_num)
    except csv.Error as exc:
        raise _refuse(_("The file is not valid CSV: %(error)s.") % {"error": exc}) from None
    if header and header[0].startswith("\ufeff"):
        header[0] = header[0][1:]
    return Table(header=header, rows=rows, lines=numbers)


class _Lines:
    """The lines of a CSV text for ``csv.reader``, refusing a record (one line, or several
    joined by quoted line breaks) longer than ``MAX_LINE_LENGTH`` before ``csv`` splits it
    into cells: a million-column line costs a counter, not a million strings."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._start = 0
        self.record_length = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        start, text = self._start, self._text
        if start >= len(text):
            raise StopIteration
        end = text.find("\n", start) + 1 or len(text)
        self.record_length += end - start
        if self.record_length > MAX_LINE_LENGTH:  # refused before the line is even copied
            raise _refuse(
                _("A line of the file is longer than %(n)s characters; is it really CSV?")
                % {"n": f"{MAX_LINE_LENGTH:,}"}
            )
        self._start = end
        return text[start:end]


def _records(reader: Iterator[list[str]], lines: _Lines) -> Iterator[list[str]]:
    lines.record_length = 0
    for record in reader:
        yield record
        lines.record_length = 0


def _too_wide(width: int, limit: int) -> str:
    return _(
        "The first row has %(width)s columns; at most %(limit)s are read. Delete the columns "
        "you don't need and upload the file again."
    ) % {"width": f"{width:,}", "limit": f"{limit:,}"}


def _too_many_cells(limit: int) -> str:
    return _("The file holds more than %(n)s cells (rows × columns); split it.") % {
        "n": f"{limit:,}"
    }


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
    try:
        sheet = xlsx.read_first_sheet(data, max_rows=MAX_ROWS)
    except xlsx.Unreadable as unreadable:
        raise _refuse(unreadable.message) from None
    header = [_cell(v) for v in sheet.header]
    while header and not header[-1]:
        header.pop()
    width = len(header)
    rows: list[list[str]] = []
    lines: list[int] = []
    for number, values in zip(sheet.lines, sheet.rows, strict=True):
        cells = [_cell(v) for v in values[:width]]
        if any(cells):  # a row of spaces is empty too
            rows.append(cells)
            lines.append(number)
    return Table(header=header, rows=rows, kind="xlsx", lines=lines)
