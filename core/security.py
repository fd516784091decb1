"""Security headers Django does not set by itself."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from core.outage import outage_cause


class ContentSecurityPolicyMiddleware:
    """Send ``CONTENT_SECURITY_POLICY`` on every response. The app has no inline script, so
    ``script-src 'self'`` holds everywhere (pages, admin, API docs)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if settings.CONTENT_SECURITY_POLICY:
            response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        return response


def _authenticated(request: HttpRequest) -> bool:
    """A session's user or a token: DRF authenticates a token in the view and then sets the
    user on this request too; the ``Authorization`` header counts even when it was refused."""
    if "HTTP_AUTHORIZATION" in request.META:
        return True
    user = getattr(request, "user", None)
    try:
        return bool(user is not None and user.is_authenticated)
    except Exception as exc:
        if outage_cause(exc) is None:
            raise
        return True  # the session can't be read now: it may be someone's


class PrivateCacheMiddleware:
    """``Cache-Control: private, no-store`` on every answer to an authenticated request (pages,
    CSV exports, API answers, streamed ones too), so neither a shared cache nor the browser's
    disk keeps someone's data. An answer that already says how to cache it (``never_cache``,
    a view's own ``Cache-Control``) is left as it is; anonymous answers are not touched, and
    static files never get here (WhiteNoise answers them first). The user is read after the
    view, when ``UserPreferencesMiddleware`` has already loaded it: no extra query."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" not in response.headers and _authenticated(request):
            response.headers["Cache-Control"] = "private, no-store"
        return response
