"""The first sheet of an XLSX workbook as a header and rows of values, within ``core.limits.XLSX``.

An XLSX file is a zip of XML parts. Each part is streamed through expat with defusedxml's
policy (``_defused_parser``: a DTD, an entity declaration or an external reference raises
defusedxml's exception, so nothing is ever expanded or fetched) and its bytes are counted as
they are decompressed: a part whose declared size is over the workbook's budget, or that
expands more than ``inflate_ratio`` times its compressed size, is refused before it is read,
and one whose header lies is stopped at the limit. Rows and cells are counted while the sheet
streams, empty rows apart from data rows, so a sheet of a million formatted empty rows is
refused after a bounded amount of work instead of being walked to its end. Every way a workbook
can be unreadable (not a zip, a truncated part, a DTD, a bad cell reference) is ``Unreadable``,
never a 500.

Why expat's callbacks and not ``defusedxml.ElementTree.iterparse``: that one runs ElementTree's
pure-Python parser, about three times slower than these callbacks, and builds an element per
cell that is thrown away at once.

Values are read as openpyxl reads them with ``data_only=True`` (its date rules and number
formats are reused): shared and inline strings as text, numbers as ``int`` or ``float``, cells
with a date format as ``datetime``, booleans as ``bool``, a formula's cached value.
"""

from __future__ import annotations

import contextlib
import io
import posixpath
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from xml.parsers import expat

import defusedxml
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

from core import limits

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships}"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CELL, _VALUE, _ROW = f"{MAIN}c", f"{MAIN}v", f"{MAIN}row"
_GRACE_BYTES = 1024 * 1024  # parts smaller than this may expand any number of times
_CHUNK = 64 * 1024

Value = str | int | float | bool | datetime | date | time | timedelta | None
Attributes = dict[str, str]


class Unreadable(Exception):
    """The workbook can't be read; the message says why, for the person who uploaded it."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Enough(Exception):
    """Raised by a handler to stop reading a part (the caller has the rows it needs)."""


@dataclass
class Sheet:
    """The first sheet: its first row (trailing empty cells dropped) and its non-empty rows,
    each as long as the header, with the sheet's row number of each."""

    header: list[Value]
    rows: list[list[Value]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)


@dataclass
class _Budget:
    remaining: int


