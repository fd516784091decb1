from __future__ import annotations

import zoneinfo
from collections.abc import Callable
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from core.outage import outage_cause
from core.timezones import zone_canonical

# static/js/zone_picker.js stores the browser's zone (Intl) here on every page, so people
# without an account (candidates) and a first login get times in their own zone.
BROWSER_ZONE_COOKIE = "readiness_tz"


def browser_time_zone(request: HttpRequest) -> str | None:
    """The zone the browser reported, if it is a valid one (canonical name), else None."""
    name = unquote(request.COOKIES.get(BROWSER_ZONE_COOKIE, ""))[:64]
    if not name:
        return None
    name = zone_canonical(name)
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None
    return name


class UserPreferencesMiddleware:
    """Show pages in the logged-in user's language and time zone; to anyone else, in the
    language LocaleMiddleware chose (the language cookie, then Accept-Language) and the zone
    their browser reported.

    With the database away, the user can't be read: the request goes on as anyone's, so
    ``/healthz`` (which needs no user) still answers its own 503, and a view that needs the
    user meets the outage itself and answers 503 (core/outage.py) instead of a 500 here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        try:
            if user is not None and not user.is_authenticated:
                user = None
        except Exception as exc:
            if outage_cause(exc) is None:
                raise
            user = None
        if user is not None:
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        else:
            zone = browser_time_zone(request)
            if zone:
                timezone.activate(zoneinfo.ZoneInfo(zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
