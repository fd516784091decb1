"""API plumbing shared by every app: the JSON error format.

Every error answers ``{"detail": str, "code": str}``; validation errors add
``"errors": {field: [messages]}`` (``non_field_errors`` for the object as a whole). Bodies that
cannot be read answer in the same format: JSON nested too deeply is a 400 ``parse_error``
(core/parsers.py), a body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` a 413 ``too_large``, too many form
fields a 400 ``bad_request`` (Django would answer its HTML "Bad Request (400)" page). The
database, broker or cache away is a 503 ``unavailable`` with ``Retry-After`` (core/outage.py),
as is every other 503.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from functools import cached_property
from typing import Any

from django.conf import settings
from django.core.exceptions import (
    ImproperlyConfigured,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.http import Http404
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from core.errors import DomainError
from core.outage import outage_cause, outage_log, retry_later, unavailable_body


def _messages(detail: Any, path: tuple[str, ...] = ()) -> list[str]:
    """Every message under ``detail`` as a flat list of strings. Errors inside a list or a
    nested object (``{"users": {2: ["A valid integer is required."]}}``) keep where they are
    as a prefix: ``["2: A valid integer is required."]``."""
    if isinstance(detail, dict):
        return [m for key, value in detail.items() for m in _messages(value, (*path, str(key)))]
    if isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        return [m for i, item in enumerate(detail) for m in _messages(item, (*path, str(i)))]
    prefix = f"{'.'.join(path)}: " if path else ""
    items = detail if isinstance(detail, list) else [detail]
    return [f"{prefix}{item}" for item in items]


def _field_errors(errors: dict[Any, Any]) -> dict[str, list[str]]:
    """``{field: [messages]}``, whatever the nesting DRF produced."""
    return {str(field): _messages(value) for field, value in errors.items()}


class PayloadTooLarge(exceptions.APIException):
    status_code = 413
    default_code = "too_large"

    def __init__(self) -> None:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        super().__init__(
            _("The request body is over the limit of %(limit)s bytes.")
            % {"limit": number_format(limit, force_grouping=True)}
        )


class BadRequest(exceptions.APIException):
    status_code = 400
    default_detail = gettext_lazy("The request could not be read.")
    default_code = "bad_request"


def _unreadable_request(
    exc: SuspiciousOperation, context: dict[str, Any]
) -> exceptions.APIException:
    """The API's answer to what Django raises while reading a request body (as
    ``RequestDataTooBig`` or ``TooManyFieldsSent``) and would answer with its HTML 400 page.
    Logged to the logger Django uses (``django.security.<class>``), as a warning since it is
    answered, so operators still see it."""
    request = context.get("request")
    logging.getLogger(f"django.security.{type(exc).__name__}").warning(
        "%s", exc, extra={"request": getattr(request, "_request", request)}
    )
    return PayloadTooLarge() if isinstance(exc, RequestDataTooBig) else BadRequest()


def _outage(cause: BaseException, context: dict[str, Any]) -> Response:
    """The database, broker or cache is away (core/outage.py): 503 ``unavailable`` with
    ``Retry-After``, logged as pages' are."""
    set_rollback()
    request = context.get("request")
    outage_log(getattr(request, "_request", request), cause)
    response = Response(unavailable_body(), status=503)
    retry_later(response)
    return response


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if (cause := outage_cause(exc)) is not None:
        return _outage(cause, context)
    if isinstance(exc, SuspiciousOperation):
        exc = _unreadable_request(exc, context)
    if isinstance(exc, DomainError):
        body: dict[str, Any] = {"detail": exc.message, "code": exc.code, **exc.extra}
        if exc.field_errors:
            body["errors"] = exc.field_errors
        refused = Response(body, status=exc.status_code)
        if exc.status_code == 503:
            retry_later(refused)
        return refused
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = {
            "detail": _("Invalid input."),
            "code": "invalid",
            "errors": _field_errors(errors),
        }
    elif isinstance(exc, exceptions.APIException):
        detail = exc.detail
        codes = exc.get_codes()
        response.data = {
            "detail": " ".join(_messages(detail)),
            "code": codes if isinstance(codes, str) else "error",
        }
    return response


class DictOutput(serializers.Serializer):
    """An output serializer for plain dicts keyed by its field names, for a shape an answer
    repeats hundreds of times (a team's skill cells): every field renders with its own
    ``to_representation``, as DRF's ``Serializer`` does, without DRF's per-field attribute
    lookup, which is two thirds of the time. Its fields can't name another ``source``."""

    def to_representation(self, instance: Mapping[str, Any]) -> dict[str, Any]:
        return {
            name: None if (value := instance[name]) is None else represent(value)
            for name, represent in self._representers
        }

    @cached_property
    def _representers(self) -> list[tuple[str, Callable[[Any], Any]]]:
        representers: list[tuple[str, Callable[[Any], Any]]] = []
        for field in self._readable_fields:
            name = field.field_name
            if name is None or field.source != name:
                raise ImproperlyConfigured(
                    f"{type(self).__name__}.{name}: a DictOutput reads its fields by name; "
                    "source= is not supported."
                )
            representers.append((name, field.to_representation))
        return representers


def schema_generation(view: Any) -> bool:
    """True while drf-spectacular builds the schema (there is no real user then)."""
    return bool(getattr(view, "swagger_fake_view", False))