def read_first_sheet(data: bytes, *, max_rows: int | None = None) -> Sheet:
    """The first worksheet of the workbook ``data``, or ``Unreadable``. ``max_rows`` (the
    caller's row limit) stops reading one data row past it, so the caller can say "too many"."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise Unreadable(_("The file is not a readable XLSX workbook.")) from None
    with archive:
        try:
            return _read(archive, max_rows)
        except Unreadable:
            raise
        except (
            expat.ExpatError,
            defusedxml.DefusedXmlException,
            zipfile.BadZipFile,
            KeyError,
            IndexError,
            OSError,
            ValueError,
            EOFError,
        ) as error:
            # A DTD, malformed or truncated XML, a damaged part (bad CRC, a cut deflate
            # stream), a part that is named but missing, a cell that is not what it says.
            raise Unreadable(
                _("The workbook can't be read: %(reason)s.") % {"reason": _reason(error)}
            ) from None


def _reason(error: Exception) -> str:
    if isinstance(error, defusedxml.DTDForbidden):
        return _("it declares a DTD, which is not allowed")
    if isinstance(error, defusedxml.EntitiesForbidden):
        return _("it declares XML entities, which are not allowed")
    if isinstance(error, defusedxml.ExternalReferenceForbidden):
        return _("it refers to an external resource, which is not allowed")
    if isinstance(error, expat.ExpatError):
        return _("a part is not well-formed XML (%(error)s)") % {"error": error}
    if isinstance(error, KeyError):
        return _("a part it names is missing")
    if isinstance(error, IndexError | ValueError):
        return _("a cell holds a value that is not valid")
    return _("a part is damaged")


def _read(archive: zipfile.ZipFile, max_rows: int | None) -> Sheet:
    entries = archive.infolist()
    if len(entries) > (limits.XLSX.entries or 0):
        raise Unreadable(_("The file is not a readable XLSX workbook."))
    if any(entry.flag_bits & 0x1 for entry in entries):
        raise Unreadable(_("The workbook is password-protected; save it without a password."))
    names = {entry.filename for entry in entries}
    if "xl/workbook.xml" not in names:
        raise Unreadable(_("The file is not a readable XLSX workbook."))
    budget = _Budget(limits.XLSX.decompressed_bytes or 0)
    book = _Workbook()
    _parse(archive, "xl/workbook.xml", budget, book.start)
    if "xl/_rels/workbook.xml.rels" in names:
        _parse(archive, "xl/_rels/workbook.xml.rels", budget, book.start)
    sheet_path = book.first_sheet()
    if sheet_path is None or sheet_path not in names:
        raise Unreadable(_("The workbook has no sheet."))
    shared = _Strings(item="si")
    if book.part("sharedStrings", "xl/sharedStrings.xml") in names:
        path = book.part("sharedStrings", "xl/sharedStrings.xml")
        _parse(archive, path, budget, shared.start, shared.end, shared.text)
    styles = _Styles()
    if book.part("styles", "xl/styles.xml") in names:
        _parse(archive, book.part("styles", "xl/styles.xml"), budget, styles.start, styles.end)
    dates, durations = styles.date_styles()
    reader = _SheetReader(
        shared=shared.strings, dates=dates, durations=durations, epoch=book.epoch, max_rows=max_rows
    )
    with contextlib.suppress(_Enough):  # the reader has what it needs
        _parse(archive, sheet_path, budget, reader.start, reader.end, reader.text)
    return reader.sheet


def _defused_parser() -> expat.XMLParserType:
    """An expat parser that refuses what defusedxml refuses (its default policy, plus DTDs):
    a document type declaration, entity declarations and external references."""

    def doctype(name: str, sysid: str | None, pubid: str | None, _subset: bool) -> None:
        raise defusedxml.DTDForbidden(name, sysid, pubid)

    def entity(name: str, _param: bool, value: str | None, base: Any, *rest: Any) -> None:
        sysid, pubid, notation = rest
        raise defusedxml.EntitiesForbidden(name, value, base, sysid, pubid, notation)

    def unparsed(name: str, base: Any, sysid: Any, pubid: Any, notation: Any) -> None:
        raise defusedxml.EntitiesForbidden(name, None, base, sysid, pubid, notation)

    def external(context: str, base: str | None, sysid: str | None, pubid: str | None) -> int:
        raise defusedxml.ExternalReferenceForbidden(context, base, sysid, pubid)

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    parser.UnparsedEntityDeclHandler = unparsed
    parser.ExternalEntityRefHandler = external
    parser.buffer_text = True
    return parser


def _parse(
    archive: zipfile.ZipFile,
    name: str,
    budget: _Budget,
    start: Callable[[str, Attributes], None],
    end: Callable[[str], None] | None = None,
    text: Callable[[str], None] | None = None,
) -> None:
    """Stream part ``name`` through the handlers, its decompressed bytes charged to
    ``budget``. Tags reach the handlers as ``namespace}local``."""
    entry = archive.getinfo(name)
    ratio = limits.XLSX.inflate_ratio or 0
    if entry.file_size > budget.remaining:
        raise Unreadable(_too_big())
    if entry.file_size > _GRACE_BYTES and entry.file_size > max(entry.compress_size, 1) * ratio:
        raise Unreadable(_bomb())
    ratio_limit = max(entry.compress_size, 1) * ratio
    parser = _defused_parser()
    parser.StartElementHandler = start
    if end is not None:
        parser.EndElementHandler = end
    if text is not None:
        parser.CharacterDataHandler = text
    count = 0
    with archive.open(entry) as stream:
        while chunk := stream.read(_CHUNK):
            count += len(chunk)
            # A lying header can't make us read more than the budget or a bomb's ratio.
            if count > budget.remaining:
                raise Unreadable(_too_big())
            if count > _GRACE_BYTES and count > ratio_limit:
                raise Unreadable(_bomb())
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    budget.remaining -= count


def _too_big() -> str:
    return _("The workbook expands to more than %(limit)s; save a smaller one.") % {
        "limit": filesizeformat(limits.XLSX.decompressed_bytes or 0)
    }


def _bomb() -> str:
    return _(
        "The workbook expands more than %(ratio)d times its size, as zip bombs do; it was "
        "not read. Save it again from your spreadsheet."
    ) % {"ratio": limits.XLSX.inflate_ratio}


def _too_many_cells() -> str:
    return _("The workbook holds more than %(n)s cells; split it.") % {
        "n": f"{limits.XLSX.cells:,}"
    }


@dataclass
class _Workbook:
    """``xl/workbook.xml`` and its relationships: the sheets in order, the parts by kind, and
    the date system."""

    sheet_ids: list[str] = field(default_factory=list)
    targets: dict[str, tuple[str, str]] = field(default_factory=dict)
    epoch: datetime = CALENDAR_WINDOWS_1900

    def start(self, tag: str, attributes: Attributes) -> None:
        if tag == f"{MAIN}sheet":
            self.sheet_ids.append(attributes.get(f"{DOC_RELS}id", ""))
        elif tag == f"{MAIN}workbookPr" and attributes.get("date1904") in ("1", "true"):
            self.epoch = CALENDAR_MAC_1904
        elif tag == f"{RELS}Relationship":
            kind = attributes.get("Type", "").rsplit("/", 1)[-1]
            self.targets[attributes.get("Id", "")] = (kind, _part(attributes.get("Target", "")))

    def first_sheet(self) -> str | None:
        """The first worksheet (chart sheets are not worksheets), as openpyxl's
        ``worksheets[0]``."""
        for sheet_id in self.sheet_ids:
            kind, target = self.targets.get(sheet_id, ("", ""))
            if kind == "worksheet":
                return target
        return None

    def part(self, kind: str, default: str) -> str:
        return next((target for k, target in self.targets.values() if k == kind), default)


def _part(target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join("xl", target))


@dataclass
class _Strings:
    """The text of ``si`` (shared strings) or ``is`` (an inline string) items: their ``t`` and
    the ``t`` of their runs, not the phonetic hints (``rPh``), as openpyxl's ``Text.content``."""

    item: str
    strings: list[str] = field(default_factory=list)
    _parts: list[str] | None = None
    _in_text: bool = False
    _in_phonetic: bool = False

    def start(self, tag: str, attributes: Attributes) -> None:
        local = tag.rpartition("}")[2]
        if local == self.item:
            self._parts = []
        elif local == "rPh":
            self._in_phonetic = True
        elif local == "t" and self._parts is not None and not self._in_phonetic:
            self._in_text = True

    def end(self, tag: str) -> None:
        local = tag.rpartition("}")[2]
        if local == "t":
            self._in_text = False
        elif local == "rPh":
            self._in_phonetic = False
        elif local == self.item and self._parts is not None:
            self.strings.append("".join(self._parts))
            self._parts = None
            if len(self.strings) > (limits.XLSX.cells or 0):
                raise Unreadable(_too_many_cells())

    def text(self, data: str) -> None:
        if self._in_text and self._parts is not None:
            self._parts.append(data)


