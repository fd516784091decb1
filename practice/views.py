"""Practice pages: today's practice (one question at a time), the nudge preference, and the
lead's adherence, trajectory and effect pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from accounts.http import request_user
from accounts.selectors import team_get_led, teams_led_by
from core.errors import Conflict, ValidationFailed
from core.shortcuts import or_404
from practice import charts, selectors, services
from practice.forms import PreferenceForm
from practice.panels import effect_panel


@login_required
def today(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    practice_set = services.practice_today_ensure(user=user)
    state = selectors.practice_today(user=user, practice_set=practice_set)
    feedback = None
    answered = request.GET.get("answered", "")
    if answered.isdigit():
        question = next((q for q in state.questions if q.pk == int(answered)), None)
        if question is not None and question.pk in state.answers:
            feedback = (question, selectors.answer_as_dict(question, state.answers[question.pk]))
    current = state.current
    return render(
        request,
        "practice/today.html",
        {
            "today": state,
            "current": current,
            "position": state.done + 1,
            "multiple": current is not None and current.kind == "multiple",
            "typed": current is not None and current.is_text_kind,
            "feedback": feedback,
            "teams_led": list(teams_led_by(user).order_by("name")),
        },
    )


@login_required
@require_POST
def answer(request: HttpRequest) -> HttpResponse:
    question_id = request.POST.get("question", "")
    try:
        or_404(
            services.practice_answer,
            user=request_user(request),
            question_id=question_id,
            choice_ids=request.POST.getlist("choices")[:50],
            response_text=request.POST.get("response", "")[:1000],
        )
    except (ValidationFailed, Conflict) as exc:
        messages.error(request, exc.message)
        return redirect("practice:today")
    return redirect(f"{reverse('practice:today')}?answered={int(question_id)}#feedback")


@login_required
def preference(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    current = selectors.preference_of(user)
    form = PreferenceForm(
        request.POST or None, initial={"nudge": current.nudge, "nudge_hour": current.nudge_hour}
    )
    if request.method == "POST" and form.is_valid():
        services.practice_preference_set(
            user=user, nudge=form.cleaned_data["nudge"], nudge_hour=form.cleaned_data["nudge_hour"]
        )
        messages.success(request, gettext("Saved."))
        return redirect("practice:preference")
    return render(request, "practice/preference.html", {"form": form, "user_zone": user.time_zone})


@login_required
def team(request: HttpRequest, team_id: int) -> HttpResponse:
    lead = request_user(request)
    found, rows = or_404(selectors.team_adherence, lead=lead, team_id=team_id)
    return render(
        request,
        "practice/team.html",
        {
            "team": found,
            "rows": rows,
            "days": selectors.ADHERENCE_DAYS,
            "effect_panel": effect_panel(team=found, on_skills_page=False),
            "uncovered": selectors.skills_without_bank_questions(),
        },
    )


@login_required
def member(request: HttpRequest, team_id: int, user_id: int) -> HttpResponse:
    lead = request_user(request)
    found = or_404(team_get_led, user=lead, team_id=team_id)
    person = or_404(selectors.member_get_led, lead=lead, team=found, user_id=user_id)
    trajectories = selectors.skill_trajectories(user=person)
    return render(
        request,
        "practice/member.html",
        {
            "team": found,
            "person": person,
            "charts": [(t, charts.trajectory_svg(t)) for t in trajectories],
        },
    )
