"""The readiness API: criteria (read), a person's readiness, a lead's team board, decisions
(record, list, read, withdraw). Who sees what is the pages' rule: yourself, the people of the
teams you lead, everyone for an admin; anything else is 404."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import request_user
from core.errors import ValidationFailed
from courses.models import Module
from readiness import evaluation, presenters, selectors, services
from readiness.models import Decision
from readiness.serializers import (
    BoardOutput,
    CriteriaOutput,
    DecisionInput,
    DecisionOutput,
    PersonReadinessOutput,
    RevokeInput,
)

NOT_FOUND = OpenApiResponse(description="Not found, or not yours to see.")


class CriteriaListApi(APIView):
    """Every role's readiness criteria in their current version."""

    @extend_schema(responses=CriteriaOutput(many=True))
    def get(self, request: Request) -> Response:
        criteria = list(selectors.criteria_list())
        versions = evaluation.current_versions(criteria)
        body = [presenters.criteria_dict(c, versions.get(c.pk)) for c in criteria]
        return Response(CriteriaOutput(body, many=True).data)


class PersonReadinessApi(APIView):
    """A person's readiness for each role they work towards: the verdict overall and per
    criterion, the evidence, what is missing and when it could be met."""

    @extend_schema(responses={200: PersonReadinessOutput, 404: NOT_FOUND})
    def get(self, request: Request, user_id: int) -> Response:
        viewer = request_user(request)
        person = selectors.person_get_visible(viewer=viewer, user_id=user_id)
        now = timezone.now()
        rows = selectors.person_readiness(person=person, now=now)
        body = {
            "person": presenters.person_brief(person),
            "roles": [presenters.role_dict(row, now) for row in rows],
        }
        return Response(PersonReadinessOutput(body).data)


class TeamBoardApi(APIView):
    """A lead's team: every member against each role they work towards, with the state
    (``ready_undecided``, ``regressed`` …), what blocks them and their last decision."""

    @extend_schema(responses={200: BoardOutput, 404: NOT_FOUND})
    def get(self, request: Request, team_id: int) -> Response:
        now = timezone.now()
        team, rows = selectors.team_board(lead=request_user(request), team_id=team_id, now=now)
        return Response(BoardOutput(presenters.board_dict(team.pk, rows, now)).data)


class DecisionListApi(ListAPIView):
    """Decisions about one person (``?person=``), newest first, a page at a time; recording
    one freezes every criterion's verdict and evidence. "ready" with criteria not met needs
    ``override`` and a ``reason``; "not_yet" needs a ``reason``."""

    serializer_class = DecisionOutput

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):  # the schema generator
            return Decision.objects.none()
        person = selectors.person_get_visible(
            viewer=request_user(self.request),
            user_id=self.request.query_params.get("person", ""),
        )
        return selectors.person_decisions(person=person).select_related("person")

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)
        return presenters.decision_dicts(page) if page is not None else None

    @extend_schema(
        parameters=[OpenApiParameter("person", int, required=True)],
        responses={200: DecisionOutput(many=True), 404: NOT_FOUND},
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request=DecisionInput,
        responses={
            201: DecisionOutput,
            400: OpenApiResponse(description="Not every criterion met without an override …"),
            404: NOT_FOUND,
        },
        examples=[
            OpenApiExample(
                "Ready",
                value={"person": 7, "criteria": 2, "outcome": "ready", "reason": ""},
                request_only=True,
            ),
            OpenApiExample(
                "Not yet, with training",
                value={
                    "person": 7,
                    "criteria": 2,
                    "outcome": "not_yet",
                    "reason": "Escalations: two critical findings this month.",
                    "assign_module": 3,
                    "due_on": "2026-12-18",
                },
                request_only=True,
            ),
        ],
    )
    def post(self, request: Request) -> Response:
        data = DecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        viewer = request_user(request)
        values = data.validated_data
        person = selectors.person_get_decidable(viewer=viewer, user_id=values["person"])
        criteria = selectors.criteria_get_for(person=person, criteria_id=values["criteria"])
        module = None
        if values.get("assign_module"):
            module = Module.objects.filter(pk=values["assign_module"], is_published=True).first()
            if module is None:
                message = _("Module not found.")
                raise ValidationFailed(message, field_errors={"assign_module": [message]})
        decision = services.decision_record(
            person=person,
            criteria=criteria,
            outcome=values["outcome"],
            by=viewer,
            reason=values["reason"],
            plan=values["plan"],
            override=values["override"],
            assign_module=module,
            due_on=values.get("due_on"),
        )
        decision = selectors.decision_get_visible(viewer=viewer, decision_id=decision.pk)
        return Response(DecisionOutput(presenters.decision_dict(decision)).data, status=201)


class DecisionDetailApi(APIView):
    """One decision with the evidence as it was when it was recorded."""

    @extend_schema(responses={200: DecisionOutput, 404: NOT_FOUND})
    def get(self, request: Request, decision_id: int) -> Response:
        decision = selectors.decision_get_visible(
            viewer=request_user(request), decision_id=decision_id
        )
        return Response(DecisionOutput(presenters.decision_dict(decision)).data)


class DecisionRevokeApi(APIView):
    """Withdraw a decision (the newest of its person and role): a new record with a reason."""

    @extend_schema(
        request=RevokeInput,
        responses={
            201: DecisionOutput,
            404: NOT_FOUND,
            409: OpenApiResponse(description="Not the newest decision, or already withdrawn."),
        },
    )
    def post(self, request: Request, decision_id: int) -> Response:
        data = RevokeInput(data=request.data)
        data.is_valid(raise_exception=True)
        viewer = request_user(request)
        decision = selectors.decision_get_visible(viewer=viewer, decision_id=decision_id)
        selectors.person_get_decidable(viewer=viewer, user_id=decision.person_id)
        revocation = services.decision_revoke(
            decision=decision, by=viewer, reason=data.validated_data["reason"]
        )
        revocation = selectors.decision_get_visible(viewer=viewer, decision_id=revocation.pk)
        return Response(DecisionOutput(presenters.decision_dict(revocation)).data, status=201)