@dataclass
class _Styles:
    """``xl/styles.xml``: the number format of each cell style (``cellXfs``)."""

    custom: dict[str, str] = field(default_factory=dict)
    formats: list[str] = field(default_factory=list)
    _in_cell_xfs: bool = False

    def start(self, tag: str, attributes: Attributes) -> None:
        if tag == f"{MAIN}numFmt":
            self.custom[attributes.get("numFmtId", "")] = attributes.get("formatCode", "")
        elif tag == f"{MAIN}cellXfs":
            self._in_cell_xfs = True
        elif tag == f"{MAIN}xf" and self._in_cell_xfs:
            number = attributes.get("numFmtId", "0")
            builtin = BUILTIN_FORMATS.get(int(number)) if number.isdigit() else None
            self.formats.append(self.custom.get(number) or builtin or "General")

    def end(self, tag: str) -> None:
        if tag == f"{MAIN}cellXfs":
            self._in_cell_xfs = False

    def date_styles(self) -> tuple[set[int], set[int]]:
        """The styles that show a date, and those that show a duration (openpyxl's rules)."""
        dates = {index for index, code in enumerate(self.formats) if is_date_format(code)}
        durations = {index for index, code in enumerate(self.formats) if is_timedelta_format(code)}
        return dates, durations


def _column(reference: str) -> int:
    """The 1-based column of a cell reference such as ``AB12``; ``ValueError`` if invalid."""
    letters = reference.rstrip("0123456789")
    if not letters or len(letters) > 3 or not letters.isascii() or not letters.isalpha():
        raise ValueError(reference)
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    if number > 16384:  # XFD, Excel's last column
        raise ValueError(reference)
    return number


