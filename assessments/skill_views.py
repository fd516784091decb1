"""Pages of the lead's loop: the skills dashboard, QA findings (record and import), a person's
skill profile, and the organisation-wide report for admins."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.selectors import team_get_led, teams_led_by, user_is_admin
from assessments import qa, skills
from assessments.models import QAFinding
from core.csv_export import csv_response
from core.errors import Conflict, DomainError, NotFound
from core.forms import form_add_domain_error
from core.http import request_user
from courses.models import Skill


def _or_404(call: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return call(*args, **kwargs)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def heat(cell: skills.SkillCell) -> str:
    """A colour class that always comes with a number and a word (readable without colour)."""
    if not cell.enough:
        return "unknown"
    if cell.gap is None:
        return "neutral"
    if cell.gap <= 0:
        return "met"
    return "near" if cell.gap < 0.15 else "gap"


@login_required
def skills_home(request: HttpRequest) -> HttpResponse:
    """Leads land on their first team's dashboard; everyone else on their own profile."""
    user = request_user(request)
    team = teams_led_by(user).first()
    if team is not None:
        return redirect("assessments:team_skills", team_id=team.pk)
    return redirect("assessments:skill_profile", user_id=user.pk)


@login_required
def team_skills(request: HttpRequest, team_id: int) -> HttpResponse:
    lead = request_user(request)
    skill = request.GET.get("skill") or None
    gaps = _or_404(skills.team_skill_gaps, lead=lead, team_id=team_id, skill=skill)
    rows = [
        (user, profile, [(cell, heat(cell)) for cell in cells])
        for user, profile, cells in gaps.rows
    ]
    return render(
        request,
        "assessments/team_skills.html",
        {
            "team": gaps.team,
            "skills": gaps.skills,
            "all_skills": Skill.objects.order_by("position", "name"),
            "skill_filter": skill or "",
            "rows": rows,
            "suggestions": qa.suggestions_for(lead=lead, team_id=gaps.team.pk)[:50],
            "overdue": qa.overdue_qa_assignments(lead=lead, team_id=gaps.team.pk)[:50],
            "effects": qa.training_effect(lead=lead, team_id=gaps.team.pk),
            "teams": teams_led_by(lead),
        },
    )


@login_required
@require_POST
def suggestion_decide(request: HttpRequest, suggestion_id: int, decision: str) -> HttpResponse:
    lead = request_user(request)
    suggestion = _or_404(qa.suggestion_get, lead=lead, suggestion_id=suggestion_id)
    try:
        if decision == "accept":
            qa.suggestion_accept(suggestion=suggestion, lead=lead)
            messages.success(
                request,
                _("Assigned “%(module)s” to %(name)s.")
                % {"module": suggestion.module.title, "name": suggestion.agent.name},
            )
        else:
            qa.suggestion_dismiss(suggestion=suggestion, lead=lead)
            messages.success(request, _("Suggestion dismissed."))
    except Conflict as exc:
        messages.error(request, exc.message)
    team_id = request.POST.get("team", "")
    if team_id.isascii() and team_id.isdigit() and len(team_id) < 19:
        return redirect("assessments:team_skills", team_id=int(team_id))
    return redirect("assessments:skills")


