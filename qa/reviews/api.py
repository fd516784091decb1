"""The QA review-source API: sources and their mappings (leads of the source's team and
admins), importing an export, and the signed webhook a QA tool or a script pushes reviews to."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import request_user
from accounts.selectors import team_get_led
from core.api import schema_generation
from core.errors import ValidationFailed
from qa.models import ReviewSource
from qa.reviews import importer as review_importer
from qa.reviews import lines as review_lines
from qa.reviews import selectors as review_selectors
from qa.reviews import sources as review_sources
from qa.reviews import webhook as review_webhook
from qa.reviews.files import MAX_BYTES, read_table
from qa.reviews.serializers import (
    CategoriesInput,
    CategoryOutput,
    ReviewImportInput,
    ReviewProblemOutput,
    ReviewReportOutput,
    SecretOutput,
    SourceCreatedOutput,
    SourceInput,
    SourceOutput,
    WebhookInput,
    WebhookOutput,
)
from skills.models import Skill


def _source_data(source: ReviewSource, *, webhook_secret: str | None = None) -> dict[str, Any]:
    """The source as ``SourceOutput`` renders it; with the secret just made, as
    ``SourceCreatedOutput``."""
    source.webhook_url = reverse("review-source-webhook", args=[source.pk])  # type: ignore[attr-defined]
    if webhook_secret is None:
        return SourceOutput(source).data
    source.webhook_secret = webhook_secret  # type: ignore[attr-defined]
    return SourceCreatedOutput(source).data


class ReviewSourceListApi(ListAPIView):
    """``GET``: the QA tool sources of the teams you lead (all for an admin).
    ``POST``: a new source for a team you lead; the answer holds its webhook secret, once."""

    serializer_class = SourceOutput

    def get_queryset(self) -> QuerySet[Any]:
        if schema_generation(self):
            return ReviewSource.objects.none()
        return review_selectors.review_sources_for(user=request_user(self.request))

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response([_source_data(s) for s in page or []])

    @extend_schema(
        request=SourceInput,
        responses={
            201: SourceCreatedOutput,
            404: OpenApiResponse(description="A team you don't lead."),
        },
    )
    def post(self, request: Request) -> Response:
        data = SourceInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "team" not in values or "name" not in values:
            raise ValidationFailed(
                _("Give the team and a name."),
                field_errors={
                    k: [_("This field is required.")] for k in ("team", "name") if k not in values
                },
            )
        user = request_user(request)
        team = team_get_led(user=user, team_id=values.pop("team"))
        source, secret = review_sources.review_source_create(
            team=team, created_by=user, name=values.pop("name"), **values
        )
        return Response(_source_data(source, webhook_secret=secret), status=201)


class ReviewSourceDetailApi(APIView):
    @extend_schema(responses={200: SourceOutput})
    def get(self, request: Request, source_id: int) -> Response:
        source = review_selectors.review_source_get(user=request_user(request), source_id=source_id)
        return Response(_source_data(source))

    @extend_schema(request=SourceInput, responses={200: SourceOutput})
    def patch(self, request: Request, source_id: int) -> Response:
        source = review_selectors.review_source_get(user=request_user(request), source_id=source_id)
        data = SourceInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("team", None)  # a source stays with its team
        source = review_sources.review_source_update(source=source, **values)
        return Response(_source_data(source))


class ReviewSourceSecretApi(APIView):
    """A new webhook secret for the source; the old one stops working at once."""

    @extend_schema(request=None, responses={200: SecretOutput})
    def post(self, request: Request, source_id: int) -> Response:
        source = review_selectors.review_source_get(user=request_user(request), source_id=source_id)
        secret = review_sources.review_source_secret_rotate(source=source)
        return Response(SecretOutput({"webhook_secret": secret}).data)


class ReviewCategoriesApi(APIView):
    """``GET``: the source's categories (category → skill or ignored, scale, pass mark).
    ``PUT``: create or change the categories named (the others stay)."""

    @extend_schema(responses={200: CategoryOutput(many=True)})
    def get(self, request: Request, source_id: int) -> Response:
        source = review_selectors.review_source_get(user=request_user(request), source_id=source_id)
        categories = review_selectors.review_categories(source=source)
        return Response(CategoryOutput(categories, many=True).data)

    @extend_schema(request=CategoriesInput, responses={200: CategoryOutput(many=True)})
    def put(self, request: Request, source_id: int) -> Response:
        source = review_selectors.review_source_get(user=request_user(request), source_id=source_id)
        data = CategoriesInput(data=request.data)
        data.is_valid(raise_exception=True)
        saved = review_sources.review_categories_save(
            source=source,
            categories=[
                review_sources.CategoryInput(**item) for item in data.validated_data["categories"]
            ],
        )
        return Response(CategoryOutput(saved, many=True).data)


def _report_data(source: ReviewSource, report: review_lines.ReviewReport, **extra: Any) -> Any:
    suggestions = review_importer.category_suggestions(
        source=source, report=report, skills=list(Skill.objects.order_by("position", "name"))
    )
    return {
        "counts": dict(report.counts),
        "created_findings": report.created_findings,
        "created_passes": report.created_passes,
        "notes": report.notes,
        "problems": report.problems,
        "unknown_categories": suggestions,
        "unknown_agents": dict(report.unknown_agents),
        "lines": report.lines,
        **extra,
    }


class ReviewImportApi(APIView):
    """Import a QA tool's review export (CSV or XLSX, long or wide) with the source's mapping.
    With ``dry_run`` only check it; otherwise save the new findings and passes (lines already
    imported are skipped, so importing the same file twice is harmless)."""

    parser_classes = [MultiPartParser]

    @extend_schema(
        request={"multipart/form-data": ReviewImportInput},
        responses={
            200: OpenApiResponse(ReviewReportOutput, description="Checked, or nothing new."),
            201: OpenApiResponse(ReviewReportOutput, description="New lines saved."),
            400: OpenApiResponse(
                ReviewProblemOutput, description="The file is unusable or the mapping misfits."
            ),
        },
    )
    def post(self, request: Request, source_id: int) -> Response:
        user = request_user(request)
        source = review_selectors.review_source_get(user=user, source_id=source_id)
        data = ReviewImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationFailed(
                _("The file is larger than 50 MB."),
                field_errors={"file": [_("The file is larger than 50 MB.")]},
            )
        table = read_table(upload.read(), filename=upload.name, encoding=source.encoding)
        dry_run = data.validated_data["dry_run"]
        report = review_importer.reviews_import(
            source=source, table=table, importer=user, commit=not dry_run
        )
        if report.problems:
            raise ValidationFailed(report.problems[0], extra={"problems": report.problems})
        body = ReviewReportOutput(_report_data(source, report, dry_run=dry_run)).data
        return Response(body, status=201 if report.created else 200)


READ_SIZE = 64 * 1024


def _webhook_body(request: Request) -> bytes:
    """The raw body, at most ``WEBHOOK_MAX_BYTES`` (more: 413 ``too_large``, having read one
    byte past the limit). With a Content-Length, Django reads that many bytes; without one
    (``Transfer-Encoding: chunked``) Django reads nothing, so the body comes from the WSGI
    input itself, which the server de-chunks and ends after the last chunk (gunicorn does;
    with no body at all it is empty at once)."""
    limit = review_webhook.WEBHOOK_MAX_BYTES
    too_large = review_webhook.WebhookRefused(
        _("The body is larger than 2 MB."), status=413, code="too_large"
    )
    length = request.META.get("CONTENT_LENGTH") or ""
    if length:
        if length.isdigit() and int(length) > limit:
            raise too_large
        return request.body
    stream = request.META.get("wsgi.input")
    chunks: list[bytes] = []
    size = 0
    while stream is not None and size <= limit:
        chunk = stream.read(min(READ_SIZE, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise too_large
    return b"".join(chunks)


class ReviewWebhookApi(APIView):
    """Reviews pushed by a QA tool or a script, signed with the source's secret: the header
    ``X-Readiness-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`` and
    ``X-Readiness-Timestamp: <Unix seconds>`` (at most 5 minutes off). The body is
    ``{"rows": [{column: value, …}]}`` with the columns of the source's mapping. A request is
    accepted once: the same signature again is a replay (409). The body may be sent with a
    Content-Length or chunked; over 2 MB it is refused (413) before any check."""

    authentication_classes: list[Any] = []
    permission_classes = [AllowAny]
    parser_classes: list[Any] = []

    @extend_schema(
        request={"application/json": WebhookInput},
        parameters=[
            OpenApiParameter(
                "X-Readiness-Timestamp", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True
            ),
            OpenApiParameter(
                "X-Readiness-Signature", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True
            ),
        ],
        responses={
            200: OpenApiResponse(WebhookOutput, description="Accepted; nothing new."),
            201: OpenApiResponse(WebhookOutput, description="Accepted; new lines saved."),
            401: OpenApiResponse(
                description="Unsigned, badly signed, or stale (`code` says which)."
            ),
            404: OpenApiResponse(description="No such source, or its webhook is off."),
            409: OpenApiResponse(description="A replay of a request already accepted."),
            413: OpenApiResponse(description="A body over 2 MB (`code`: too_large)."),
        },
        auth=[],
    )
    def post(self, request: Request, source_id: int) -> Response:
        source = review_selectors.review_source_for_webhook(source_id=source_id)
        report = review_webhook.webhook_receive(
            source=source,
            body=_webhook_body(request),
            timestamp=request.headers.get("X-Readiness-Timestamp", "").strip(),
            signature=request.headers.get("X-Readiness-Signature", "").strip(),
        )
        body = WebhookOutput(
            {
                "counts": dict(report.counts),
                "created_findings": report.created_findings,
                "created_passes": report.created_passes,
                "unknown_categories": sorted(report.unknown_categories),
                "unknown_agents": dict(report.unknown_agents),
                "lines": [ln for ln in report.lines if ln.outcome in ("error", "unknown")],
            }
        ).data
        return Response(body, status=status.HTTP_201_CREATED if report.created else 200)
