"""Personal data pages: a person downloads their data; an admin downloads anyone's and erases a
member or a candidate after a confirmation that lists what will go."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import request_user
from accounts.models import User
from accounts.selectors import user_is_admin
from assessments.models import CandidateInvitation
from audit import services as audit_services
from core.errors import Conflict
from privacy import selectors, services


def _zip_response(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _admin(request: HttpRequest) -> User:
    user = request_user(request)
    if not user_is_admin(user):
        raise Http404
    return user


@login_required
def my_data(request: HttpRequest) -> HttpResponse:
    """The signed-in person's data as a ZIP."""
    user = request_user(request)
    audit_services.record(
        actor=user, action="person.exported", label=services.person_label(user.pk)
    )
    return _zip_response(selectors.person_export(user), "readiness-my-data.zip")


@login_required
def person_export(request: HttpRequest, user_id: int) -> HttpResponse:
    admin = _admin(request)
    person = get_object_or_404(User, pk=user_id)
    if person.erased_at is not None:
        messages.error(request, _("This person's data was erased: there is nothing to export."))
        return redirect(reverse("admin:accounts_user_change", args=[person.pk]))
    audit_services.record(
        actor=admin, action="person.exported", label=services.person_label(person.pk)
    )
    return _zip_response(selectors.person_export(person), f"readiness-person-{person.pk}.zip")


@login_required
@require_http_methods(["GET", "POST"])
def person_erase(request: HttpRequest, user_id: int) -> HttpResponse:
    admin = _admin(request)
    person = get_object_or_404(User, pk=user_id)
    back = reverse("admin:accounts_user_change", args=[person.pk])
    if request.method == "POST":
        try:
            services.person_erase(user=person, by=admin)
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The person's data is erased."))
        return redirect(back)
    return render(
        request,
        "privacy/erase_confirm.html",
        {
            "person": person,
            "plan": [row for row in services.erasure_plan(person) if row.rows],
            "cancel_url": back,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def candidate_erase(request: HttpRequest, invitation_id: str) -> HttpResponse:
    admin = _admin(request)
    invitation = get_object_or_404(CandidateInvitation, pk=invitation_id)
    back = reverse("admin:assessments_candidateinvitation_change", args=[invitation.pk])
    if request.method == "POST":
        try:
            services.candidate_erase(invitation=invitation, by=admin)
        except Conflict as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("The candidate's data is erased."))
        return redirect(back)
    return render(
        request,
        "privacy/erase_candidate_confirm.html",
        {"invitation": invitation, "cancel_url": back},
    )


@login_required
def candidate_export(request: HttpRequest, invitation_id: str) -> HttpResponse:
    _admin(request)
    invitation = get_object_or_404(CandidateInvitation, pk=invitation_id)
    return _zip_response(
        selectors.candidate_export(invitation), f"readiness-candidate-{invitation.pk}.zip"
    )