class _SheetReader:
    """The sheet's handlers: a row's cells are collected, then the row is kept (the header, a
    data row) or counted (an empty row), within the limits."""

    def __init__(
        self,
        *,
        shared: list[str],
        dates: set[int],
        durations: set[int],
        epoch: datetime,
        max_rows: int | None,
    ) -> None:
        self.shared, self.dates, self.durations, self.epoch = shared, dates, durations, epoch
        self.max_rows = max_rows
        self.sheet = Sheet(header=[])
        self.width = 0
        self.number = 0
        self.blank_rows = 0
        self.cells_seen = 0
        self.values: dict[int, Value] = {}
        self.column = 0
        self.cell: Attributes = {}
        self.raw: list[str] = []
        self.in_value = False
        self.inline = _Strings(item="is")
        self.header_done = False

    def start(self, tag: str, attributes: Attributes) -> None:
        if tag == _CELL:
            self.cells_seen += 1
            if self.cells_seen > (limits.XLSX.cells or 0):
                raise Unreadable(_too_many_cells())
            reference = attributes.get("r")
            self.column = _column(reference) if reference else self.column + 1
            self.cell = attributes
            self.raw = []
            self.inline.strings.clear()
        elif tag == _VALUE:
            self.in_value = True
        elif tag == _ROW:
            reference = attributes.get("r", "")
            self.number = int(reference) if reference.isdigit() else self.number + 1
            self.values.clear()  # its values are copied into a list when the row is kept
            self.column = 0
        else:
            self.inline.start(tag, attributes)

    def text(self, data: str) -> None:
        if self.in_value:
            self.raw.append(data)
        else:
            self.inline.text(data)

    def end(self, tag: str) -> None:
        if tag == _VALUE:
            self.in_value = False
        elif tag == _CELL:
            value = self._value()
            if value is not None:
                self.values[self.column] = value
        elif tag == _ROW:
            self._row_end()
        else:
            self.inline.end(tag)

    def _row_end(self) -> None:
        values, width, sheet = self.values, self.width, self.sheet
        if not self.header_done:
            self.header_done = True
            if self.number != 1:
                raise _Enough  # no first row: the caller refuses the empty header
            header = [values.get(column) for column in range(1, max(values, default=0) + 1)]
            while header and header[-1] in (None, ""):
                header.pop()
            if len(header) > (limits.XLSX.columns or 0):
                raise Unreadable(_too_wide(len(header)))
            sheet.header, self.width = header, len(header)
            if not header:
                raise _Enough
            return
        if not values or not any(
            values.get(column) not in (None, "") for column in range(1, width + 1)
        ):
            self.blank_rows += 1
            if self.blank_rows > (limits.XLSX.blank_rows or 0):
                raise Unreadable(
                    _(
                        "The sheet holds more than %(n)s empty rows; delete them (select the "
                        "rows below your data, Delete, save) and upload it again."
                    )
                    % {"n": f"{limits.XLSX.blank_rows:,}"}
                )
            return
        sheet.rows.append([values.get(column) for column in range(1, width + 1)])
        sheet.lines.append(self.number)
        if self.max_rows is not None and len(sheet.rows) > self.max_rows:
            raise _Enough

    def _value(self) -> Value:
        kind = self.cell.get("t", "n")
        if kind == "inlineStr":
            return self.inline.strings[0] if self.inline.strings else None
        raw = "".join(self.raw)
        if not raw:
            return None
        if kind == "s":
            return self.shared[int(raw)]
        if kind == "b":
            return bool(int(raw))
        if kind in ("str", "e", "d"):
            return raw
        number: int | float = float(raw) if ("." in raw or "e" in raw or "E" in raw) else int(raw)
        style = self.cell.get("s", "0")
        index = int(style) if style.isdigit() else 0
        if index in self.dates:
            try:
                converted: Any = from_excel(number, self.epoch, timedelta=index in self.durations)
            except (OverflowError, ValueError):
                return "#VALUE!"  # openpyxl's value for a date out of range
            return converted
        return number


def _too_wide(width: int) -> str:
    return _(
        "The first row has %(width)s columns; at most %(limit)s are read. Delete the columns "
        "you don't need and upload the file again."
    ) % {"width": f"{width:,}", "limit": f"{limits.XLSX.columns:,}"}
