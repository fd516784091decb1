"""Request body parsers of the API, set as DRF's defaults in ``REST_FRAMEWORK``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

from rest_framework import parsers
from rest_framework.exceptions import ParseError

from core import limits


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, except that JSON nested deeper than ``core.limits.JSON_BODY.nesting``
    levels is a 400 ``parse_error`` like any other unreadable body: no request body of ours
    nests more than a few levels, and a deep one (a 2,000-byte ``[[[…]]]`` passes Python's
    recursion limit) would otherwise be a ``RecursionError`` (500) here or in code that walks
    it. A view that sets ``parser_classes`` must use this one."""

    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            data = None
        else:
            if not too_deep(data, limits.JSON_BODY.nesting or 0):
                return data
        raise ParseError(
            f"JSON parse error - nested too deeply (more than {limits.JSON_BODY.nesting} levels)."
        )


def too_deep(value: Any, limit: int) -> bool:
    """Whether ``value`` (parsed JSON) nests arrays and objects more than ``limit`` levels.
    Iterative, and it stops at the first container past the limit."""
    pending: list[tuple[Any, int]] = [(value, 0)]
    while pending:
        item, depth = pending.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth + 1 > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
