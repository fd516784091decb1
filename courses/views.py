"""Training pages: my training, modules and lessons, SOPs with versions and diffs, and the
lead's team training page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.http import request_user
from accounts.selectors import team_get_led, team_memberships
from core.content import language_columns, localized
from core.errors import Conflict, DomainError
from core.forms import form_add_domain_error
from core.listing import Filter, render_listing
from core.listing import listing as listing_for
from core.markdown import render_markdown
from core.shortcuts import or_404
from courses import selectors, services
from courses.forms import AssignForm, CompareForm
from courses.models import Assignment
from skills.models import Skill

# --- learner ----------------------------------------------------------------------------------


@login_required
def my_training(request: HttpRequest) -> HttpResponse:
    groups = selectors.my_training(user=request_user(request))
    return render(request, "courses/my_training.html", {"groups": groups})


MODULE_PROGRESS = {
    "not_started": Q(completed=False, lessons_done=0),
    "in_progress": Q(completed=False, lessons_done__gt=0),
    "completed": Q(completed=True),
}


@login_required
def module_list(request: HttpRequest) -> HttpResponse:
    """Published modules: search, progress and skill filters, pages (core/listing.py)."""
    modules = selectors.modules_list(user=request_user(request))
    listing = listing_for(
        request,
        modules,
        search_fields=(*language_columns("title"), *language_columns("summary")),
        search_label=_("Search modules"),
        filters=(
            Filter(
                "progress",
                _("Your progress"),
                [
                    ("not_started", _("Not started")),
                    ("in_progress", _("In progress")),
                    ("completed", _("Completed")),
                ],
                lambda qs, value: qs.filter(MODULE_PROGRESS[value]),
            ),
            Filter(
                "skill",
                _("Skill"),
                list(Skill.objects.order_by(localized("name")).values_list("slug", "name")),
                lambda qs, value: qs.filter(skills__slug=value),
            ),
        ),
    )
    return render_listing(
        request,
        "courses/module_list.html",
        "courses/_module_results.html",
        {"listing": listing, "modules": listing.page.object_list},
    )


@login_required
def module_detail(request: HttpRequest, slug: str) -> HttpResponse:
    user = request_user(request)
    module: Any = or_404(selectors.module_get, user=user, slug=slug)
    lessons = selectors.module_lessons(user=user, module=module)
    next_lesson = next((lesson for lesson in lessons if not lesson.done), None)  # type: ignore[attr-defined]
    return render(
        request,
        "courses/module_detail.html",
        {
            "module": module,
            "lessons": lessons,
            "next_lesson": next_lesson,
            "next_number": lessons.index(next_lesson) + 1 if next_lesson else None,
            "all_done": next_lesson is None,
            "progress": round(100 * module.lessons_done / module.lesson_count)
            if module.lesson_count
            else 0,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def lesson_detail(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    """Lesson ``number`` (1-based) of a module; POST marks it done and moves on."""
    user = request_user(request)
    module: Any = or_404(selectors.module_get, user=user, slug=slug)
    lessons = selectors.module_lessons(user=user, module=module)
    if not 1 <= number <= len(lessons):
        raise Http404("Lesson not found.")
    lesson = lessons[number - 1]
    if request.method == "POST":
        services.lesson_complete(user=user, lesson=lesson)
        if number < len(lessons):
            return redirect("courses:lesson", slug=slug, number=number + 1)
        messages.success(request, _("You finished every lesson. Complete the module below."))
        return redirect("courses:module", slug=slug)
    return render(
        request,
        "courses/lesson_detail.html",
        {
            "module": module,
            "lessons": lessons,
            "lesson": lesson,
            "number": number,
            "total": len(lessons),
            "previous_number": number - 1 if number > 1 else None,
        },
    )


@login_required
@require_POST
def module_complete(request: HttpRequest, slug: str) -> HttpResponse:
    user = request_user(request)
    module: Any = or_404(selectors.module_get, user=user, slug=slug)
    try:
        services.module_complete(user=user, module=module)
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("courses:module", slug=slug)
    messages.success(
        request, _("Module “%(title)s” completed. Well done!") % {"title": module.title}
    )
    return redirect("courses:my_training")


SOP_READ = {
    "read": Q(acknowledged_number=F("current_number")),
    "changed": Q(acknowledged_number__lt=F("current_number")),
    "unread": Q(acknowledged_number__isnull=True),
}


@login_required
def sop_list(request: HttpRequest) -> HttpResponse:
    """Published SOPs: search, a "read by you" filter, pages (core/listing.py)."""
    sops = selectors.sops_list(user=request_user(request))
    listing = listing_for(
        request,
        sops,
        search_fields=("title", "slug"),
        search_label=_("Search SOPs"),
        filters=(
            Filter(
                "read",
                _("You"),
                [
                    ("unread", _("Not read yet")),
                    ("changed", _("Changed since you read it")),
                    ("read", _("Read")),
                ],
                lambda qs, value: qs.filter(SOP_READ[value]),
            ),
        ),
    )
    return render_listing(
        request,
        "courses/sop_list.html",
        "courses/_sop_results.html",
        {"listing": listing, "sops": listing.page.object_list},
    )


@login_required
def sop_detail(request: HttpRequest, slug: str, number: int | None = None) -> HttpResponse:
    """The current version of an SOP (or version ``number``), with history and what changed."""
    user = request_user(request)
    sop = or_404(selectors.sop_get, slug=slug)
    versions = selectors.sop_versions(sop=sop)
    current = versions[0]
    version = (
        current if number is None else or_404(selectors.sop_version_get, sop=sop, number=number)
    )
    last_ack = selectors.sop_last_acknowledged(user=user, sop=sop)
    changes = None
    if (
        version == current
        and last_ack is not None
        and last_ack.sop_version.number is not None
        and current.number is not None
        and last_ack.sop_version.number < current.number
    ):
        changes = selectors.sop_diff(older=last_ack.sop_version, newer=current)
    added = [line.text for line in changes or [] if line.op == "added"]
    removed = [line.text for line in changes or [] if line.op == "removed"]
    acknowledged_this = selectors.sop_version_acknowledged(user=user, version=version)
    return render(
        request,
        "courses/sop_detail.html",
        {
            "sop": sop,
            "version": version,
            "current": current,
            "versions": versions,
            "last_ack": last_ack,
            "acknowledged_this": acknowledged_this,
            "changes": changes,
            "added_count": len(added),
            "removed_count": len(removed),
            # The new text as readers will see it (sanitized), highlighted on the page.
            "added_html": render_markdown("\n".join(added)) if added else "",
            "compare_form": CompareForm(
                numbers=[v.number for v in versions if v.number is not None],
                initial={
                    "older": versions[1].number if len(versions) > 1 else current.number,
                    "newer": current.number,
                },
            ),
        },
    )


@login_required
def sop_compare(request: HttpRequest, slug: str) -> HttpResponse:
    sop = or_404(selectors.sop_get, slug=slug)
    versions = selectors.sop_versions(sop=sop)
    form = CompareForm(request.GET or None, numbers=[v.number for v in versions if v.number])
    if not form.is_valid():
        messages.error(request, _("Choose two versions to compare."))
        return redirect("courses:sop", slug=slug)
    older = or_404(selectors.sop_version_get, sop=sop, number=form.cleaned_data["older"])
    newer = or_404(selectors.sop_version_get, sop=sop, number=form.cleaned_data["newer"])
    if older.number and newer.number and older.number > newer.number:
        older, newer = newer, older
    return render(
        request,
        "courses/sop_compare.html",
        {
            "sop": sop,
            "older": older,
            "newer": newer,
            "lines": selectors.sop_diff(older=older, newer=newer),
            "form": form,
        },
    )


@login_required
@require_POST
def sop_acknowledge(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    sop = or_404(selectors.sop_get, slug=slug)
    version = or_404(selectors.sop_version_get, sop=sop, number=number)
    services.sop_acknowledge(user=request_user(request), version=version)
    messages.success(
        request,
        _("Recorded: you read and understood “%(title)s”, version %(number)s.")
        % {"title": sop.title, "number": version.number},
    )
    return redirect("courses:sop", slug=slug)


# --- lead -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def team_training(request: HttpRequest, team_id: int) -> HttpResponse:
    """A lead's view of their team's training: who has what, and a form to assign more."""
    lead = request_user(request)
    team = or_404(team_get_led, user=lead, team_id=team_id)
    members = [m.user for m in team_memberships(team=team) if m.role == "member"]
    form = AssignForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        try:
            results = services.assignments_assign(
                assigned_by=lead, **form.service_arguments(lead=lead)
            )
        except DomainError as exc:
            form_add_domain_error(
                form, exc, field_map={"due_on": "due", "non_field_errors": "target"}
            )
        else:
            created = sum(1 for _a, was_created in results if was_created)
            kept = len(results) - created
            text = ngettext("Assigned to %(n)d person.", "Assigned to %(n)d people.", created) % {
                "n": created
            }
            if kept:
                text += " " + ngettext(
                    "%(n)d person already had it open; their assignment was kept.",
                    "%(n)d people already had it open; their assignments were kept.",
                    kept,
                ) % {"n": kept}
            messages.success(request, text)
            return redirect("courses:team_training", team_id=team.pk)
    assignments = or_404(selectors.team_assignments, lead=lead, team_id=team.pk)
    listing = listing_for(
        request,
        assignments,
        # a module's title in every language (a Polish lead types what the page shows)
        search_fields=(
            "user__name",
            *language_columns("module__title"),
            "sop__title",
            "quiz__title",
            "reason",
        ),
        search_label=_("Search people and training"),
        filters=(
            Filter(
                "member",
                _("Person"),
                [(str(m.pk), m.name) for m in members],
                lambda qs, value: qs.filter(user_id=int(value)),
                any_label=_("Everyone"),
            ),
            Filter(
                "status",
                _("Status"),
                Assignment.Status.choices,
                lambda qs, value: qs.filter(status=value),
            ),
            Filter(
                "kind",
                _("Training"),
                Assignment.Kind.choices,
                lambda qs, value: qs.filter(kind=value),
            ),
        ),
        target="assignment-results",
    )
    for assignment in listing.page.object_list:
        assignment.progress = selectors.assignment_progress(assignment)
    return render_listing(
        request,
        "courses/team_training.html",
        "courses/_team_training_results.html",
        {
            "team": team,
            "form": form,
            "summary": selectors.team_training_summary(lead=lead, team_id=team.pk),
            "listing": listing,
            "page": listing.page,
            "members": members,
        },
        target="assignment-results",
    )


@login_required
@require_http_methods(["GET", "POST"])
def assignment_cancel(request: HttpRequest, assignment_id: int) -> HttpResponse:
    assignment = or_404(
        selectors.assignment_get_managed, user=request_user(request), assignment_id=assignment_id
    )
    team_id = request.GET.get("team") or request.POST.get("team") or ""
    back = (
        reverse("courses:team_training", args=[team_id])
        if team_id.isascii() and team_id.isdigit() and len(team_id) < 19
        else "/"
    )
    if request.method == "POST":
        services.assignment_cancel(assignment=assignment)
        messages.success(request, _("The assignment was cancelled."))
        return redirect(back)
    return render(
        request,
        "courses/assignment_cancel.html",
        {"assignment": assignment, "back": back, "team_id": team_id},
    )


# --- onboarding -------------------------------------------------------------------------------


# --- notifications ----------------------------------------------------------------------------
