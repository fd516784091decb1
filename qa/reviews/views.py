"""Pages for QA reviews from a QA tool: a team's sources, one source's settings, categories and
webhook, and the import (upload → map the columns once → preview → import).

The uploaded file is kept in the cache between the steps (``core.upload_stash``), so it is
uploaded once and nothing is written before the lead confirms.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import request_user
from accounts.models import User
from accounts.selectors import team_get_led
from core.errors import DomainError
from core.forms import form_add_domain_error
from core.shortcuts import or_404
from core.upload_stash import upload_stash, upload_stash_drop, upload_unstash
from qa.models import ReviewSource
from qa.reviews import importer as review_importer
from qa.reviews import mapping as review_mapping
from qa.reviews import selectors as review_selectors
from qa.reviews import sources as source_services
from qa.reviews.files import MAX_BYTES, Table, read_table
from qa.reviews.forms import (
    CategoryFormSet,
    MappingForm,
    SourceCreateForm,
    SourceSettingsForm,
    UploadForm,
    category_initial,
    skill_choices,
)
from skills.models import Skill

STASH = "qa-review-import"
PREVIEW_PROBLEMS = 500
PREVIEW_OTHERS = 200


@login_required
@require_http_methods(["GET", "POST"])
def review_sources(request: HttpRequest, team_id: int) -> HttpResponse:
    """The team's QA tool sources, and a form to add one."""
    lead = request_user(request)
    team = or_404(team_get_led, user=lead, team_id=team_id)
    form = SourceCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            source, _secret = source_services.review_source_create(
                team=team, created_by=lead, **form.cleaned_data
            )
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            messages.success(request, _("Source added. Upload an export to map its columns."))
            return redirect("qa:review_import", team_id=team.pk, source_id=source.pk)
    sources = review_selectors.review_sources_for(user=lead, team=team)
    return render(
        request, "qa/review_sources.html", {"team": team, "sources": sources, "form": form}
    )


def _skills_by_slug() -> dict[str, Skill]:
    return {s.slug: s for s in Skill.objects.all()}


def _save_categories(
    request: HttpRequest, source: ReviewSource, formset: Any, skills: dict[str, Skill]
) -> bool:
    if not formset.is_valid():
        return False
    try:
        source_services.review_categories_save(
            source=source, categories=[f.as_input(skills) for f in formset.forms]
        )
    except DomainError as exc:
        for name, errors in exc.field_errors.items():
            number = name.removeprefix("categories[").rstrip("]")
            if number.isdigit() and int(number) < len(formset.forms):
                for error in errors:
                    formset.forms[int(number)].add_error(None, error)
        return False
    return True


