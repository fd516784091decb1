"""Every bound on what people and programs may send, in one place.

One ``InputLimits`` per kind of input: how many bytes it may be, what it may expand to, and how
many rows, columns, cells, nesting levels or characters per line it may hold. The readers check
them *before* the expensive step (a declared zip size before decompressing, a header's width
before building rows, a body's length before parsing), so a hostile file costs milliseconds,
and refuse with a message a person can act on: a 400 (or 413 for a body) in the API's error
format, a form error on the page.

The modules that enforce a limit keep their module-level names (``qa.reviews.files.MAX_ROWS``,
``courses.sop_import.files.MAX_UNCOMPRESSED_BYTES`` …) as aliases of these values, so tests can
still narrow one with ``monkeypatch``. Two are settings an operator may change
(``QUESTION_IMPORT_MAX_BYTES``, ``QUESTION_IMPORT_MAX_QUESTIONS``); the values here are their
defaults. Django's own request limits (``DATA_UPLOAD_MAX_MEMORY_SIZE``,
``DATA_UPLOAD_MAX_NUMBER_FIELDS``) are set from ``JSON_BODY`` and ``QUERY_STRING``.

docs/limits.md shows the same table as ``limits_table()``; a test keeps the two equal
(``python -m core.limits`` prints it). Pure: no Django import, so settings can import it.
"""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class InputLimits:
    """The bounds of one kind of input; ``None`` where a bound does not apply."""

    kind: str
    enforced_in: str
    bytes: int | None = None
    """The upload or body, as sent."""
    decompressed_bytes: int | None = None
    """What a zip (an archive, a .docx, an .xlsx) may expand to, all parts read added up."""
    inflate_ratio: int | None = None
    """How many times its compressed size a part of more than 1 MB may expand (a zip bomb
    expands hundreds of times; Apache POI refuses past 100 as well)."""
    entries: int | None = None
    """Parts of a zip."""
    rows: int | None = None
    """Data rows (empty rows are not counted)."""
    blank_rows: int | None = None
    """Empty rows read on the way (XLSX keeps formatted empty rows), bounded separately."""
    columns: int | None = None
    """The header's width (trailing empty header cells are not counted)."""
    cells: int | None = None
    """Cells read in all, a bound on the work whatever the shape."""
    nesting: int | None = None
    """Levels of arrays and objects in JSON."""
    line_length: int | None = None
    """Characters of one line (one CSV record, quoted line breaks included)."""
    lines: int | None = None
    """Lines of a text (empty ones and those inside quotes included), counted first."""
    chars: int | None = None
    """Characters of a text (front matter, a search)."""
    items: int | None = None
    """Questions of a question bank."""
    choices: int | None = None
    """Answers of one question."""
    fields: int | None = None
    """Parameters of a query string or form."""
    max_value: int | None = None
    """The largest number accepted."""
    settings: tuple[str, ...] = ()
    """Settings (from the environment) that override these defaults."""
    note: str = ""


CSV = InputLimits(
    kind="CSV (QA review export, findings CSV)",
    enforced_in="qa/reviews/files.py",
    bytes=50 * MB,
    rows=200_000,
    columns=500,
    cells=4_000_000,  # 200,000 rows of 20 columns
    line_length=1_000_000,
    lines=1_000_000,
    note="Fields longer than 131,072 characters (Python's csv limit) are refused too.",
)

XLSX = InputLimits(
    kind="XLSX (QA review export, findings)",
    enforced_in="qa/reviews/xlsx.py",
    bytes=CSV.bytes,
    decompressed_bytes=200 * MB,
    inflate_ratio=100,
    entries=1000,
    rows=CSV.rows,
    blank_rows=20_000,  # a walk of well under a second; more is a formatted empty area
    columns=CSV.columns,
    cells=CSV.cells,
    note="The first sheet only. Parts are read with defusedxml's policy: a DTD, an entity or "
    "an external reference is refused.",
)

FINDINGS = InputLimits(
    kind="Findings CSV or XLSX (fixed columns)",
    enforced_in="qa/reviews/findings_csv.py",
    bytes=2 * MB,
    rows=5000,
    note="Every row is shown in the preview. Read as above (CSV, XLSX).",
)

WEBHOOK = InputLimits(
    kind="QA webhook (signed JSON rows)",
    enforced_in="qa/reviews/webhook.py",
    bytes=2 * MB,
    rows=5000,
    columns=CSV.columns,
    note="Over the byte limit: 413. Columns: the keys of all rows together.",
)

ZIP = InputLimits(
    kind="ZIP (SOP import)",
    enforced_in="courses/sop_import/files.py",
    bytes=10 * MB,
    decompressed_bytes=50 * MB,
    entries=200,
    note="Checked from the declared sizes, then while reading. Nested zips are not opened.",
)

DOCX = InputLimits(
    kind="DOCX (SOP import)",
    enforced_in="courses/sop_import/files.py",
    bytes=ZIP.bytes,
    decompressed_bytes=ZIP.decompressed_bytes,
    entries=2000,
    note="Inside a zip, its parts draw on the zip's budget.",
)

MARKDOWN = InputLimits(
    kind="Markdown (SOP import)",
    enforced_in="courses/sop_import/files.py",
    bytes=ZIP.bytes,
    chars=10_000,
    note="Chars: the YAML front matter, where NUL is refused. Rendering: the next row.",
)

