"""Readiness pages: the criteria editor (admins), a person's readiness with decisions and
sign-offs, a decision as it was recorded, the team board (page and CSV) and the printable
report (PDF)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.http import request_user
from accounts.selectors import user_is_admin
from core.csv_export import csv_response
from core.errors import Conflict, NotFound, ValidationFailed
from core.ids import parse_id
from core.pdf import pdf_response, render_pdf
from core.shortcuts import or_404
from readiness import presenters, selectors, services
from readiness.forms import CriteriaForm, CriterionForm, DecisionForm, FromRolesForm, RevokeForm
from readiness.models import Decision


def _id_or_zero(value: str) -> int:
    """An id from a form or the query string, 0 for anything else ("²", "-1", 10**40)."""
    try:
        return parse_id(value)
    except NotFound:
        return 0


def _admin_only(request: HttpRequest) -> Any:
    user = request_user(request)
    if not user_is_admin(user):
        raise Http404
    return user


@login_required
def criteria_list(request: HttpRequest) -> HttpResponse:
    user = _admin_only(request)
    form = CriteriaForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            criteria = services.criteria_create(
                role_profile=form.cleaned_data["role_profile"],
                from_roles=list(form.cleaned_data["from_roles"]),
                by=user,
            )
        except ValidationFailed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Criteria created. Add their lines."))
            return redirect("readiness:criteria", criteria.pk)
    found = list(selectors.criteria_list())
    return render(
        request,
        "readiness/criteria_list.html",
        {"criteria": presenters.criteria_rows(found), "form": form},
        status=400 if form.errors else 200,
    )


@login_required
def criteria_edit(request: HttpRequest, criteria_id: int) -> HttpResponse:
    user = _admin_only(request)
    criteria = or_404(selectors.criteria_get, criteria_id=criteria_id)
    line_form = CriterionForm(request.POST if request.POST.get("action") == "add" else None)
    roles_form = FromRolesForm(
        request.POST if request.POST.get("action") == "roles" else None,
        initial={"from_roles": list(criteria.from_roles.all())},
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "add" and line_form.is_valid():
            fields, sops, modules = line_form.line_fields()
            version = services.criterion_add(
                criteria=criteria, by=user, fields=fields, sops=sops, modules=modules
            )
            messages.success(request, _("Saved as version %(n)d.") % {"n": version.number})
            return redirect("readiness:criteria", criteria.pk)
        if action == "remove":
            try:
                version = services.criterion_remove(
                    criteria=criteria,
                    criterion_id=_id_or_zero(request.POST.get("line", "")),
                    by=user,
                )
            except Conflict as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Saved as version %(n)d.") % {"n": version.number})
            return redirect("readiness:criteria", criteria.pk)
        if action == "roles" and roles_form.is_valid():
            services.criteria_from_roles_set(
                criteria=criteria, from_roles=list(roles_form.cleaned_data["from_roles"]), by=user
            )
            messages.success(request, _("Saved."))
            return redirect("readiness:criteria", criteria.pk)
    return render(
        request,
        "readiness/criteria_edit.html",
        {
            "criteria": criteria,
            "lines": presenters.current_lines(criteria),
            "versions": list(selectors.criteria_versions(criteria=criteria)[:20]),
            "line_form": line_form,
            "roles_form": roles_form,
        },
        status=400 if line_form.errors or roles_form.errors else 200,
    )


def _can_decide(viewer: Any, person: Any) -> bool:
    """The rule of ``selectors.person_get_decidable``: a lead of their team or an admin, never
    about oneself."""
    try:
        selectors.person_get_decidable(viewer=viewer, user_id=person.pk)
    except NotFound:
        return False
    return True


def _person_page(
    request: HttpRequest,
    viewer: Any,
    found: Any,
    *,
    form: DecisionForm | None = None,
    form_for: int | None = None,
    status: int = 200,
) -> HttpResponse:
    """A person's readiness; ``form`` (with its errors) in place of the empty one of the role
    ``form_for``."""
    now = timezone.now()
    roles = []
    for row in selectors.person_readiness(person=found, now=now):
        pk = row.standing.criteria.pk
        shown = form if form is not None and pk == form_for else DecisionForm(prefix=f"d{pk}")
        roles.append(presenters.role_view(row, now=now, form=shown))
    return render(
        request,
        "readiness/person.html",
        {
            "person": found,
            "roles": roles,
            "history": presenters.history(selectors.person_decisions(person=found)[:50]),
            "can_decide": _can_decide(viewer, found),
            "own": viewer.pk == found.pk,
            # the board's "Decide" opens that role's form: pick, save (two clicks)
            "decide": _id_or_zero(request.GET.get("decide", "")) or None,
        },
        status=status,
    )


@login_required
def person(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer = request_user(request)
    found = or_404(selectors.person_get_visible, viewer=viewer, user_id=user_id)
    return _person_page(request, viewer, found)


@login_required
@require_POST
def decide(request: HttpRequest, user_id: int, criteria_id: int) -> HttpResponse:
    viewer = request_user(request)
    found = or_404(selectors.person_get_decidable, viewer=viewer, user_id=user_id)
    criteria = or_404(selectors.criteria_get_for, person=found, criteria_id=criteria_id)
    form = DecisionForm(request.POST, prefix=f"d{criteria.pk}")
    if form.is_valid():
        try:
            services.decision_record(
                person=found,
                criteria=criteria,
                outcome=form.cleaned_data["outcome"],
                by=viewer,
                reason=form.cleaned_data["reason"],
                plan=form.cleaned_data["plan"],
                override=form.cleaned_data["override"],
                assign_module=form.cleaned_data["assign_module"],
                due_on=form.cleaned_data["due_on"],
            )
        except (ValidationFailed, Conflict) as exc:
            field_errors = getattr(exc, "field_errors", None) or {}
            for name, errors in field_errors.items():
                for error in errors:
                    form.add_error(name if name in form.fields else None, error)
            if not field_errors:
                form.add_error(None, exc.message)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect("readiness:person", found.pk)
    return _person_page(request, viewer, found, form=form, form_for=criteria.pk, status=400)


@login_required
@require_POST
def signoff(request: HttpRequest, user_id: int, criteria_id: int) -> HttpResponse:
    viewer = request_user(request)
    found = or_404(selectors.person_get_decidable, viewer=viewer, user_id=user_id)
    criteria = or_404(selectors.criteria_get_for, person=found, criteria_id=criteria_id)
    key = request.POST.get("key", "")[:32]
    try:
        if request.POST.get("action") == "withdraw":
            services.signoff_withdraw(person=found, criteria=criteria, key=key, by=viewer)
            messages.success(request, _("Sign-off withdrawn."))
        else:
            services.signoff_give(
                person=found,
                criteria=criteria,
                key=key,
                by=viewer,
                note=request.POST.get("note", "")[:500],
            )
            messages.success(request, _("Signed off."))
    except Conflict as exc:
        messages.error(request, exc.message)
    return redirect("readiness:person", found.pk)


@login_required
def decision(request: HttpRequest, decision_id: int) -> HttpResponse:
    viewer = request_user(request)
    found = or_404(selectors.decision_get_visible, viewer=viewer, decision_id=decision_id)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if not _can_decide(viewer, found.person):
            raise Http404
        if form.is_valid():
            try:
                services.decision_revoke(
                    decision=found, by=viewer, reason=form.cleaned_data["reason"]
                )
            except (ValidationFailed, Conflict) as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Decision withdrawn."))
                return redirect("readiness:person", found.person_id)
    return render(
        request,
        "readiness/decision.html",
        {
            "decision": found,
            "lines": presenters.snapshot_lines(found),
            "form": form,
            "can_revoke": _can_decide(viewer, found.person)
            and found.outcome != Decision.Outcome.REVOKED,
        },
        status=400 if form.errors else 200,
    )


@login_required
def board(request: HttpRequest, team_id: int) -> HttpResponse | StreamingHttpResponse:
    lead = request_user(request)
    now = timezone.now()
    team, rows = or_404(selectors.team_board, lead=lead, team_id=team_id, now=now)
    view = presenters.board(
        rows,
        now=now,
        state=request.GET.get("state", ""),
        role=request.GET.get("role", ""),
        sort=request.GET.get("sort", ""),
    )
    if request.GET.get("format") == "csv":
        return csv_response(
            f"readiness-{slugify(team.name) or team.pk}-{now:%Y-%m-%d}.csv",
            presenters.board_csv_header(),
            presenters.board_csv_rows(view.rows),
        )
    return render(request, "readiness/board.html", {"team": team, "board": view})


@login_required
def report(request: HttpRequest, user_id: int) -> HttpResponse:
    viewer = request_user(request)
    found = or_404(selectors.person_get_visible, viewer=viewer, user_id=user_id)
    now = timezone.now()
    rows = selectors.person_readiness(person=found, now=now)
    context = {
        "person": found,
        "roles": [presenters.role_view(row, now=now, form=None) for row in rows],
        "history": presenters.history(selectors.person_decisions(person=found)[:200]),
        "printed_at": now,
        "printed_by": viewer,
    }
    pdf = render_pdf(request, "readiness/report_pdf.html", context)
    name = slugify(found.name or found.email) or str(found.pk)
    return pdf_response(pdf, f"readiness-{name}-{now:%Y-%m-%d}.pdf")