@login_required
@require_http_methods(["GET", "POST"])
def review_source(request: HttpRequest, team_id: int, source_id: int) -> HttpResponse:
    """A source's settings, its categories and its webhook (the secret shows once, after it
    is made)."""
    lead = request_user(request)
    source = or_404(
        review_selectors.review_source_get, user=lead, source_id=source_id, team_id=team_id
    )
    action = request.POST.get("action", "")
    settings_form = SourceSettingsForm(
        request.POST if action == "settings" else None,
        initial={
            "name": source.name,
            "default_scale": source.default_scale,
            "na_values": source.na_values,
            "webhook_enabled": source.webhook_enabled,
        },
    )
    categories = list(review_selectors.review_categories(source=source))
    choices = skill_choices()
    formset = CategoryFormSet(
        request.POST if action == "categories" else None,
        initial=[category_initial(c) for c in categories],
        prefix="cat",
        form_kwargs={"skills": choices},
    )
    secret = None
    if action == "settings" and settings_form.is_valid():
        try:
            source_services.review_source_update(source=source, **settings_form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(settings_form, exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("qa:review_source", team_id=source.team_id, source_id=source.pk)
    elif action == "categories" and _save_categories(request, source, formset, _skills_by_slug()):
        messages.success(request, _("Categories saved."))
        return redirect("qa:review_source", team_id=source.team_id, source_id=source.pk)
    elif action == "rotate":
        secret = source_services.review_source_secret_rotate(source=source)
    webhook_url = request.build_absolute_uri(reverse("review-source-webhook", args=[source.pk]))
    return render(
        request,
        "qa/review_source.html",
        {
            "team": source.team,
            "source": source,
            "settings_form": settings_form,
            "formset": formset,
            "secret": secret,
            "webhook_url": webhook_url,
            "ratings": review_selectors.review_ratings_recent(source=source, limit=20),
        },
    )


def _stashed(request: HttpRequest, lead: User, form: UploadForm) -> tuple[str, bytes, str] | None:
    """(token, data, file name) of the upload being worked on, or ``None`` with a form error."""
    upload = request.FILES.get("file")
    try:
        if upload is not None:
            if upload.size is not None and upload.size > MAX_BYTES:
                limit = filesizeformat(MAX_BYTES)
                form.add_error("file", _("The file is larger than %(limit)s.") % {"limit": limit})
                return None
            data = upload.read()
            name = upload.name or ""
            token = upload_stash(
                namespace=STASH,
                user_id=lead.pk,
                payload={"data": data, "name": name},
                size=len(data),
                limit=MAX_BYTES,
            )
            return token, data, name
        token = request.POST.get("token", "")
        if not token:
            form.add_error("file", _("Choose the export file."))
            return None
        stashed = upload_unstash(namespace=STASH, user_id=lead.pk, token=token)
        return token, stashed["data"], stashed["name"]
    except DomainError as exc:
        form.add_error("file", exc.message)
        return None


def _table(data: bytes, name: str, encoding: str, form: UploadForm) -> Table | None:
    try:
        return read_table(data, filename=name, encoding=encoding)
    except DomainError as exc:
        form.add_error("file", exc.message)
        return None


@login_required
@require_http_methods(["GET", "POST"])
def review_import(request: HttpRequest, team_id: int, source_id: int) -> HttpResponse:
    """Upload → (map the columns, the first time or when the file differs) → preview with
    every line's outcome and the unmapped categories → import."""
    lead = request_user(request)
    source = or_404(
        review_selectors.review_source_get, user=lead, source_id=source_id, team_id=team_id
    )
    context: dict[str, Any] = {"team": source.team, "source": source}
    upload_form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "GET":
        return render(request, "qa/review_import.html", {**context, "upload_form": upload_form})
    stashed = _stashed(request, lead, upload_form)
    if stashed is None:
        return render(request, "qa/review_import.html", {**context, "upload_form": upload_form})
    token, data, name = stashed
    context.update(token=token, file_name=name, upload_form=UploadForm())
    step = request.POST.get("step", "")

    if step == "map":
        header_table = _table(data, name, request.POST.get("encoding", "auto"), upload_form)
        if header_table is None:
            return render(request, "qa/review_import.html", {**context, "upload_form": upload_form})
        mapping = MappingForm(request.POST, header=header_table.header)
        if mapping.is_valid():
            try:
                source_services.review_source_update(
                    source=source,
                    shape=mapping.cleaned_data["shape"],
                    agent_match=mapping.cleaned_data["agent_match"],
                    encoding=mapping.cleaned_data["encoding"],
                    columns=mapping.columns(),
                )
            except DomainError as exc:
                form_add_domain_error(mapping, exc)
        if mapping.errors or review_mapping.mapping_problems(
            source=source, header=header_table.header
        ):
            return _mapping_page(request, context, source, header_table, mapping)
    elif step == "categories":
        formset = CategoryFormSet(
            request.POST, prefix="cat", form_kwargs={"skills": skill_choices()}
        )
        if not _save_categories(request, source, formset, _skills_by_slug()):
            context["category_formset"] = formset

    table = _table(data, name, source.encoding, upload_form)
    if table is None:
        return render(request, "qa/review_import.html", {**context, "upload_form": upload_form})
    if step == "remap" or review_mapping.mapping_problems(source=source, header=table.header):
        return _mapping_page(request, context, source, table, None)

    if step == "confirm":
        report = review_importer.reviews_import(
            source=source, table=table, importer=lead, commit=True
        )
        upload_stash_drop(namespace=STASH, user_id=lead.pk, token=token)
        messages.success(
            request,
            _(
                "Imported %(findings)d findings and %(passes)d passed categories; "
                "%(duplicates)d lines were already imported, %(problems)d had problems."
            )
            % {
                "findings": report.created_findings,
                "passes": report.created_passes,
                "duplicates": report.counts["duplicate"],
                "problems": report.counts["error"] + report.counts["unknown"],
            },
        )
        return redirect("qa:review_source", team_id=source.team_id, source_id=source.pk)

    report = review_importer.reviews_import(source=source, table=table, importer=lead, commit=False)
    if "category_formset" not in context:
        suggestions = review_importer.category_suggestions(
            source=source, report=report, skills=list(Skill.objects.order_by("position", "name"))
        )
        context["category_formset"] = CategoryFormSet(
            initial=[
                {
                    "name": s["name"],
                    "skill": s["skill"].slug if s["skill"] else "",
                    "scale": s["scale"],
                    "pass_mark": s["pass_mark"],
                    "weight": 1,
                }
                for s in suggestions
            ],
            prefix="cat",
            form_kwargs={"skills": skill_choices()},
        )
        context["suggestions"] = {s["name"]: s for s in suggestions}
    problems = [ln for ln in report.lines if ln.problem]
    others = [ln for ln in report.lines if not ln.problem]
    context.update(
        report=report,
        problem_lines=problems[:PREVIEW_PROBLEMS],
        other_lines=others[:PREVIEW_OTHERS],
        hidden_lines=max(len(problems) - PREVIEW_PROBLEMS, 0)
        + max(len(others) - PREVIEW_OTHERS, 0),
    )
    return render(request, "qa/review_preview.html", context)


def _mapping_page(
    request: HttpRequest,
    context: dict[str, Any],
    source: ReviewSource,
    table: Table,
    mapping: MappingForm | None,
) -> HttpResponse:
    if mapping is None:
        guess = source.columns or review_mapping.mapping_guess(table.header)
        mapping = MappingForm(
            header=table.header,
            initial={
                "shape": source.shape,
                "agent_match": source.agent_match,
                "encoding": source.encoding,
                **{f"col_{key}": guess.get(key, "") for key in review_mapping.ROLE_KEYS},
            },
        )
    return render(
        request,
        "qa/review_mapping.html",
        {
            **context,
            "mapping": mapping,
            "problems": review_mapping.mapping_problems(source=source, header=table.header)
            if source.columns
            else [],
            "header": table.header,
            "sample": table.rows[:3],
            "notes": table.notes,
        },
    )
