"""Parsing ids from URLs, query strings and JSON. Anything that is not a valid id of ours is
"not found" (never a 500): non-numbers, Unicode digits, zero, negatives, or numbers that
don't fit a database bigint (``core.limits.ID``).

In URLs, ``<id:name>`` (``IdConverter``, registered by ``CoreConfig.ready``) matches only such
numbers, so ``/answers/99999999999999999999999/`` is a 404 before any view or query runs;
Django's ``<int:…>`` would hand the view a number no column can hold (an ``OverflowError``
on SQLite, a ``DataError`` on PostgreSQL)."""

from __future__ import annotations

import uuid
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from core import limits
from core.errors import NotFound

MAX_ID = limits.ID.max_value or 0


def parse_id(value: Any, message: str | None = None) -> int:
    message = message or _("Not found.")
    if isinstance(value, bool):
        raise NotFound(message)
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()):
            raise NotFound(message)
        number = int(text)
    if not 1 <= number <= MAX_ID:
        raise NotFound(message)
    return number


def parse_uuid(value: Any, message: str | None = None) -> uuid.UUID:
    message = message or _("Not found.")
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError, AttributeError) as exc:
        raise NotFound(message) from exc


class IdConverter:
    """``<id:…>`` in a URL: a positive number that fits a signed 64-bit column (ids, and the
    version and lesson numbers of a URL). Anything else does not match: a 404."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            raise ValueError(value)  # Django: the pattern does not match
        return number

    def to_url(self, value: Any) -> str:
        return str(value)


class IdField(serializers.IntegerField):
    """An id in JSON input: a positive integer that fits a database bigint."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)
