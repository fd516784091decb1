"""Domain errors raised by services and selectors.

Services never import the API layer; API views and pages translate these into a JSON error
(see core/api.py) or a form message.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base class: a rule of the domain refused the operation.

    ``code`` is the stable code the API answers with (docs/api.md lists every one): the
    class's default, or one named where a status means several things
    (``Conflict(message, code="time_up")``), so a client can branch on it, not on wording.
    """

    status_code = 400
    code = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        field_errors: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field_errors = field_errors or {}
        self.extra = dict(extra or {})
        # ``extra={"code": …}`` was the old way to name a code: still honoured, in one place
        code = code or self.extra.pop("code", None)
        if code is not None:
            self.code = code


class ValidationFailed(DomainError):
    """Input broke a rule; ``field_errors`` names the fields."""


class NotFound(DomainError):
    """The object does not exist *for this user* (answers 404 so ids can't be probed)."""

    status_code = 404
    code = "not_found"


class Conflict(DomainError):
    """The object's state does not allow the operation (answers 409)."""

    status_code = 409
    code = "conflict"


class TooManyAttempts(DomainError):
    """A limit was reached (answers 429)."""

    status_code = 429
    code = "too_many_attempts"


class Unavailable(DomainError):
    """A service the operation needs is down for now (answers 503); nothing was changed."""

    status_code = 503
    code = "unavailable"
