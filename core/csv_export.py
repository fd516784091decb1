"""CSV downloads that are safe to open in a spreadsheet.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets ("CSV injection"), also after leading spaces,
other whitespace or invisible characters (a byte-order mark, a zero-width space) that a
spreadsheet skips; such cells get a leading apostrophe, which spreadsheets show as plain text.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import StreamingHttpResponse

# Whitespace and invisible characters, then ``=``, ``+``, ``-``, ``@``, a tab or a carriage
# return (OWASP, "CSV Injection").
_FORMULA = re.compile(r"[\s\ufeff\u200b-\u200d\u2060]*[=+\-@\t\r]")


def csv_safe(value: Any) -> str:
    text = "" if value is None else str(value)
    return "'" + text if _FORMULA.match(text) else text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> StreamingHttpResponse:
    """Stream ``rows`` (any iterable, e.g. ``queryset.iterator()``) as an escaped CSV file."""
    writer = csv.writer(_Echo())

    def lines() -> Iterable[str]:
        yield "\ufeff"  # a BOM so that spreadsheets read UTF-8
        yield writer.writerow([csv_safe(cell) for cell in header])
        for row in rows:
            yield writer.writerow([csv_safe(cell) for cell in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
