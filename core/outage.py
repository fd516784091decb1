"""Outages answer 503, never 500: the database, the broker or the cache away during a request.

What counts as an outage (``outage_cause``): Django's ``OperationalError`` and
``InterfaceError`` (by DB-API's definition errors of the database's operation, not of the
program: connection refused or lost, the server shutting down, too many connections, a lock or
statement timeout, a deadlock; psycopg's own are included for code that talks to it directly),
kombu's ``OperationalError`` (what Celery raises when it can't publish) and redis-py's
``ConnectionError`` and ``TimeoutError`` (the cache). Two kinds of ``OperationalError`` are
the input's or the program's fault, so trying again would not help: PostgreSQL's "program limit
exceeded" (SQLSTATE class 54, e.g. an index row too large) and SQLite's errors other than a
locked, missing or failing database file ("no such table", "too many SQL variables"). They, a
``ProgrammingError`` and an ``IntegrityError`` stay what they were.

The answer (``outage_response``): 503 with ``Retry-After`` and ``Cache-Control: no-store``;
under ``/api/`` the API's JSON error with the code ``unavailable``, elsewhere ``503.html``,
rendered without the request (no context processors, no session or user: they would need the
database that is away) in the language ``LocaleMiddleware`` chose.

Three places answer it, because Django turns an exception into a response at every middleware
layer, so no middleware can catch what another one raises:

- ``OutageMiddleware.process_exception``: what a page view (or its template) raises;
- ``core.api.exception_handler``: what an API view raises, DRF's authentication included;
- ``core.views.server_error`` (``handler500``): what a middleware raises (e.g. saving the
  session), which Django would answer with a 500. With ``DEBUG`` on, Django shows its debug
  page instead, as for any error.

``accounts.middleware.UserPreferencesMiddleware`` reads the user before any view; during an
outage it leaves the request anonymous, so ``/healthz`` (which needs no user) answers its own
503 with or without a session cookie, and a view that needs the user meets the outage itself.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

import kombu.exceptions
import psycopg
import redis.exceptions
from django import db
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

# How long a client should wait before trying again: a database failover or a Redis restart
# takes a few seconds; a longer outage just means a few more tries.
RETRY_AFTER_SECONDS = 10

OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    db.OperationalError,
    db.InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


# SQLite's OperationalErrors that mean the database file can't be used now, not a bug.
SQLITE_AWAY = ("database is locked", "database table is locked", "unable to open", "disk I/O")


def _retrying_helps(exc: BaseException) -> bool:
    """False for an OperationalError that the same request would meet again (see above)."""
    driver = exc.__cause__ if isinstance(exc, db.Error) and exc.__cause__ is not None else exc
    if str(getattr(driver, "sqlstate", None) or "").startswith("54"):
        return False
    if isinstance(driver, sqlite3.OperationalError):
        return any(message in str(driver) for message in SQLITE_AWAY)
    return True


def outage_cause(exc: BaseException | None) -> BaseException | None:
    """The outage error ``exc`` is, or was raised from (``raise … from``), else None."""
    for _depth in range(5):
        if exc is None:
            return None
        if isinstance(exc, OUTAGE_ERRORS):
            return exc if _retrying_helps(exc) else None
        exc = exc.__cause__
    return None


def unavailable_body() -> dict[str, str]:
    """The API's error for an outage."""
    return {
        "detail": _("The service is unavailable for a moment. Please try again shortly."),
        "code": "unavailable",
    }


def retry_later(response: HttpResponse) -> None:
    """Mark a 503 as temporary: ``Retry-After``, and never stored by any cache."""
    response.headers.setdefault("Retry-After", str(RETRY_AFTER_SECONDS))
    add_never_cache_headers(response)


def outage_log(request: HttpRequest | None, exc: BaseException) -> None:
    """A warning naming the cause (Django logs every 5xx answer too, without it)."""
    logger.warning(
        "%s %s answered 503, a service is away: %s: %s",
        getattr(request, "method", "-"),
        getattr(request, "path", "-"),
        type(exc).__name__,
        " ".join(str(exc).split())[:300],
    )


def outage_response(request: HttpRequest, exc: BaseException) -> HttpResponse:
    """The 503 for ``request`` during an outage (``exc``)."""
    outage_log(request, exc)
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(unavailable_body(), status=503)
    else:
        html = render_to_string("503.html", {"retry_after": RETRY_AFTER_SECONDS})
        response = HttpResponse(html, status=503)
    retry_later(response)
    return response


class OutageMiddleware:
    """Answer an outage error raised by a view with the 503 (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        cause = outage_cause(exception)
        return outage_response(request, cause) if cause is not None else None