class FindingForm(forms.Form):
    agent = forms.TypedChoiceField(label=gettext_lazy("Agent"), coerce=int)
    interaction_ref = forms.CharField(
        label=gettext_lazy("Interaction"),
        max_length=200,
        help_text=gettext_lazy("Ticket, chat or call reference."),
    )
    criterion = forms.CharField(label=gettext_lazy("Scorecard criterion"), max_length=200)
    skill = forms.ChoiceField(label=gettext_lazy("Skill"))
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"), choices=QAFinding.Severity.choices, initial="medium"
    )
    occurred_at = forms.DateTimeField(
        label=gettext_lazy("When"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=gettext_lazy("Leave empty for now."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, agents: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["agent"]).choices = [
            (a.pk, a.name or a.email) for a in agents
        ]
        cast(forms.ChoiceField, self.fields["skill"]).choices = [
            (s.slug, s.name) for s in Skill.objects.order_by("position")
        ]


@login_required
@require_http_methods(["GET", "POST"])
def team_findings(request: HttpRequest, team_id: int) -> HttpResponse:
    lead = request_user(request)
    team = _or_404(team_get_led, user=lead, team_id=team_id)
    agents = list(qa.agents_for(lead).filter(memberships__team=team).order_by("name"))
    form = FindingForm(request.POST or None, agents=agents)
    if request.method == "POST" and form.is_valid():
        try:
            qa.finding_record(
                reviewer=lead, agent_id=form.cleaned_data.pop("agent"), **form.cleaned_data
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("The finding is recorded. Training rules run in a moment."))
            return redirect("assessments:team_findings", team_id=team.pk)
    findings = qa.findings_visible_to(user=lead).filter(agent__memberships__team=team)
    page = Paginator(findings, 50).get_page(request.GET.get("page"))
    return render(
        request, "assessments/team_findings.html", {"team": team, "form": form, "page": page}
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV export from your QA tool"), required=False)
    content = forms.CharField(widget=forms.HiddenInput, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def team_findings_import(request: HttpRequest, team_id: int) -> HttpResponse:
    """Upload → a preview with each row's problems → import the valid new rows."""
    lead = request_user(request)
    team = _or_404(team_get_led, user=lead, team_id=team_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    content = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        raw: str | bytes = (
            upload.read(qa.CSV_MAX_BYTES + 1) if upload else form.cleaned_data.get("content", "")
        )
        confirm = "confirm" in request.POST
        if not raw:
            form.add_error("file", _("Choose a CSV file."))
        else:
            report = qa.findings_import(reviewer=lead, content=raw, commit=confirm)
            if confirm and not report.problems:
                messages.success(
                    request,
                    _(
                        "Imported %(n)d findings; %(d)d were already recorded, "
                        "%(i)d rows had errors."
                    )
                    % {"n": report.created, "d": report.duplicates, "i": report.invalid},
                )
                return redirect("assessments:team_findings", team_id=team.pk)
            content = raw.decode("utf-8-sig", "replace") if isinstance(raw, bytes) else raw
    return render(
        request,
        "assessments/findings_import.html",
        {
            "team": team,
            "form": form,
            "report": report,
            "content": content,
            "columns": qa.CSV_COLUMNS,
        },
    )


@login_required
def skill_profile(request: HttpRequest, user_id: int) -> HttpResponse:
    user = _or_404(skills.user_get_profile_visible, viewer=request_user(request), user_id=user_id)
    profile = skills.user_skill_profile(user=user)
    return render(request, "assessments/skill_profile.html", {"person": user, "profile": profile})


@login_required
def org_report(request: HttpRequest) -> HttpResponse:
    if not user_is_admin(request_user(request)):
        raise Http404
    page = Paginator(skills.org_people(), 50).get_page(request.GET.get("page"))
    report = skills.org_skill_report(people=list(page.object_list))
    rows = [
        (user, profile, [(cell, heat(cell)) for cell in cells])
        for user, profile, cells in report.rows
    ]
    return render(
        request, "assessments/org_report.html", {"page": page, "report": report, "rows": rows}
    )


@login_required
def team_findings_csv(request: HttpRequest, team_id: int) -> StreamingHttpResponse:
    lead = request_user(request)
    team = _or_404(team_get_led, user=lead, team_id=team_id)
    findings = qa.findings_visible_to(user=lead).filter(agent__memberships__team=team)
    rows = (
        (
            f.occurred_at.isoformat(),
            f.agent.email,
            f.agent.name,
            f.interaction_ref,
            f.criterion,
            f.skill.slug,
            f.severity,
            f.note,
            f.reviewer.email if f.reviewer else "",
            f.source,
        )
        for f in findings.iterator(chunk_size=2000)
    )
    return csv_response(
        f"qa-findings-{team.pk}.csv",
        [
            "occurred_at",
            "agent_email",
            "agent_name",
            "interaction_ref",
            "criterion",
            "skill",
            "severity",
            "note",
            "reviewer",
            "source",
        ],
        rows,
    )
