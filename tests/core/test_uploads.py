"""Uploaded text files are read whatever editor saved them, or refused with a clear message."""

from __future__ import annotations

import codecs

import pytest

from core.errors import ValidationFailed
from core.uploads import text_of_upload

TEXT = "Zażółć gęślą jaźń?\r\n{=tak ~nie}\n"
EXPECTED = "Zażółć gęślą jaźń?\n{=tak ~nie}\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        codecs.BOM_UTF8 + TEXT.encode("utf-8"),
        codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"),
        codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"),
        TEXT.encode("utf-16-le"),  # Windows "Unicode" text without a mark
        TEXT.encode("utf-16-be"),
        codecs.BOM_UTF32_LE + TEXT.encode("utf-32-le"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "utf32le-bom"],
)
def test_utf_encodings_are_read_with_unix_line_ends(data):
    assert text_of_upload(data) == EXPECTED


def test_latin_text_is_refused_with_the_line_of_the_first_bad_byte():
    data = "first line\nsecond line\nCafé {=oui ~non}\n".encode("latin-1")
    with pytest.raises(ValidationFailed) as raised:
        text_of_upload(data, field="bank")
    assert "Line 3 is not UTF-8" in raised.value.message
    assert raised.value.field_errors == {"bank": [raised.value.message]}


@pytest.mark.parametrize(
    ("data", "message"),
    [(b"", "empty"), (b"  \n\n", "empty"), (b"PK\x03\x04\x00\x00binary\x00", "binary")],
)
def test_empty_and_binary_files_are_refused(data, message):
    with pytest.raises(ValidationFailed, match=message):
        text_of_upload(data)


def test_broken_utf16_is_refused_naming_the_encoding():
    with pytest.raises(ValidationFailed, match="UTF-16-LE"):
        text_of_upload(codecs.BOM_UTF16_LE + b"a\x00\x00\xd8")  # a lone surrogate


@pytest.mark.parametrize(
    "data",
    [
        b"a line of text\n" * 400 + b"then a NUL\x00 past the first 4 KB\n",
        codecs.BOM_UTF16_LE + ("text\n" * 1000 + "NUL\x00\n").encode("utf-16-le"),
    ],
    ids=["utf8-past-4kb", "utf16-bom"],
)
def test_a_nul_anywhere_is_refused(data):
    """PostgreSQL can't store NUL in text: one past the sniffed sample was saved as a 500."""
    with pytest.raises(ValidationFailed, match="binary"):
        text_of_upload(data)
