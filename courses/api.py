"""Training API: skills, SOPs and acknowledgements, modules and progress, assignments."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import request_user
from core.api import schema_generation
from core.errors import NotFound, ValidationFailed
from courses import selectors, services
from courses.models import SOP, Assignment, Module
from courses.serializers import (
    AcknowledgeInput,
    AcknowledgementOutput,
    AssignInput,
    AssignmentOutput,
    AssignResultOutput,
    ModuleDetailOutput,
    ModuleListOutput,
    SOPDetailOutput,
    SOPListOutput,
)


class SOPListApi(ListAPIView):
    """Published SOPs with the current version and the caller's latest acknowledged version."""

    serializer_class = SOPListOutput

    def get_queryset(self) -> QuerySet[Any]:
        if schema_generation(self):
            return SOP.objects.none()
        return selectors.sops_list(user=request_user(self.request))


class SOPDetailApi(APIView):
    @extend_schema(responses=SOPDetailOutput)
    def get(self, request: Request, sop_id: int) -> Response:
        user = request_user(request)
        sop = selectors.sop_get(pk=sop_id)
        versions = selectors.sop_versions(sop=sop)
        last = selectors.sop_last_acknowledged(user=user, sop=sop)
        data = {
            "id": sop.pk,
            "slug": sop.slug,
            "title": sop.title,
            "current_version": versions[0],
            "body_html": versions[0].body_html,
            "versions": versions,
            "acknowledged_version": last.sop_version.number if last else None,
        }
        return Response(SOPDetailOutput(data).data)


