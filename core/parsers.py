"""Request body parsers of the API, set as DRF's defaults in ``REST_FRAMEWORK``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, except that JSON nested deeper than Python's recursion limit (a
    2,000-byte ``[[[…]]]`` is enough) is a 400 ``parse_error`` like any other unreadable body,
    not a ``RecursionError`` (500). A view that sets ``parser_classes`` must use this one."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError("JSON parse error - nested too deeply.") from None