GIFT = InputLimits(
    kind="GIFT (question bank)",
    enforced_in="assessments/question_bank.py",
    bytes=10 * MB,
    items=5000,
    choices=100,
    settings=("QUESTION_IMPORT_MAX_BYTES", "QUESTION_IMPORT_MAX_QUESTIONS"),
)

AIKEN = InputLimits(
    kind="Aiken (question bank)",
    enforced_in="assessments/question_bank.py",
    bytes=GIFT.bytes,
    items=GIFT.items,
    choices=26,  # A to Z
    settings=GIFT.settings,
)

TEXT_UPLOAD = InputLimits(
    kind="Text uploads (.md, GIFT, Aiken, CSV)",
    enforced_in="core/uploads.py",
    note="UTF-8, or UTF-16/32 with a byte-order mark; NUL anywhere is refused.",
)

JSON_BODY = InputLimits(
    kind="JSON body (API)",
    enforced_in="core/parsers.py",
    bytes=2_621_440,  # Django's default DATA_UPLOAD_MAX_MEMORY_SIZE, 2.5 MB
    nesting=32,
    note="Bytes: Django's `DATA_UPLOAD_MAX_MEMORY_SIZE`, set from here. Over it: 413 "
    "too_large; deeper nesting: 400 parse_error.",
)

QUERY_STRING = InputLimits(
    kind="Query string and forms",
    enforced_in="core/listing.py",
    chars=100,
    fields=1000,  # Django's default DATA_UPLOAD_MAX_NUMBER_FIELDS
    note="Fields: Django's `DATA_UPLOAD_MAX_NUMBER_FIELDS`, set from here. Chars: a list's "
    "search text (longer is cut, NUL dropped). gunicorn refuses a request line over 4,094 "
    "bytes.",
)

ID = InputLimits(
    kind="Ids (URLs, query strings, JSON)",
    enforced_in="core/ids.py",
    max_value=2**63 - 1,
    note="A signed 64-bit integer from 1; anything else is a 404.",
)

ALL: tuple[InputLimits, ...] = (
    CSV,
    XLSX,
    FINDINGS,
    WEBHOOK,
    ZIP,
    DOCX,
    MARKDOWN,
    GIFT,
    AIKEN,
    TEXT_UPLOAD,
    JSON_BODY,
    QUERY_STRING,
    ID,
)

_MAIN_COLUMNS = (
    ("bytes", "Bytes"),
    ("decompressed_bytes", "Expanded"),
    ("rows", "Rows"),
    ("columns", "Columns"),
    ("cells", "Cells"),
    ("nesting", "Nesting"),
    ("line_length", "Line (chars)"),
)
_OTHER = (
    ("lines", "lines"),
    ("inflate_ratio", "ratio"),
    ("entries", "entries"),
    ("blank_rows", "blank rows"),
    ("chars", "chars"),
    ("items", "questions"),
    ("choices", "answers per question"),
    ("fields", "fields"),
    ("max_value", "max"),
)


def _size(value: int) -> str:
    if value * 10 % MB == 0:  # whole tenths of a megabyte (Django's filesizeformat: 1024²)
        return f"{value / MB:g} MB"
    return f"{value:,} bytes"


def _number(name: str, value: int | None) -> str:
    if value is None:
        return "–"
    if name in ("bytes", "decompressed_bytes"):
        return _size(value)
    if name == "inflate_ratio":
        return f"{value}×"
    return f"{value:,}"


def markdown_rendering() -> InputLimits:
    """The renderer's own bounds, as ``core.markdown`` sets them (read from there, so the
    table can't drift; imported here only when the table is made)."""
    from core import markdown

    return InputLimits(
        kind="Markdown rendering (SOPs, lessons, questions, previews)",
        enforced_in="core/markdown.py",
        chars=getattr(markdown, "MARKDOWN_MAX_CHARS", None),
        nesting=getattr(markdown, "BLOCK_NESTING_LIMIT", None),
        cells=getattr(markdown, "TABLE_CELLS_PER_DOCUMENT", None),
        note="Longer sources show as preformatted text; deeper containers and the tables past "
        "the cells show as text.",
    )


def limits_table() -> str:
    """The Markdown table of docs/limits.md, from ``ALL`` and the Markdown renderer's."""
    header = ["Input", *(title for _name, title in _MAIN_COLUMNS), "Other", "Where"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    rows = list(ALL)
    rows.insert(rows.index(MARKDOWN) + 1, markdown_rendering())
    for limits in rows:
        bounds = ", ".join(
            f"{title} {_number(name, getattr(limits, name))}"
            for name, title in _OTHER
            if getattr(limits, name) is not None
        )
        other = [bounds[:1].upper() + bounds[1:] + "."] if bounds else []
        if limits.settings:
            names = ", ".join(f"`{name}`" for name in limits.settings)
            other.append(f"Settings (environment): {names}.")
        if limits.note:
            other.append(limits.note)
        cells = [
            limits.kind,
            *(_number(name, getattr(limits, name)) for name, _title in _MAIN_COLUMNS),
            " ".join(other) or "–",
            f"`{limits.enforced_in}`",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(limits_table(), end="")
