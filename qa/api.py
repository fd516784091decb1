"""The QA API: findings (record, list, CSV import) and training suggestions."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import request_user
from core.api import schema_generation
from core.errors import ValidationFailed
from core.ids import parse_id
from core.parsers import JSONParser
from qa import selectors, services
from qa.models import QAFinding, TrainingSuggestion
from qa.reviews import findings_csv
from qa.serializers import (
    FindingConflictOutput,
    FindingInput,
    FindingOutput,
    ImportInput,
    ImportOutput,
    ImportProblemOutput,
    SuggestionAcceptedOutput,
    SuggestionOutput,
)


class FindingListApi(ListAPIView):
    """``GET``: findings you may see (yours; a lead's teams; all for an admin).
    ``POST``: record one on an agent of a team you lead."""

    serializer_class = FindingOutput

    @extend_schema(parameters=[OpenApiParameter("agent", int), OpenApiParameter("skill", str)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        if schema_generation(self):
            return QAFinding.objects.none()
        findings = selectors.findings_visible_to(user=request_user(self.request))
        params = self.request.query_params
        if params.get("agent"):
            findings = findings.filter(agent_id=parse_id(params["agent"], _("Agent not found.")))
        if params.get("skill"):
            # No slug contains NUL, and PostgreSQL refuses it in a query (that was a 500).
            skill = params["skill"]
            findings = (
                findings.filter(skill__slug=skill) if "\x00" not in skill else findings.none()
            )
        return findings

    @extend_schema(
        request=FindingInput,
        responses={
            201: FindingOutput,
            404: OpenApiResponse(description="An agent outside your teams."),
            409: OpenApiResponse(FindingConflictOutput, description="Already recorded (its `id`)."),
        },
    )
    def post(self, request: Request) -> Response:
        data = FindingInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        reviewer = request_user(request)
        finding = services.finding_record(
            reviewer=reviewer,
            agent=selectors.agent_get(reviewer=reviewer, agent_id=values["agent"]),
            interaction_ref=values["interaction_ref"],
            criterion=values["criterion"],
            skill=values["skill"],
            severity=values["severity"],
            note=values.get("note", ""),
            occurred_at=values.get("occurred_at"),
            source=QAFinding.Source.API,
        )
        return Response(FindingOutput(finding).data, status=status.HTTP_201_CREATED)


class FindingImportApi(APIView):
    """Import a QA tool's CSV export. With ``dry_run``, only check it and report each row;
    otherwise save the valid new rows (rows already recorded are skipped)."""

    # The CSV as a multipart file upload, or as text in JSON.
    parser_classes = [MultiPartParser, JSONParser]

    @extend_schema(
        request=ImportInput,
        responses={
            200: OpenApiResponse(ImportOutput, description="Checked (`dry_run`), nothing new."),
            201: OpenApiResponse(ImportOutput, description="New rows saved."),
            400: OpenApiResponse(
                ImportProblemOutput,
                description="No file, or the file itself is unusable (`problems`).",
            ),
        },
    )
    def post(self, request: Request) -> Response:
        data = ImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data.get("file")
        content: str | bytes = (
            upload.read(findings_csv.MAX_BYTES + 1)
            if upload
            else data.validated_data.get("csv", "")
        )
        if not content:
            raise ValidationFailed(
                _("Send a CSV file or text."), field_errors={"file": [_("Send a CSV file.")]}
            )
        dry_run = data.validated_data["dry_run"]
        report = findings_csv.findings_import(
            reviewer=request_user(request), content=content, commit=not dry_run
        )
        body = ImportOutput(
            {
                "dry_run": dry_run,
                "valid": report.valid,
                "duplicates": report.duplicates,
                "invalid": report.invalid,
                "created": report.created,
                "problems": report.problems,
                "notes": report.notes,
                "rows": [
                    {"line": r.line, "ok": r.ok, "duplicate": r.duplicate, "errors": r.errors}
                    for r in report.rows
                ],
            }
        ).data
        if report.problems:
            raise ValidationFailed(report.problems[0], extra=body)
        return Response(
            body, status=status.HTTP_201_CREATED if report.created else status.HTTP_200_OK
        )


class SuggestionListApi(ListAPIView):
    """Pending training suggestions for the agents of the teams you lead (``?team=``)."""

    serializer_class = SuggestionOutput

    @extend_schema(parameters=[OpenApiParameter("team", int)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        if schema_generation(self):
            return TrainingSuggestion.objects.none()
        return selectors.suggestions_for(
            lead=request_user(self.request), team_id=self.request.query_params.get("team")
        )


class SuggestionAcceptApi(APIView):
    @extend_schema(
        request=None,
        responses={
            200: SuggestionAcceptedOutput,
            409: OpenApiResponse(description="Already accepted or dismissed."),
        },
    )
    def post(self, request: Request, suggestion_id: int) -> Response:
        lead = request_user(request)
        suggestion = selectors.suggestion_get(lead=lead, suggestion_id=suggestion_id)
        outcome = services.suggestion_accept_outcome(suggestion=suggestion, lead=lead)
        return Response(
            {
                **SuggestionOutput(outcome.suggestion).data,
                "assignment_created": outcome.assignment_created,
                "detail": outcome.message,
            }
        )


class SuggestionDismissApi(APIView):
    @extend_schema(
        request=None,
        responses={
            200: SuggestionOutput,
            409: OpenApiResponse(description="Already accepted or dismissed."),
        },
    )
    def post(self, request: Request, suggestion_id: int) -> Response:
        lead = request_user(request)
        suggestion = selectors.suggestion_get(lead=lead, suggestion_id=suggestion_id)
        suggestion = services.suggestion_dismiss(suggestion=suggestion, lead=lead)
        return Response(SuggestionOutput(suggestion).data)
