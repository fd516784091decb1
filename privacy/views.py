"""Personal data pages: a person downloads their data; an admin downloads anyone's and erases a
member or a candidate after a confirmation that lists what will go."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from accounts.http import request_user
from accounts.models import User
from accounts.selectors import user_is_admin
from assessments.models import CandidateInvitation
from audit import services as audit_services
from core.errors import Conflict, NotFound
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
    """The signed-in person's data as a ZIP; a large one is built by Celery and offered as a
    link in a notification."""
    user = request_user(request)
    return _export(request, person=user, requester=user, back=reverse("accounts:profile"))


def _export(request: HttpRequest, *, person: User, requester: User, back: str) -> HttpResponse:
    audit_services.record(
        actor=requester, action="person.exported", label=services.person_label(person.pk)
    )
    if selectors.person_export_rows(person) > settings.PRIVACY_EXPORT_SYNC_MAX_ROWS:
        services.person_export_later(user=person, requester=requester)
        messages.info(
            request,
            _(
                "That is a lot of data: it is being collected. You get a notification (and an "
                "email) with a download link when it is ready."
            ),
        )
        return redirect(back)
    return _zip_response(selectors.person_export(person), f"readiness-person-{person.pk}.zip")


@login_required
def export_download(request: HttpRequest, token: str) -> HttpResponse:
    """A large export, from the link in the notification (only for who asked for it)."""
    try:
        path = services.export_file_get(token=token, user=request_user(request))
    except NotFound as exc:
        messages.error(request, exc.message)
        return redirect("accounts:profile")
    return _zip_response(path.read_bytes(), "readiness-data.zip")


@login_required
def person_export(request: HttpRequest, user_id: int) -> HttpResponse:
    admin = _admin(request)
    person = get_object_or_404(User, pk=user_id)
    if person.erased_at is not None:
        messages.error(request, _("This person's data was erased: there is nothing to export."))
        return redirect(reverse("admin:accounts_user_change", args=[person.pk]))
    return _export(
        request,
        person=person,
        requester=admin,
        back=reverse("admin:accounts_user_change", args=[person.pk]),
    )


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


@login_required
@require_http_methods(["GET", "POST"])
def candidate_data_link(request: HttpRequest, invitation_id: str) -> HttpResponse:
    """Admins: email a candidate the link to their data (they asked the team for it), after
    a confirmation."""
    admin = _admin(request)
    invitation = get_object_or_404(CandidateInvitation, pk=invitation_id)
    back = reverse("admin:assessments_candidateinvitation_change", args=[invitation.pk])
    if request.method == "GET":
        return render(
            request,
            "core/confirm.html",
            {
                "title": _("Email the candidate a link to their data?"),
                "body": ngettext(
                    "%(email)s gets an email with a link to a ZIP of what Readiness stores "
                    "about them; the link works for %(days)s day.",
                    "%(email)s gets an email with a link to a ZIP of what Readiness stores "
                    "about them; the link works for %(days)s days.",
                    settings.CANDIDATE_DATA_LINK_DAYS,
                )
                % {"email": invitation.email, "days": settings.CANDIDATE_DATA_LINK_DAYS},
                "action": _("Send the link"),
                "cancel_url": back,
                "hidden": {},
            },
        )
    try:
        services.candidate_data_link_send(invitation=invitation, by=admin)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The candidate gets an email with a link to their data."))
    return redirect(back)


def candidate_data(request: HttpRequest, token: str) -> HttpResponse:
    """A candidate's own data, through the signed link they were emailed (no account)."""
    try:
        invitation = services.candidate_data_get(token)
    except NotFound as exc:
        return render(
            request, "assessments/candidate_unusable.html", {"message": exc.message}, status=410
        )
    return _zip_response(selectors.candidate_export(invitation), "readiness-my-data.zip")
