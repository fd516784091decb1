"""The login limits, on django-axes (settings ``AXES_*`` and ``LOGIN_FAILURE_*``).

Two limits, each counted in the database by axes' database handler, so they hold with Redis
down and are shared by every web process:

- per account **and** address (``LOGIN_FAILURE_LIMIT``, 5): guessing one account's password.
  Only that address is locked out of that account, so nobody elsewhere can lock the owner out.
- per address (``LOGIN_FAILURE_LIMIT_PER_ADDRESS``, 30): credential stuffing, one try at each
  of many accounts. Higher, because an office may share one address.

axes compares one number of failures with one limit; ``LoginLimitHandler`` gives each
alternative of ``AXES_LOCKOUT_PARAMETERS`` its own limit. axes checks the limit before the
password and counts a failure after it (under a row lock, so none is lost): tries already in
flight when a limit is reached are still checked, at most one per request the web processes
serve at once (see docs/architecture.md, "Security decisions").
"""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import (
    get_client_username,
    get_cool_off,
    get_credentials,
    get_lockout_parameters,
)
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _


def client_ip_address(request: HttpRequest) -> str | None:
    """The client's address (``AXES_CLIENT_IP_CALLABLE``).

    ``REMOTE_ADDR``, unless ``TRUSTED_PROXY_COUNT`` reverse proxies stand in front of the app,
    each appending the address it was called from to ``X-Forwarded-For``: the client is then
    the entry that many places from the right. Entries further left come from the client and
    could be forged to dodge the per-address limit, so they are never used.
    """
    remote = _valid_address(request.META.get("REMOTE_ADDR", ""))
    count = settings.TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if len(hops) >= count:
            return _valid_address(hops[-count]) or remote
    return remote


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


class LoginLimitHandler(AxesDatabaseHandler):
    """axes' database handler with a limit for each way of counting (``AXES_HANDLER``)."""

    def _counts(self, request: Any, credentials: dict[str, Any] | None) -> list[dict[str, Any]]:
        """For each alternative of ``AXES_LOCKOUT_PARAMETERS``, in order: its failures within
        the window, the time of its last one and its limit."""
        parameters = get_lockout_parameters(request, credentials)
        counts = []
        for parameter, attempts in zip(
            parameters, self.get_user_attempts(request, credentials), strict=True
        ):
            totals = attempts.aggregate(
                failures=Sum("failures_since_start"), last=Max("attempt_time")
            )
            limit = (
                settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
                if parameter in ("ip_address", ["ip_address"])
                else settings.AXES_FAILURE_LIMIT
            )
            counts.append(
                {"failures": totals["failures"] or 0, "last": totals["last"], "limit": limit}
            )
        return counts

    def get_failures(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """The failures of the alternative nearest its own limit, shifted onto the one limit
        axes compares with (``AXES_FAILURE_LIMIT``): reaching any limit reaches that one. For
        the per-account count, which has that limit, this is the plain number of failures."""
        counts = self._counts(request, credentials)
        nearest = max(count["failures"] - count["limit"] for count in counts)
        return max(0, nearest + settings.AXES_FAILURE_LIMIT)

    def lock_ends_at(self, request: Any, credentials: dict[str, Any] | None = None) -> datetime:
        """When the lock on this request ends at the latest: the window after the last failure
        counted by a limit that is reached (earlier if older failures leave the window first)."""
        cool_off = get_cool_off(request)
        reached = [
            count["last"]
            for count in self._counts(request, credentials)
            if count["failures"] >= count["limit"] and count["last"] is not None
        ]
        if not reached or cool_off is None:
            return timezone.now()
        return max(reached) + cool_off

    def reset_user_attempts(self, request: Any, credentials: dict[str, Any] | None = None) -> int:
        """What a successful login clears: its account's failures from its address, never the
        address's failures at other accounts (axes would clear every alternative, so one valid
        login between tries would reset the per-address limit)."""
        count, _deleted = AccessAttempt.objects.filter(
            username=get_client_username(request, credentials),
            ip_address=request.axes_ip_address,
        ).delete()
        return int(count)


def _handler() -> LoginLimitHandler:
    handler = AxesProxyHandler.get_implementation()
    if not isinstance(handler, LoginLimitHandler):
        raise ImproperlyConfigured("AXES_HANDLER must be accounts.lockout.LoginLimitHandler")
    return handler


def locked_out(request: HttpRequest) -> bool:
    """Whether axes refused or locked this request's login (after ``authenticate``)."""
    return bool(getattr(request, "axes_locked_out", False))


def seconds_until_unlocked(request: HttpRequest, email: str) -> int:
    """Seconds until this request's lock ends at the latest (at least 1)."""
    AxesProxyHandler.update_request(request)
    ends_at = _handler().lock_ends_at(request, get_credentials(email))
    return max(1, math.ceil((ends_at - timezone.now()).total_seconds()))


def login_failures_clear(request: HttpRequest, email: str) -> None:
    """Clear the failures of ``email`` from this request's address (a successful login)."""
    AxesProxyHandler.update_request(request)
    _handler().reset_user_attempts(request, get_credentials(email))


def account_failures_clear(email: str) -> None:
    """Clear every failure at ``email``, from any address (the owner proved themselves)."""
    reset(username=email)


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """axes' answer to a locked-out login (``AXES_LOCKOUT_CALLABLE``, called by
    ``AxesMiddleware``): the login page, the admin and the token API already answered with
    their own error (a form error, the API's JSON); this makes that answer a 429 with
    ``Retry-After``."""
    response = original_response
    if response is None:  # axes' async path passes no response; this project runs on WSGI
        response = HttpResponse(_("Too many failed logins. Try again later."))
    elif response.status_code not in (200, 400, 429):
        return response  # not an answer about the refused login
    email = str((credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD) or "")
    response.status_code = 429
    response["Retry-After"] = str(seconds_until_unlocked(request, email))
    return response
