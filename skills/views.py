"""Pages of the skills app: a lead's team skills (the heatmap, with sections the apps above add
through ``hooks.team_skills_page_drawing``), a person's skill profile and the org-wide report."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe

from accounts.http import request_user
from accounts.selectors import teams_led_by, user_is_admin
from core.shortcuts import or_404
from skills import selectors
from skills.hooks import (
    SkillReadingCollecting,
    TeamSkillsPageDrawing,
    skill_reading_collecting,
    team_skills_page_drawing,
)
from skills.models import Skill


@login_required
def skills_home(request: HttpRequest) -> HttpResponse:
    """Leads land on their first team's dashboard; everyone else on their own profile."""
    user = request_user(request)
    team = teams_led_by(user).first()
    if team is not None:
        return redirect("skills:team_skills", team_id=team.pk)
    return redirect("skills:skill_profile", user_id=user.pk)


def _gap_order(cells: list[Any]) -> tuple[int, float]:
    """Sort key, biggest gaps first: sure gaps (red) before all else, then the largest gap."""
    sure = sum(1 for cell in cells if cell.category == "gap")
    gaps = [cell.gap for cell in cells if cell.gap is not None]
    return (-sure, -max(gaps) if gaps else float("inf"))


@login_required
def team_skills(request: HttpRequest, team_id: int) -> HttpResponse:
    """The heatmap, its columns and rows sorted biggest gaps first (the sure ones before the
    unsure), narrowed by ``?skill=<slug>`` and ``?member=<name or email>``."""
    lead = request_user(request)
    skill = request.GET.get("skill") or None
    member = request.GET.get("member", "").strip()[:100]
    gaps = or_404(
        selectors.team_skill_gaps,
        lead=lead,
        team_id=team_id,
        skill=skill,
        member=member or None,
    )
    columns = sorted(
        range(len(gaps.skills)),
        key=lambda i: (*_gap_order([cells[i] for _u, _p, cells in gaps.rows]), i),
    )
    ordered = sorted(gaps.rows, key=lambda row: (*_gap_order(row[2]), row[0].name))
    rows = [
        (user, profile, [(cells[i], cells[i].category) for i in columns])
        for user, profile, cells in ordered
    ]
    page = TeamSkillsPageDrawing(request=request, lead=lead, team=gaps.team)
    team_skills_page_drawing.send(page)
    return render(
        request,
        "skills/team_skills.html",
        {
            "team": gaps.team,
            "skills": [gaps.skills[i] for i in columns],
            "all_skills": Skill.objects.order_by("position", "name"),
            "skill_filter": skill or "",
            "member_filter": member,
            "rows": rows,
            "links": page.links,
            "sections": [mark_safe(html) for html in page.sections],  # noqa: S308 (rendered templates)
            "teams": teams_led_by(lead),
        },
    )


# a gap, or near the target: the skills whose page offers what to read
LOW_CATEGORIES = frozenset({"gap", "near"})


@login_required
def skill_profile(request: HttpRequest, user_id: int) -> HttpResponse:
    user = or_404(selectors.user_get_profile_visible, viewer=request_user(request), user_id=user_id)
    profile = selectors.user_skill_profile(user=user, exact=True)  # rounded once, in the page
    low = frozenset(s["skill"] for s in profile["skills"] if s["category"] in LOW_CATEGORIES)
    reading = SkillReadingCollecting(skill_slugs=low, language=request_user(request).language)
    skill_reading_collecting.send(reading)  # a fixed number of queries, whatever is low
    return render(
        request,
        "skills/skill_profile.html",
        {
            "person": user,
            "profile": profile,
            "rows": [
                (s, reading.sops.get(s["skill"], []), reading.modules.get(s["skill"], []))
                for s in profile["skills"]
            ],
        },
    )


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
