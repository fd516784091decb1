"""Pages of the lead's loop: the skills dashboard, QA findings (record and import), a person's
skill profile, and the organisation-wide report for admins."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import request_user
from accounts.models import User
from accounts.selectors import team_get_led
from core.csv_export import csv_response
from core.errors import Conflict, DomainError
from core.forms import IsoDateTimeInput, form_add_domain_error
from core.listing import Filter, render_listing
from core.listing import listing as listing_for
from core.shortcuts import or_404
from core.undo import success_with_undo
from courses import selectors as courses_selectors
from qa import selectors, services
from qa.hooks import EffectPanelsCollecting, effect_panels_collecting
from qa.models import QAFinding
from qa.reviews import findings_csv
from qa.reviews import selectors as review_selectors
from qa.reviews.writer import finding_note_display
from skills import selectors as skills_selectors
from skills.hooks import TeamSkillsPageDrawing
from skills.models import Skill


def _reading_attach(
    items: Sequence[Any], *, skill_of: Callable[[Any], Skill | None], language: str
) -> None:
    """Set ``reading_sops`` (SOPs to re-read) and ``reading_modules`` (modules that teach it,
    other than the item's own) on each finding or suggestion, from its skill: two queries,
    whatever the items."""
    sops = courses_selectors.sops_by_skill_slug(language=language)
    modules = courses_selectors.modules_by_skill()
    for item in items:
        skill = skill_of(item)
        module = getattr(item, "module", None)
        own = reverse("courses:module", args=[module.slug]) if module is not None else None
        item.reading_sops = [(x.title, x.url) for x in sops.get(skill.slug, [])] if skill else []
        item.reading_modules = [
            (title, url)
            for title, url in (modules.get(skill.slug, []) if skill else [])
            if url != own
        ]


def _source_filter(request: HttpRequest, team: Any) -> int | None:
    """``?source=<id>``: "is it working?" counts only that QA tool source's findings."""
    return review_selectors.review_source_id_in_team(team=team, value=request.GET.get("source"))


def team_skills_sections(page: TeamSkillsPageDrawing) -> None:
    """Subscriber of ``skills.team_skills_page_drawing``: the QA loop's links (findings, import)
    and sections (suggestions, overdue QA-driven training, "is it working?") on the lead's
    team skills page. Rendered with the CSRF token but not the request's context processors,
    which the page itself runs (no query twice)."""
    request, lead, team = page.request, page.lead, page.team
    page.links += [
        (_("QA findings"), reverse("qa:team_findings", args=[team.pk])),
        (_("Import CSV"), reverse("qa:team_findings_import", args=[team.pk])),
    ]
    effect_panels = EffectPanelsCollecting(team=team)
    effect_panels_collecting.send(effect_panels)
    suggestions = list(
        selectors.suggestions_for(lead=lead, team_id=team.pk).select_related("rule__skill")[:50]
    )
    _reading_attach(suggestions, skill_of=lambda s: s.rule.skill, language=lead.language)
    page.sections.append(
        render_to_string(
            "qa/_team_skills_sections.html",
            {
                "team": team,
                "skill_filter": request.GET.get("skill") or "",
                "member_filter": request.GET.get("member", "").strip()[:100],
                "suggestions": suggestions,
                "overdue": selectors.overdue_qa_assignments(lead=lead, team_id=team.pk)[:50],
                "effects": selectors.training_effect(
                    lead=lead, team_id=team.pk, review_source_id=_source_filter(request, team)
                ),
                "review_sources": review_selectors.review_sources_for(user=lead, team=team),
                "source_filter": request.GET.get("source", ""),
                "effect_panels": effect_panels.panels,
                # Without ``request=``: the page's context processors ran once already.
                "csrf_token": get_token(request),
                "request": request,
            },
        )
    )


@login_required
@require_POST
def suggestion_decide(request: HttpRequest, suggestion_id: int, decision: str) -> HttpResponse:
    lead = request_user(request)
    suggestion = or_404(selectors.suggestion_get, lead=lead, suggestion_id=suggestion_id)
    try:
        if decision == "accept":
            accepted = services.suggestion_accept_outcome(suggestion=suggestion, lead=lead)
            if accepted.assignment_created:
                messages.success(request, accepted.message)
            else:  # merged into the agent's open assignment: say so, not "Assigned"
                messages.warning(request, accepted.message)
        else:
            services.suggestion_dismiss(suggestion=suggestion, lead=lead)
            team_id = request.POST.get("team", "")
            undo_url = reverse("qa:suggestion_undo_dismiss", args=[suggestion.pk])
            if team_id.isascii() and team_id.isdigit() and len(team_id) < 19:
                undo_url += f"?team={team_id}"
            success_with_undo(
                request, _("Suggestion dismissed."), undo_url=undo_url, label=_("Undo")
            )
    except Conflict as exc:
        messages.error(request, exc.message)
    return _back_to_skills(request.POST.get("team", ""))


def _back_to_skills(team_id: str) -> HttpResponse:
    if team_id.isascii() and team_id.isdigit() and len(team_id) < 19:
        return redirect("skills:team_skills", team_id=int(team_id))
    return redirect("skills:skills")


@login_required
@require_POST
def suggestion_undo_dismiss(request: HttpRequest, suggestion_id: int) -> HttpResponse:
    """The "Undo" of "Dismiss": the suggestion waits again (a few minutes, the same lead)."""
    lead = request_user(request)
    suggestion = or_404(selectors.suggestion_get, lead=lead, suggestion_id=suggestion_id)
    try:
        services.suggestion_dismiss_undo(suggestion=suggestion, lead=lead)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The suggestion is back."))
    return _back_to_skills(request.GET.get("team", ""))


def _agent_label(agent: User) -> str:
    return agent.name or agent.email


class FindingForm(forms.Form):
    agent = forms.ModelChoiceField(label=gettext_lazy("Agent"), queryset=User.objects.none())
    interaction_ref = forms.CharField(
        label=gettext_lazy("Interaction"),
        max_length=200,
        help_text=gettext_lazy("Ticket, chat or call reference."),
    )
    criterion = forms.CharField(label=gettext_lazy("Scorecard criterion"), max_length=200)
    skill = forms.ModelChoiceField(
        label=gettext_lazy("Skill"),
        queryset=Skill.objects.order_by("position", "name"),
        to_field_name="slug",
    )
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"), choices=QAFinding.Severity.choices, initial="medium"
    )
    occurred_at = forms.DateTimeField(
        label=gettext_lazy("When"),
        required=False,
        widget=IsoDateTimeInput(),
        help_text=gettext_lazy("Leave empty for now."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, agents: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agent_field = cast(forms.ModelChoiceField, self.fields["agent"])
        agent_field.queryset = agents
        agent_field.label_from_instance = _agent_label  # type: ignore[method-assign,assignment]


@login_required
@require_http_methods(["GET", "POST"])
def team_findings(request: HttpRequest, team_id: int) -> HttpResponse:
    lead = request_user(request)
    team = or_404(team_get_led, user=lead, team_id=team_id)
    agents = selectors.agents_for(lead).filter(memberships__team=team).order_by("name")
    form = FindingForm(request.POST or None, agents=agents)
    if request.method == "POST" and form.is_valid():
        try:
            services.finding_record(reviewer=lead, **form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("The finding is recorded. Training rules run in a moment."))
            return redirect("qa:team_findings", team_id=team.pk)
    findings = selectors.findings_visible_to(user=lead).filter(agent__memberships__team=team)
    listing = listing_for(
        request,
        findings,
        search_fields=("agent__name", "interaction_ref", "criterion", "note"),
        search_label=_("Search findings"),
        filters=(
            Filter(
                "agent",
                _("Agent"),
                [(str(pk), name) for pk, name in agents.values_list("pk", "name")],
                lambda qs, value: qs.filter(agent_id=int(value)),
                any_label=_("Everyone"),
            ),
            Filter(
                "severity",
                _("Severity"),
                QAFinding.Severity.choices,
                lambda qs, value: qs.filter(severity=value),
            ),
            Filter(
                "skill",
                _("Skill"),
                list(Skill.objects.order_by("position", "name").values_list("slug", "name")),
                lambda qs, value: qs.filter(skill__slug=value),
            ),
        ),
        target="finding-results",
    )
    for finding in listing.page.object_list:
        finding.display_note = finding_note_display(finding.note, source=finding.source)
    _reading_attach(
        list(listing.page.object_list), skill_of=lambda f: f.skill, language=lead.language
    )
    return render_listing(
        request,
        "qa/team_findings.html",
        "qa/_finding_results.html",
        {"team": team, "form": form, "listing": listing, "page": listing.page},
        target="finding-results",
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("CSV export from your QA tool"), required=False)
    content = forms.CharField(widget=forms.HiddenInput, required=False)


@login_required
@require_http_methods(["GET", "POST"])
def team_findings_import(request: HttpRequest, team_id: int) -> HttpResponse:
    """Upload → a preview with each row's problems → import the valid new rows."""
    lead = request_user(request)
    team = or_404(team_get_led, user=lead, team_id=team_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    content = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        raw: str | bytes = (
            upload.read(findings_csv.MAX_BYTES + 1)
            if upload
            else form.cleaned_data.get("content", "")
        )
        confirm = "confirm" in request.POST
        if not raw:
            form.add_error("file", _("Choose a CSV file."))
        else:
            report = findings_csv.findings_import(reviewer=lead, content=raw, commit=confirm)
            if confirm and not report.problems:
                messages.success(
                    request,
                    _(
                        "Imported %(n)d findings; %(d)d were already recorded, "
                        "%(i)d rows had errors."
                    )
                    % {"n": report.created, "d": report.duplicates, "i": report.invalid},
                )
                return redirect("qa:team_findings", team_id=team.pk)
            # The text as the reader decoded it (any code page; a workbook as CSV), posted
            # back to confirm.
            content = findings_csv.findings_text(raw) if report.valid else ""
    return render(
        request,
        "qa/findings_import.html",
        {
            "skills": skills_selectors.skills_list(),
            "team": team,
            "form": form,
            "report": report,
            "content": content,
            "columns": findings_csv.COLUMNS,
        },
    )


@login_required
def team_findings_csv(request: HttpRequest, team_id: int) -> StreamingHttpResponse:
    lead = request_user(request)
    team = or_404(team_get_led, user=lead, team_id=team_id)
    findings = selectors.findings_visible_to(user=lead).filter(agent__memberships__team=team)
    zone = timezone.get_current_timezone()  # the rows stream after the view has returned
    rows = (
        (
            timezone.localtime(f.occurred_at, zone).isoformat(),  # ISO 8601, viewer's zone
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
