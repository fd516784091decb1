"""Personal data for admins: a person's or a candidate's export (a ZIP) and erasure. Everyone
else gets 404, as for the other admin-only endpoints (docs/privacy.md)."""

from __future__ import annotations

from dataclasses import asdict

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import request_user
from accounts.models import User
from accounts.selectors import user_is_admin
from assessments.models import CandidateInvitation
from audit import services as audit_services
from core.errors import Conflict, NotFound
from privacy import selectors, services
from privacy.serializers import ErasureOutput

NOT_ADMIN = OpenApiResponse(description="Not an admin, or no such person.")
ZIP = OpenApiResponse(
    OpenApiTypes.BINARY, description="A ZIP: data.json, a CSV per kind, README.txt."
)


def _admin(request: Request) -> User:
    user = request_user(request)
    if not user_is_admin(user):
        raise NotFound(_("Not found."))
    return user


def _zip(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class PersonExportApi(APIView):
    @extend_schema(
        responses={
            (200, "application/zip"): ZIP,
            202: OpenApiResponse(
                description="Past PRIVACY_EXPORT_SYNC_MAX_ROWS rows: built by Celery; the "
                "caller gets a notification with a download link."
            ),
            404: OpenApiResponse(description="Not an admin, or no such person."),
            409: OpenApiResponse(description="The person was erased."),
        }
    )
    def get(self, request: Request, user_id: int) -> HttpResponse | Response:
        """Admins: everything stored about a member, as a ZIP."""
        admin = _admin(request)
        person = get_object_or_404(User, pk=user_id)
        if person.erased_at is not None:
            raise Conflict(_("This person's data was erased: there is nothing to export."))
        audit_services.record(
            actor=admin, action="person.exported", label=services.person_label(person.pk)
        )
        if selectors.person_export_rows(person) > settings.PRIVACY_EXPORT_SYNC_MAX_ROWS:
            services.person_export_later(user=person, requester=admin)
            return Response(
                {
                    "detail": _(
                        "That is a lot of data: it is being collected. You get a notification "
                        "(and an email) with a download link when it is ready."
                    )
                },
                status=202,
            )
        return _zip(selectors.person_export(person), f"readiness-person-{person.pk}.zip")


class PersonEraseApi(APIView):
    @extend_schema(
        request=None,
        responses={
            200: ErasureOutput,
            404: NOT_ADMIN,
            409: OpenApiResponse(
                description="Already erased, a quiz in progress, or yourself: nothing changed."
            ),
        },
    )
    def post(self, request: Request, user_id: int) -> Response:
        """Admins: erase a member's personal data (docs/privacy.md)."""
        admin = _admin(request)
        person = get_object_or_404(User, pk=user_id)
        done = services.person_erase(user=person, by=admin)
        return Response(ErasureOutput(asdict(done)).data)


class CandidateExportApi(APIView):
    @extend_schema(responses={(200, "application/zip"): ZIP, 404: NOT_ADMIN})
    def get(self, request: Request, invitation_id: str) -> HttpResponse:
        """Admins: everything stored about a candidate, as a ZIP."""
        _admin(request)
        invitation = get_object_or_404(CandidateInvitation, pk=invitation_id)
        return _zip(
            selectors.candidate_export(invitation), f"readiness-candidate-{invitation.pk}.zip"
        )


class CandidateEraseApi(APIView):
    @extend_schema(
        request=None,
        responses={
            200: ErasureOutput,
            404: NOT_ADMIN,
            409: OpenApiResponse(description="Already erased, or the quiz is open."),
        },
    )
    def post(self, request: Request, invitation_id: str) -> Response:
        """Admins: erase a candidate's name and email (the attempt stays, anonymous)."""
        admin = _admin(request)
        invitation = get_object_or_404(CandidateInvitation, pk=invitation_id)
        done = services.candidate_erase(invitation=invitation, by=admin)
        return Response(ErasureOutput(asdict(done)).data)
