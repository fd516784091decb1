"""Pages of the skills app: a person's skill profile and the org-wide report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accounts.http import request_user
from accounts.selectors import user_is_admin
from core.shortcuts import or_404
from skills import selectors


@login_required
def skill_profile(request: HttpRequest, user_id: int) -> HttpResponse:
    user = or_404(selectors.user_get_profile_visible, viewer=request_user(request), user_id=user_id)
    profile = selectors.user_skill_profile(user=user)
    return render(request, "skills/skill_profile.html", {"person": user, "profile": profile})


@login_required
def org_report(request: HttpRequest) -> HttpResponse:
    if not user_is_admin(request_user(request)):
        raise Http404
    page = Paginator(selectors.org_people(), 50).get_page(request.GET.get("page"))
    report = selectors.org_skill_report(people=list(page.object_list))
    rows = [
        (user, profile, [(cell, cell.category) for cell in cells])
        for user, profile, cells in report.rows
    ]
    return render(request, "skills/org_report.html", {"page": page, "report": report, "rows": rows})
