"""``core/limits.py`` is the one place for input limits: the docs show its table, the modules
that enforce a limit read it from there, and every id in a URL is bounded by its converter."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.converters import IntConverter

from assessments import question_bank
from assessments.formats import gift
from core import ids, limits, listing
from core.ids import IdConverter
from core.parsers import too_deep
from courses.sop_import import files as sop_files
from qa.reviews import files as qa_files
from qa.reviews import findings_csv, webhook

DOCS = Path(settings.BASE_DIR) / "docs" / "limits.md"
TABLE = re.compile(r"<!-- limits:start[^>]*-->\n(.*?)<!-- limits:end -->", re.DOTALL)


def test_the_docs_table_is_the_table_of_core_limits():
    match = TABLE.search(DOCS.read_text(encoding="utf-8"))
    assert match, "docs/limits.md lost its <!-- limits:start --> … <!-- limits:end --> markers"
    assert match.group(1) == limits.limits_table(), (
        "docs/limits.md differs from core/limits.py: put the output of "
        "`.venv/bin/python -m core.limits` between the markers"
    )


def test_the_readme_links_the_limits():
    assert "(docs/limits.md)" in (Path(settings.BASE_DIR) / "README.md").read_text()


@pytest.mark.parametrize(
    ("enforced", "limit"),
    [
        pytest.param(qa_files.MAX_BYTES, limits.CSV.bytes, id="qa_files.MAX_BYTES"),
        pytest.param(qa_files.MAX_ROWS, limits.CSV.rows, id="qa_files.MAX_ROWS"),
        pytest.param(qa_files.MAX_COLUMNS, limits.CSV.columns, id="qa_files.MAX_COLUMNS"),
        pytest.param(qa_files.MAX_CELLS, limits.CSV.cells, id="qa_files.MAX_CELLS"),
        pytest.param(
            qa_files.MAX_LINE_LENGTH, limits.CSV.line_length, id="qa_files.MAX_LINE_LENGTH"
        ),
        pytest.param(qa_files.MAX_LINES, limits.CSV.lines, id="qa_files.MAX_LINES"),
        pytest.param(findings_csv.MAX_BYTES, limits.FINDINGS.bytes, id="findings_csv.MAX_BYTES"),
        pytest.param(findings_csv.MAX_ROWS, limits.FINDINGS.rows, id="findings_csv.MAX_ROWS"),
        pytest.param(
            webhook.WEBHOOK_MAX_BYTES, limits.WEBHOOK.bytes, id="webhook.WEBHOOK_MAX_BYTES"
        ),
        pytest.param(webhook.WEBHOOK_MAX_ROWS, limits.WEBHOOK.rows, id="webhook.WEBHOOK_MAX_ROWS"),
        pytest.param(sop_files.MAX_UPLOAD_BYTES, limits.ZIP.bytes, id="sop_files.MAX_UPLOAD_BYTES"),
        pytest.param(sop_files.MAX_ZIP_ENTRIES, limits.ZIP.entries, id="sop_files.MAX_ZIP_ENTRIES"),
        pytest.param(
            sop_files.MAX_UNCOMPRESSED_BYTES,
            limits.ZIP.decompressed_bytes,
            id="sop_files.MAX_UNCOMPRESSED_BYTES",
        ),
        pytest.param(sop_files.MAX_DOCX_PARTS, limits.DOCX.entries, id="sop_files.MAX_DOCX_PARTS"),
        pytest.param(
            sop_files.MAX_FRONT_MATTER_CHARS,
            limits.MARKDOWN.chars,
            id="sop_files.MAX_FRONT_MATTER_CHARS",
        ),
        pytest.param(question_bank.max_bytes(), limits.GIFT.bytes, id="question_bank.max_bytes"),
        pytest.param(
            question_bank.max_questions(), limits.GIFT.items, id="question_bank.max_questions"
        ),
        pytest.param(gift.MAX_ANSWERS, limits.GIFT.choices, id="gift.MAX_ANSWERS"),
        pytest.param(
            settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
            limits.JSON_BODY.bytes,
            id="settings.DATA_UPLOAD_MAX_MEMORY_SIZE",
        ),
        pytest.param(
            settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
            limits.QUERY_STRING.fields,
            id="settings.DATA_UPLOAD_MAX_NUMBER_FIELDS",
        ),
        pytest.param(
            listing.MAX_QUERY_LENGTH, limits.QUERY_STRING.chars, id="listing.MAX_QUERY_LENGTH"
        ),
        pytest.param(ids.MAX_ID, limits.ID.max_value, id="ids.MAX_ID"),
    ],
)
def test_every_enforced_limit_is_the_one_in_core_limits(enforced, limit):
    assert limit
    assert enforced == limit


def _patterns(patterns: list[object] | None = None, prefix: str = "") -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            found += _patterns(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            found.append((prefix + str(pattern.pattern), pattern))
    return found


def test_no_url_takes_an_unbounded_integer():
    """Django's ``<int:…>`` hands a view any number of digits: the probe's
    ``PUT …/answers/99999999999999999999999/`` overflowed SQLite (a 500). ``<id:…>`` matches
    only what a bigint holds."""
    routes = _patterns()
    unbounded = [
        route
        for route, pattern in routes
        if any(isinstance(c, IntConverter) for c in pattern.pattern.converters.values())  # type: ignore[attr-defined]
    ]
    assert unbounded == []
    bounded = [
        route
        for route, pattern in routes
        if any(isinstance(c, IdConverter) for c in pattern.pattern.converters.values())  # type: ignore[attr-defined]
    ]
    assert len(bounded) > 50


@pytest.mark.parametrize(
    ("text", "number"),
    [("1", 1), ("42", 42), (str(2**63 - 1), 2**63 - 1)],
)
def test_the_id_converter_takes_positive_bigints(text, number):
    converter = IdConverter()
    assert re.fullmatch(converter.regex, text)
    assert converter.to_python(text) == number
    assert converter.to_url(number) == text


@pytest.mark.parametrize("text", ["0", str(2**63), "9" * 19])
def test_the_id_converter_refuses_zero_and_what_a_bigint_cannot_hold(text):
    with pytest.raises(ValueError, match=text):
        IdConverter().to_python(text)


def test_more_than_nineteen_digits_do_not_match_at_all():
    assert not re.fullmatch(IdConverter.regex, "9" * 20)


@pytest.mark.parametrize(
    ("value", "deep"),
    [
        (1, False),
        ([], False),
        ({"a": [1, {"b": [2]}]}, False),
        ([[[[]]]], False),
        ([[[[[]]]]], True),
        ({"a": {"b": {"c": {"d": {}}}}}, True),
        ([1, 2, [3, [4, [5, [6]]]]], True),
    ],
)
def test_json_deeper_than_the_limit_is_found_without_recursion(value, deep):
    assert too_deep(value, 4) is deep


def test_a_very_deep_value_is_found_without_a_recursion_error():
    value: list[object] = []
    for _level in range(100_000):
        value = [value]
    assert too_deep(value, limits.JSON_BODY.nesting or 0)
