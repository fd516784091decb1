"""The QA file reader (``qa.reviews.files.read_table``) within ``core.limits.CSV`` and ``XLSX``:
XLSX parts read without DTDs or entities, truncated ones refused, zip bombs and walls of empty
rows refused after bounded work, wide CSV headers and run-on lines refused before any row is
built, and a workbook read as openpyxl reads it."""

from __future__ import annotations

import dataclasses
import io
import time

import pytest

from core import limits
from core.errors import ValidationFailed
from qa.reviews import files
from qa.reviews.files import Table, read_table
from tests import bad_inputs
from tests.qa import review_exports as exports

UNREADABLE = "The workbook can't be read: "


def refusal(data: bytes, filename: str = "export.xlsx") -> str:
    with pytest.raises(ValidationFailed) as raised:
        read_table(data, filename=filename)
    assert raised.value.field_errors == {"file": [raised.value.message]}
    return raised.value.message


def openpyxl_table(data: bytes) -> Table:
    """What the reader gave before it read the XML itself (openpyxl, read-only, data only)."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    rows_iter = workbook.worksheets[0].iter_rows(values_only=True)
    header = [files._cell(v) for v in next(rows_iter, ())]
    while header and not header[-1]:
        header.pop()
    rows, lines = [], []
    for number, values in enumerate(rows_iter, start=2):
        cells = [files._cell(v) for v in values[: len(header)]]
        if any(cells):
            rows.append(cells + [""] * (len(header) - len(cells)))
            lines.append(number)
    workbook.close()
    return Table(header=header, rows=rows, kind="xlsx", lines=lines)


EXCEL_SHEET = (
    b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
    b'<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c>'
    b'<c r="F1" t="s"><v>5</v></c><c r="G1" s="1"/></row>'
    b'<row r="2"><c r="A2" t="s"><v>6</v></c><c r="B2" s="1"><v>46032</v></c>'
    b'<c r="C2" s="2"><v>46032.5</v></c><c r="D2" t="b"><v>1</v></c>'
    b'<c r="E2"><f>1+1</f><v>2</v></c><c r="F2" t="inlineStr"><is><r><t>in</t></r>'
    b"<r><t>line</t></r></is></c></row>"
    b'<row r="3" ht="15"/>'
    b'<row r="5"><c r="A5" t="s"><v>7</v></c><c r="B5" s="3"><v>1.5</v></c><c r="D5" t="e">'
    b'<v>#N/A</v></c><c r="E5"><v>1.25E3</v></c><c r="F5" t="str"><v>text</v></c>'
    b'<c r="Z5" t="s"><v>6</v></c></row>'
    b'<row r="9"><c r="A9" t="s"><v>8</v></c></row>'
)
EXCEL_STRINGS = [
    b"<t>agent_email</t>",
    b"<t>date</t>",
    b"<t>when</t>",
    b"<t>ok</t>",
    b"<t>score</t>",
    b"<t>note</t>",
    b"<r><rPr><b/></rPr><t>ana@</t></r><r><t>example.test</t></r>",
    '<t xml:space="preserve"> José </t><rPh sb="0" eb="1"><t>ホセ</t></rPh>'.encode(),
    b"<t>last</t>",
]


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")  # openpyxl's, here
@pytest.mark.parametrize(
    "data",
    [
        pytest.param(exports.xlsx_bytes("agent@example.test"), id="openpyxl-written"),
        pytest.param(bad_inputs.excel_xlsx(EXCEL_SHEET, EXCEL_STRINGS), id="excel-layout"),
    ],
)
def test_a_workbook_reads_as_openpyxl_reads_it(data):
    """Shared, rich and inline strings, dates by style, booleans, a formula's cached value,
    an error, a duration, gaps in rows and cells, cells past the header: all as before."""
    table = read_table(data, filename="export.xlsx")
    before = openpyxl_table(data)
    assert (table.header, table.rows, table.lines) == (before.header, before.rows, before.lines)


def test_the_excel_layout_values_are_the_ones_a_person_sees():
    table = read_table(bad_inputs.excel_xlsx(EXCEL_SHEET, EXCEL_STRINGS), filename="e.xlsx")
    assert table.header == ["agent_email", "date", "when", "ok", "score", "note"]
    assert table.rows[0] == [
        "ana@example.test",
        "2026-01-10T00:00:00",  # a naive date: the sheet has no zone
        "2026-01-10T12:00:00",
        "1",
        "2",
        "inline",
    ]
    assert table.rows[1][0] == "José"  # not the phonetic hint
    assert table.lines == [2, 5, 9]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (bad_inputs.xlsx_truncated(), "a part is not well-formed XML"),
        (bad_inputs.xlsx_dtd(), "it declares a DTD"),
        (bad_inputs.xlsx_dtd(bad_inputs.SHARED), "it declares a DTD"),
        (bad_inputs.xlsx_dtd("xl/workbook.xml"), "it declares a DTD"),
        (bad_inputs.xlsx_dtd("xl/styles.xml"), "it declares a DTD"),
        (bad_inputs.xlsx_dtd("xl/_rels/workbook.xml.rels"), "it declares a DTD"),
        (bad_inputs.xlsx_external_entity(), "it declares a DTD"),
        (bad_inputs.xlsx_lying_size(), "a part is damaged"),
    ],
    ids=[
        "truncated-sheet",
        "dtd-sheet",
        "dtd-shared-strings",
        "dtd-workbook",
        "dtd-styles",
        "dtd-relationships",
        "external-entity",
        "lying-size",
    ],
)
def test_an_unreadable_workbook_is_a_clear_400_not_a_500(data, reason):
    """ElementTree's ParseError escaped from openpyxl's row iterator (outside the ``try``)."""
    message = refusal(data)
    assert message.startswith(UNREADABLE)
    assert reason in message


def test_a_zip_bomb_sheet_is_refused_from_its_declared_sizes_at_once():
    """The probe's workbook: 136 KB on disk, a 45 MB sheet of a million empty rows. It took
    90 s of a core and answered 200."""
    data = bad_inputs.xlsx_bomb()
    assert len(data) < 200_000
    started = time.perf_counter()
    message = refusal(data)
    assert "expands more than 100 times its size" in message
    assert time.perf_counter() - started < 1


def test_empty_rows_that_compress_like_data_are_refused_after_a_bounded_walk(monkeypatch):
    monkeypatch.setattr(limits, "XLSX", dataclasses.replace(limits.XLSX, blank_rows=500))
    message = refusal(bad_inputs.xlsx_blank_rows(501))
    assert message.startswith("The sheet holds more than 500 empty rows")
    assert read_table(bad_inputs.xlsx_blank_rows(500), filename="x.xlsx").rows == []


def test_trailing_empty_rows_do_not_count_against_the_rows(monkeypatch):
    monkeypatch.setattr(files, "MAX_ROWS", 3)
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>a@x</t></is></c></row>' % (n, n)
        for n in (2, 3, 4)
    )
    rows += b"".join(b'<row r="%d" ht="15"/>' % n for n in range(5, 1000))
    data = bad_inputs.xlsx_with_part(
        bad_inputs.xlsx([["a"]]), bad_inputs.SHEET, lambda _part: bad_inputs.sheet_xml(rows)
    )
    assert read_table(data, filename="x.xlsx").lines == [2, 3, 4]


def test_a_workbook_over_the_decompressed_budget_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(limits, "XLSX", dataclasses.replace(limits.XLSX, decompressed_bytes=2_000))
    message = refusal(exports.xlsx_bytes("agent@example.test"))
    assert message.startswith("The workbook expands to more than 2.0")


def test_a_sheet_wider_than_the_limit_is_refused_naming_its_width():
    message = refusal(bad_inputs.xlsx_wide(limits.XLSX.columns + 1))
    assert message.startswith(f"The first row has {limits.XLSX.columns + 1} columns; at most 500")
    assert read_table(bad_inputs.xlsx_wide(limits.XLSX.columns), filename="x.xlsx").header


def test_the_cells_of_a_sheet_are_bounded(monkeypatch):
    monkeypatch.setattr(limits, "XLSX", dataclasses.replace(limits.XLSX, cells=10))
    data = bad_inputs.xlsx([["a", "b", "c"], *[["1", "2", "3"]] * 4])
    assert refusal(data) == "The workbook holds more than 10 cells; split it."


@pytest.mark.parametrize(
    ("columns", "rows"),
    [(1_000_006, 200), (150_005, 10)],
    ids=["review-export-probe", "findings-probe"],
)
def test_the_probes_wide_csv_is_refused_before_any_row_is_built(columns, rows):
    """1,000,006 columns × 200 rows grew a web process to 1.98 GB."""
    message = refusal(bad_inputs.wide_csv(columns, rows), filename="wide.csv")
    assert message.startswith("A line of the file is longer than 1,000,000 characters")


def test_a_csv_header_wider_than_the_limit_is_refused_naming_its_width():
    header = ",".join(f"c{n}" for n in range(limits.CSV.columns + 1))
    message = refusal((header + "\na\n").encode(), filename="wide.csv")
    assert message.startswith("The first row has 501 columns; at most 500 are read.")


def test_trailing_empty_header_cells_are_not_columns():
    table = read_table(("a,b" + "," * 5000 + "\n1,2\n").encode(), filename="x.csv")
    assert (table.header, table.rows) == (["a", "b"], [["1", "2"]])


def test_a_record_is_bounded_with_its_quoted_line_breaks(monkeypatch):
    monkeypatch.setattr(files, "MAX_LINE_LENGTH", 100)
    assert read_table(b'a,b\n"' + b"x\n" * 40 + b'",1\n', filename="x.csv").rows
    message = refusal(b'a,b\n"' + b"x\n" * 60 + b'",1\n', filename="x.csv")
    assert message == "A line of the file is longer than 100 characters; is it really CSV?"


def test_the_lines_of_a_csv_are_counted_before_it_is_parsed(monkeypatch):
    monkeypatch.setattr(files, "MAX_LINES", 50)
    assert read_table(b"a\n" + b"x\n" * 49, filename="x.csv").rows
    assert refusal(b"a\n" + b"\n" * 60, filename="x.csv") == (
        "The file has more than 50 lines; split it."
    )


def test_the_cells_of_a_csv_are_bounded(monkeypatch):
    monkeypatch.setattr(files, "MAX_CELLS", 9)
    assert len(read_table(b"a,b,c\n" + b"1,2,3\n" * 3, filename="x.csv").rows) == 3
    message = refusal(b"a,b,c\n" + b"1,2,3\n" * 4, filename="x.csv")
    assert message == "The file holds more than 9 cells (rows × columns); split it."
