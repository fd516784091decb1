"""The skills API: the catalogue, a team's skill gaps, a person's profile, the org report."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import request_user
from accounts.selectors import user_is_admin
from core.errors import NotFound, ValidationFailed
from core.pagination import Pagination
from skills import selectors
from skills.serializers import (
    OrgSkillReportOutput,
    SkillOutput,
    SkillProfileOutput,
    TeamSkillGapsOutput,
)


class SkillListApi(ListAPIView):
    serializer_class = SkillOutput

    def get_queryset(self) -> QuerySet[Any]:
        return selectors.skills_list()


class TeamSkillGapsApi(APIView):
    @extend_schema(
        responses={
            200: TeamSkillGapsOutput,
            400: OpenApiResponse(description="`min_gap` is not a number."),
        },
        parameters=[
            OpenApiParameter("skill", str, description="Only this skill (slug)."),
            OpenApiParameter("min_gap", float, description="Only members with a gap this big."),
        ],
    )
    def get(self, request: Request, team_id: int) -> Response:
        """Members × skills against each member's role profile, biggest gaps first. Only for
        the team's leads and admins (404 for everyone else)."""
        min_gap = request.query_params.get("min_gap") or ""
        try:
            min_gap_value = float(min_gap) if min_gap else None
        except ValueError as exc:
            raise ValidationFailed(
                "min_gap must be a number.", field_errors={"min_gap": ["Give a number, e.g. 0.2."]}
            ) from exc
        gaps = selectors.team_skill_gaps(
            lead=request_user(request),
            team_id=team_id,
            skill=request.query_params.get("skill") or None,
            min_gap=min_gap_value,
        )
        # already in the schema's shape and rounded (TeamGaps.as_dict; a test holds them equal):
        # the serializer, run over every cell, was a sixth of the endpoint's time
        return Response(gaps.as_dict())


class SkillProfileApi(APIView):
    @extend_schema(responses=SkillProfileOutput)
    def get(self, request: Request, user_id: int) -> Response:
        """Each skill's level, confidence, target and gap, and the evidence behind them."""
        user = selectors.user_get_profile_visible(viewer=request_user(request), user_id=user_id)
        return Response(SkillProfileOutput(selectors.user_skill_profile(user=user)).data)


class OrgSkillReportApi(APIView):
    @extend_schema(
        responses={200: OrgSkillReportOutput, 404: OpenApiResponse(description="Not an admin.")},
        parameters=[
            OpenApiParameter("page", int, description="A page number within the people."),
            OpenApiParameter("page_size", int, description="People per page (at most 200)."),
        ],
    )
    def get(self, request: Request) -> Response:
        """Admins: per-skill figures across the organisation and one row per person, paged."""
        if not user_is_admin(request_user(request)):
            raise NotFound(_("Not found."))
        paginator = Pagination()
        people = paginator.paginate_queryset(selectors.org_people(), request, view=self) or []
        report = selectors.org_skill_report(people=list(people))
        body = OrgSkillReportOutput(
            paginator.page_envelope(
                [
                    {
                        "user": user.pk,
                        "name": user.name,
                        "role_profile": profile,
                        "skills": [c.as_dict() for c in cells],
                    }
                    for user, profile, cells in report.rows
                ],
                skills=[{**row, "skill": row["skill"].slug} for row in report.skills],
            )
        ).data
        return Response(body)
