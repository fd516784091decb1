from __future__ import annotations

import sys

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from core.health import broker_status, database_status, readiness
from core.markdown import render_markdown
from core.outage import outage_cause, outage_response, retry_later


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """``{"status", "database", "broker"}``: 200 when both answer, 503 when either is down."""
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(value == "ok" for value in checks.values())
    response = JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )
    if not healthy:
        retry_later(response)
    return response


@never_cache
@require_GET
def healthz_ready(request: HttpRequest) -> JsonResponse:
    """Is background work getting done? 503, with ``reasons``, when the worker's heartbeat is
    stale or missing, a backlog is stuck (e.g. scoring), or the database or broker is down.
    For monitoring, not for a load balancer's rotation (see docs/operations.md)."""
    ready, report = readiness()
    return JsonResponse(report, status=200 if ready else 503)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": _("Not found."), "code": "not_found"}, status=404)
    return render(request, "404.html", status=404)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 (``handler400``, with ``DEBUG`` off): what it raises before any view runs
    (``DisallowedHost`` for a ``Host`` not in ``ALLOWED_HOSTS``, another
    ``SuspiciousOperation``, ``BadRequest``). The API answers its JSON error format, pages
    Django's own 400. Django has already logged it (``django.security.*``)."""
    if request.path.startswith("/api/"):
        if isinstance(exception, DisallowedHost):
            body = {
                "detail": _("This site does not serve that host name."),
                "code": "disallowed_host",
            }
        else:
            body = {"detail": _("The request could not be read."), "code": "bad_request"}
        return JsonResponse(body, status=400)
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's 500 (``handler500``, with ``DEBUG`` off), called while the exception is being
    handled. An outage raised in a middleware (which no middleware can catch) is a 503 here
    (core/outage.py)."""
    if (cause := outage_cause(sys.exception())) is not None:
        return outage_response(request, cause)
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error.", "code": "server_error"}, status=500)
    return render(request, "500.html", status=500)


@require_POST
@staff_member_required
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """Render Markdown for the admin's live preview (sanitized exactly like saved content)."""
    return HttpResponse(render_markdown(request.POST.get("text", "")[:200_000]))
