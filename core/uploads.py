"""Reading uploaded text files (question banks, SOPs) whatever editor saved them.

UTF-8 with or without a byte-order mark, and UTF-16 or UTF-32 with one, are read. UTF-16
without a mark (Windows "Unicode" text) is recognised by its zero bytes. Anything else, such
as Latin-1 or Windows-1250 text, is refused with the line of the first byte that is not UTF-8:
guessing a legacy code page silently garbles Polish or German letters, and a person can always
save the file again as UTF-8.

NUL is refused wherever it is (``core.limits.TEXT_UPLOAD``): no text file needs it, and
PostgreSQL can't store it in text, so a NUL past the first 4 KB would otherwise reach the
database as a 500.
"""

from __future__ import annotations

import codecs

from django.utils.translation import gettext as _

from core.errors import ValidationFailed

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def text_of_upload(data: bytes, *, field: str = "file") -> str:
    """The text of ``data``, or ``ValidationFailed`` with a message a person can act on."""
    if not data.strip():
        raise ValidationFailed(
            _("The file is empty."), field_errors={field: [_("The file is empty.")]}
        )
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _decode(data[len(bom) :], encoding, field)
    sample = data[:4096]
    evens, odds = sample[0::2], sample[1::2]
    if len(sample) >= 4 and b"\x00" in sample:
        # UTF-16 text: one byte of each pair is mostly zero, the other almost never.
        if odds.count(0) >= len(odds) * 0.3 and evens.count(0) <= len(evens) * 0.05:
            return _decode(data, "utf-16-le", field)
        if evens.count(0) >= len(evens) * 0.3 and odds.count(0) <= len(odds) * 0.05:
            return _decode(data, "utf-16-be", field)
    if b"\x00" in sample:
        raise _refused(_("The file is not text (it holds binary data)."), field)
    return _decode(data, "utf-8", field)


def _decode(data: bytes, encoding: str, field: str) -> str:
    text = _decode_text(data, encoding, field)
    if "\x00" in text:
        raise _refused(_("The file is not text (it holds binary data)."), field)
    return text


def _decode_text(data: bytes, encoding: str, field: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        if encoding != "utf-8":
            message = _("The file could not be read as {encoding} text.").format(
                encoding=encoding.upper()
            )
            raise _refused(message, field) from None
        line = data[: error.start].count(b"\n") + 1
        raise _refused(
            _(
                "Line {line} is not UTF-8 text (it looks like Latin-1 or a Windows code page). "
                "Save the file as UTF-8 and upload it again."
            ).format(line=line),
            field,
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _refused(message: str, field: str) -> ValidationFailed:
    return ValidationFailed(message, field_errors={field: [message]})
