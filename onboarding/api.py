"""The onboarding API: plans, ticking a step, a lead's sign-off."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import ListAPIView
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.calendar import local_today
from accounts.http import request_user
from core.api import schema_generation
from core.errors import Conflict, NotFound
from core.ids import parse_id
from onboarding import selectors, services
from onboarding.models import ItemKind, OnboardingPlan, PlanItem
from onboarding.serializers import (
    PlanDetailOutput,
    PlanOutput,
    SignOffInput,
    SignOffOpenStepsOutput,
)


def _plan_detail(request: Request, plan_id: Any) -> dict[str, Any]:
    plan = selectors.onboarding_plan_get_visible(user=request_user(request), plan_id=plan_id)
    plan.item_list = [i for _phase, items in selectors.plan_view(plan).phases for i in items]  # type: ignore[attr-defined]
    return PlanDetailOutput(plan).data


def _plan_item(plan_id: Any, item_id: Any) -> PlanItem:
    item = selectors.plan_item_get(item_id=item_id)
    if item.plan_id != parse_id(plan_id, _("Plan not found.")):
        raise NotFound(_("Item not found."))
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


def _refuse_with_open_steps(item: PlanItem, lead: Any) -> None:
    """As the page asks first, the API refuses to sign off while other steps of the plan are
    open unless the request says ``"confirm": true``: 409 listing the open steps."""
    if item.kind != ItemKind.LEAD_SIGNOFF or item.status != PlanItem.Status.OPEN:
        return
    if not selectors.plan_item_sign_off_allowed(item=item, lead=lead):
        raise NotFound(_("Item not found."))
    still_open = selectors.plan_open_steps_besides(item=item, viewer=lead)
    if not still_open.count:
        return
    today = local_today(lead)
    raise Conflict(
        ngettext(
            '%(n)d other step of this plan is still open. Send "confirm": true to sign off anyway.',
            '%(n)d other steps of this plan are still open. Send "confirm": true to sign off '
            "anyway.",
            still_open.count,
        )
        % {"n": still_open.count},
        code="open_steps",
        extra={
            "open_count": still_open.count,
            "overdue_count": still_open.overdue,
            "open_steps": [
                {
                    "id": step.pk,
                    "title": step.title,
                    "due_on": step.due_on.isoformat() if step.due_on else None,
                    "overdue": bool(step.due_on and step.due_on < today),
                }
                for step in still_open.items
            ],
        },
    )


class PlanItemSignOffApi(APIView):
    """A lead of the new hire's team signs off a step, with an optional comment. While other
    steps of the plan are open it answers 409 with them, unless ``confirm`` is true."""

    @extend_schema(
        request=SignOffInput,
        responses={
            200: PlanDetailOutput,
            409: OpenApiResponse(
                response=SignOffOpenStepsOutput,
                description="Other steps are still open (code `open_steps`; resend with "
                "`confirm: true`), or not a sign-off step (code `conflict`).",
            ),
        },
    )
    def post(self, request: Request, plan_id: int, item_id: int) -> Response:
        data = SignOffInput(data=request.data)
        data.is_valid(raise_exception=True)
        item = _plan_item(plan_id, item_id)
        lead = request_user(request)
        if not data.validated_data.get("confirm"):
            _refuse_with_open_steps(item, lead)
        services.plan_item_sign_off(
            item=item, lead=lead, comment=data.validated_data.get("comment", "")
        )
        return Response(_plan_detail(request, plan_id))
