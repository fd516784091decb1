from __future__ import annotations

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from accounts import selectors as account_selectors
from core.health import broker_status, database_status
from core.http import request_user
from core.markdown import render_markdown
from courses import selectors as training_selectors


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """``{"status", "database", "broker"}``: 200 when both answer, 503 when either is down."""
    checks = {"database": database_status(), "broker": broker_status()}
    healthy = all(value == "ok" for value in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", **checks}, status=200 if healthy else 503
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The landing page for the user's role: admin, lead or learner."""
    user = request_user(request)
    if account_selectors.user_is_admin(user):
        return render(
            request,
            "core/home_admin.html",
            {
                "counts": account_selectors.user_counts(),
                "teams": account_selectors.teams_visible_to(user),
            },
        )
    if account_selectors.user_is_lead(user):
        return render(
            request,
            "core/home_lead.html",
            {"teams": account_selectors.teams_led_by_with_counts(user)},
        )
    return render(
        request,
        "core/home_learner.html",
        {
            "teams": account_selectors.user_teams(user=user),
            "training": training_selectors.my_training(user=user, done_limit=0),
        },
    )


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found.", "code": "not_found"}, status=404)
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error.", "code": "server_error"}, status=500)
    return render(request, "500.html", status=500)


@require_POST
@staff_member_required
def markdown_preview(request: HttpRequest) -> HttpResponse:
    """Render Markdown for the admin's live preview (sanitized exactly like saved content)."""
    return HttpResponse(render_markdown(request.POST.get("text", "")[:200_000]))
