"""Hostile and broken inputs, built small in memory: the probe's cases and their neighbours.

Used by the readers' own tests (tests/qa/test_review_files_limits.py) and by the bad-input
corpus that sends them to every upload and search endpoint (tests/core/test_bad_input_corpus.py).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Sequence

SHEET = "xl/worksheets/sheet1.xml"
SHARED = "xl/sharedStrings.xml"
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
BILLION_LAUGHS = (
    b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
    b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
)


def xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    """A workbook as openpyxl writes it (as Excel would), its first sheet holding ``rows``."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def excel_xlsx(sheet_data: bytes, shared: list[bytes]) -> bytes:
    """A workbook laid out as Excel writes it (openpyxl writes inline strings; Excel writes
    shared strings, relative targets, a styles part with date formats). ``shared`` are the
    ``<si>`` bodies; style 1 is Excel's built-in date format (14), style 2 a custom
    date-time, style 3 a duration."""
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts = {
        "[Content_Types].xml": (
            b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            b'2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
            + b"".join(
                b'<Override PartName="/xl/%s" ContentType="application/vnd.openxmlformats-'
                b'officedocument.spreadsheetml.%s+xml"/>' % (part, kind)
                for part, kind in (
                    (b"workbook.xml", b"sheet.main"),
                    (b"worksheets/sheet1.xml", b"worksheet"),
                    (b"chartsheets/sheet1.xml", b"chartsheet"),
                    (b"sharedStrings.xml", b"sharedStrings"),
                    (b"styles.xml", b"styles"),
                )
            )
            + b"</Types>"
        ),
        "_rels/.rels": b'<?xml version="1.0"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"/>',
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<workbook xmlns="{MAIN_NS}" xmlns:r="{rel}"><workbookPr/><sheets>'
            f'<sheet name="Chart" sheetId="2" r:id="rId9"/>'
            f'<sheet name="Export" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ).encode(),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/'
            f'package/2006/relationships">'
            f'<Relationship Id="rId9" Type="{rel}/chartsheet" Target="chartsheets/sheet1.xml"/>'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
            f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/>'
            f"</Relationships>"
        ).encode(),
        "xl/styles.xml": (
            f'<?xml version="1.0"?><styleSheet xmlns="{MAIN_NS}"><numFmts count="2">'
            rf'<numFmt numFmtId="164" formatCode="yyyy\-mm\-dd\ hh:mm"/>'
            f'<numFmt numFmtId="165" formatCode="[hh]:mm:ss"/></numFmts>'
            f'<cellStyleXfs count="1"><xf numFmtId="14"/></cellStyleXfs>'
            f'<cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/>'
            f'<xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165"/></cellXfs>'
            f"</styleSheet>"
        ).encode(),
        "xl/sharedStrings.xml": (
            f'<?xml version="1.0"?><sst xmlns="{MAIN_NS}" count="{len(shared)}">'.encode()
            + b"".join(b"<si>" + item + b"</si>" for item in shared)
            + b"</sst>"
        ),
        "xl/chartsheets/sheet1.xml": f'<chartsheet xmlns="{MAIN_NS}"/>'.encode(),
        "xl/chartsheets/_rels/sheet1.xml.rels": b'<Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"/>',
        SHEET: (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<worksheet xmlns="{MAIN_NS}"><dimension ref="A1:F9"/><sheetData>'.encode()
            + sheet_data
            + b"</sheetData></worksheet>"
        ),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for name, body in parts.items():
            target.writestr(name, body)
    return out.getvalue()


def xlsx_with_part(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook ``data`` with its part ``name`` replaced by ``change(part)``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            body = source.read(entry)
            target.writestr(entry.filename, change(body) if entry.filename == name else body)
    return out.getvalue()


def _with_prolog(prolog: bytes) -> Callable[[bytes], bytes]:
    def change(part: bytes) -> bytes:
        start = part.index(b"<", part.index(b"?>") + 2 if part.startswith(b"<?xml") else 0)
        return part[:start] + prolog + part[start:]

    return change


def sheet_xml(rows: bytes) -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        + f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()
        + b'<row r="1"><c r="A1" t="inlineStr"><is><t>agent_email</t></is></c></row>'
        + rows
        + b"</sheetData></worksheet>"
    )


def xlsx_truncated() -> bytes:
    """sheet1.xml cut in half (a download that stopped, a tool that crashed)."""
    workbook = xlsx([["a", "b"], ["1", "2"]])
    return xlsx_with_part(workbook, SHEET, lambda part: part[: len(part) // 2])


def xlsx_dtd(part: str = SHEET) -> bytes:
    """A part that declares entities (a billion-laughs DTD); the workbook is Excel's layout,
    so every part named exists."""
    workbook = excel_xlsx(
        b'<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2"><v>1</v></c></row>',
        [b"<t>agent_email</t>"],
    )
    return xlsx_with_part(workbook, part, _with_prolog(BILLION_LAUGHS))


def xlsx_external_entity() -> bytes:
    prolog = b'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    return xlsx_with_part(xlsx([["a", "b"], ["1", "2"]]), SHEET, _with_prolog(prolog))


def xlsx_bomb(rows: int = 1_048_575) -> bytes:
    """The probe's workbook: small on disk, a sheet of a million formatted empty rows (the
    ``<row/>`` of a sheet whose every row has a height set) that expands hundreds of times."""
    empty = b'<row spans="1:1" ht="15" customHeight="1"/>' * rows
    return xlsx_with_part(xlsx([["a"]]), SHEET, lambda _part: sheet_xml(empty))


def xlsx_blank_rows(rows: int) -> bytes:
    """Empty rows that compress like real data (each numbered), so only counting them stops
    the walk."""
    empty = b"".join(b'<row r="%d" ht="15"/>' % number for number in range(2, rows + 2))
    return xlsx_with_part(xlsx([["a"]]), SHEET, lambda _part: sheet_xml(empty))


def xlsx_wide(columns: int) -> bytes:
    return xlsx([[f"c{n}" for n in range(columns)], ["x"]])


def xlsx_lying_size() -> bytes:
    """sheet1.xml whose central directory says it is 100 bytes: zipfile stops there."""
    data = bytearray(xlsx([["a", "b"], ["1", "2"]]))
    name = data.index(SHEET.encode(), data.index(b"PK\x01\x02"))  # in the central directory
    header = name - 46  # the fixed part of a central directory header
    assert data[header : header + 4] == b"PK\x01\x02"
    data[header + 24 : header + 28] = (100).to_bytes(4, "little")  # "uncompressed size"
    return bytes(data)


def wide_csv(columns: int, rows: int) -> bytes:
    """The probe's CSV: a header of ``columns`` names and ``rows`` short rows."""
    header = ",".join(f"c{n}" for n in range(columns))
    return (header + "\n" + "a,b\n" * rows).encode()


def wide_rows_csv(header: str, width: int, rows: int) -> bytes:
    """A narrow header, then rows of ``width`` cells (an export whose rows run on)."""
    return (header + "\n" + ("x," * width + "\n") * rows).encode()


def deep_json(levels: int) -> str:
    return "[" * levels + "]" * levels
