"""The onboarding API: plans, ticking a step, a lead's sign-off."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.http import request_user
from core.api import schema_generation
from core.errors import NotFound
from core.ids import parse_id
from onboarding import selectors, services
from onboarding.models import OnboardingPlan, PlanItem
from onboarding.serializers import PlanDetailOutput, PlanOutput, SignOffInput


def _plan_detail(request: Request, plan_id: Any) -> dict[str, Any]:
    plan = selectors.onboarding_plan_get_visible(user=request_user(request), plan_id=plan_id)
    plan.item_list = [i for _phase, items in selectors.plan_view(plan).phases for i in items]  # type: ignore[attr-defined]
    return PlanDetailOutput(plan).data


def _plan_item(plan_id: Any, item_id: Any) -> PlanItem:
    item = selectors.plan_item_get(item_id=item_id)
    if item.plan_id != parse_id(plan_id, "Plan not found."):
        raise NotFound("Item not found.")
    return item


class OnboardingPlanListApi(ListAPIView):
    """Your plans; a lead also sees the plans of everyone in the teams they lead."""

    serializer_class = PlanOutput

    def get_queryset(self) -> QuerySet[Any]:
        if schema_generation(self):
            return OnboardingPlan.objects.none()
        return selectors.onboarding_plans_visible_to(user=request_user(self.request))


class OnboardingPlanDetailApi(APIView):
    @extend_schema(responses=PlanDetailOutput)
    def get(self, request: Request, plan_id: int) -> Response:
        return Response(_plan_detail(request, plan_id))


class PlanItemCompleteApi(APIView):
    """The new hire ticks a task (sign-offs and automatic steps answer 409)."""

    @extend_schema(
        request=None,
        responses={
            200: PlanDetailOutput,
            409: OpenApiResponse(description="A sign-off or an automatic step."),
        },
    )
    def post(self, request: Request, plan_id: int, item_id: int) -> Response:
        item = _plan_item(plan_id, item_id)
        services.plan_item_tick(item=item, user=request_user(request))
        return Response(_plan_detail(request, plan_id))


class PlanItemSignOffApi(APIView):
    """A lead of the new hire's team signs off a step, with an optional comment."""

    @extend_schema(
        request=SignOffInput,
        responses={
            200: PlanDetailOutput,
            409: OpenApiResponse(description="Not a sign-off step."),
        },
    )
    def post(self, request: Request, plan_id: int, item_id: int) -> Response:
        data = SignOffInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = _plan_item(plan_id, item_id)
        services.plan_item_sign_off(
            item=item, lead=request_user(request), comment=data.validated_data.get("comment", "")
        )
        return Response(_plan_detail(request, plan_id))