class SOPAcknowledgeApi(APIView):
    @extend_schema(
        request=AcknowledgeInput,
        responses={
            201: AcknowledgementOutput,
            200: OpenApiResponse(AcknowledgementOutput, description="Already acknowledged."),
        },
    )
    def post(self, request: Request, sop_id: int) -> Response:
        data = AcknowledgeInput(data=request.data)
        data.is_valid(raise_exception=True)
        sop = selectors.sop_get(pk=sop_id)
        version_id = data.validated_data.get("version")
        version = (
            selectors.sop_versions(sop=sop)[0]
            if version_id is None
            else selectors.sop_version_by_id(sop=sop, version_id=version_id)
        )
        ack, created = services.sop_acknowledge(user=request_user(request), version=version)
        return Response(
            AcknowledgementOutput(ack).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ModuleListApi(ListAPIView):
    serializer_class = ModuleListOutput

    def get_queryset(self) -> QuerySet[Any]:
        if schema_generation(self):
            return Module.objects.none()
        return selectors.modules_list(user=request_user(self.request))


def _module_detail(request: Request, module_id: int) -> dict[str, Any]:
    user = request_user(request)
    module = selectors.module_get(user=user, pk=module_id)
    lessons = selectors.module_lessons(user=user, module=module)
    for number, lesson in enumerate(lessons, start=1):
        lesson.number = number  # type: ignore[attr-defined]
    module.lesson_items = lessons  # type: ignore[attr-defined]
    return ModuleDetailOutput(module).data


class ModuleDetailApi(APIView):
    @extend_schema(responses=ModuleDetailOutput)
    def get(self, request: Request, module_id: int) -> Response:
        return Response(_module_detail(request, module_id))


class LessonCompleteApi(APIView):
    """Mark a lesson as read by the caller (repeating is harmless)."""

    @extend_schema(request=None, responses=ModuleDetailOutput)
    def post(self, request: Request, module_id: int, lesson_id: int) -> Response:
        user = request_user(request)
        module = selectors.module_get(user=user, pk=module_id)
        lesson = next((x for x in module.lessons.all() if x.pk == lesson_id), None)
        if lesson is None:
            raise NotFound(_("Lesson not found."))
        services.lesson_complete(user=user, lesson=lesson)
        return Response(_module_detail(request, module_id))


class ModuleCompleteApi(APIView):
    """Complete a module once every lesson is read; 409 says what is missing."""

    @extend_schema(
        request=None,
        responses={
            200: ModuleDetailOutput,
            409: OpenApiResponse(description="Lessons are still unread."),
        },
    )
    def post(self, request: Request, module_id: int) -> Response:
        user = request_user(request)
        module = selectors.module_get(user=user, pk=module_id)
        services.module_complete(user=user, module=module)
        return Response(_module_detail(request, module_id))


def _with_progress(assignment: Assignment) -> Assignment:
    assignment.progress = selectors.assignment_progress(assignment)  # type: ignore[attr-defined]
    return assignment


class AssignmentListApi(ListAPIView):
    """The caller's assignments; a lead adds ``?team=<id>`` (or ``?user=<id>``) for their team's."""

    serializer_class = AssignmentOutput

    @extend_schema(
        responses={
            200: AssignmentOutput(many=True),
            400: OpenApiResponse(description="An unknown `status`."),
        },
        parameters=[
            OpenApiParameter("team", int, description="A team you lead: its members' assignments."),
            OpenApiParameter(
                "user", int, description="One person's assignments (yours or your team's)."
            ),
            OpenApiParameter("status", str, enum=Assignment.Status.values),
        ],
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Any]:
        if schema_generation(self):
            return Assignment.objects.none()
        user = request_user(self.request)
        params = self.request.query_params
        status_filter = params.get("status")
        if status_filter and status_filter not in Assignment.Status.values:
            raise ValidationFailed(
                "Unknown status.",
                field_errors={"status": [f"Choose one of: {', '.join(Assignment.Status.values)}."]},
            )
        if params.get("team"):
            assignments = selectors.team_assignments(
                lead=user, team_id=params["team"], user_id=params.get("user"), status=status_filter
            )
        elif params.get("user"):
            assignments = selectors.assignments_of_visible_user(viewer=user, user_id=params["user"])
        else:
            assignments = selectors.assignments_of(user=user)
        if status_filter and not params.get("team"):
            assignments = assignments.filter(status=status_filter)
        return assignments.order_by("status", *selectors.DUE_ORDER)

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        return [_with_progress(a) for a in page] if page is not None else None

    @extend_schema(
        request=AssignInput,
        responses={
            201: AssignResultOutput(many=True),
            200: OpenApiResponse(
                AssignResultOutput(many=True), description="Everyone already had it open."
            ),
            404: OpenApiResponse(
                description="Someone outside your teams, or an unknown module, SOP or quiz."
            ),
        },
    )
    def post(self, request: Request) -> Response:
        """A lead assigns a module or SOP to people in their teams (404 for anyone else)."""
        lead = request_user(request)
        data = AssignInput(data=request.data, context={"user": lead})
        data.is_valid(raise_exception=True)
        values = data.validated_data
        results = services.assignments_assign(
            assigned_by=lead,
            users=selectors.assignees_get(
                lead=lead, user_ids=values.get("users") or [values["user"]]
            ),
            target=selectors.assignment_target_get(
                module_id=values.get("module"), sop_id=values.get("sop"), quiz_id=values.get("quiz")
            ),
            due_on=values.get("due_on"),
            reason=values.get("reason", ""),
        )
        for assignment, created in results:
            _with_progress(assignment).created = created  # type: ignore[attr-defined]
        body = AssignResultOutput([a for a, _created in results], many=True).data
        any_created = any(created for _a, created in results)
        return Response(body, status=status.HTTP_201_CREATED if any_created else status.HTTP_200_OK)


class AssignmentDetailApi(APIView):
    @extend_schema(responses=AssignmentOutput)
    def get(self, request: Request, assignment_id: int) -> Response:
        assignment = selectors.assignment_get_visible(
            user=request_user(request), assignment_id=assignment_id
        )
        return Response(AssignmentOutput(_with_progress(assignment)).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, assignment_id: int) -> Response:
        """A lead cancels an open assignment of someone in their team."""
        assignment = selectors.assignment_get_managed(
            user=request_user(request), assignment_id=assignment_id
        )
        services.assignment_cancel(assignment=assignment)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AssignmentCompleteApi(APIView):
    """The assignee completes an assignment: the module's lessons must be read (or its quiz
    passed); an SOP is acknowledged in its current version. 409 says what is missing."""

    @extend_schema(
        request=None,
        responses={
            200: AssignmentOutput,
            409: OpenApiResponse(description="Not done yet, or no longer open."),
        },
    )
    def post(self, request: Request, assignment_id: int) -> Response:
        user = request_user(request)
        assignment = selectors.assignment_get_visible(user=user, assignment_id=assignment_id)
        assignment = services.assignment_complete(assignment=assignment, user=user)
        refreshed = selectors.assignment_get_visible(user=user, assignment_id=assignment.pk)
        return Response(AssignmentOutput(_with_progress(refreshed)).data)


# --- onboarding -------------------------------------------------------------------------------


# --- notifications ----------------------------------------------------------------------------
