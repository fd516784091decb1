"""Reads of onboarding: plans by phase, who sees which plan, and the sign-offs a lead owes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db.models import (
    Count,
    Q,
    QuerySet,
)
from django.utils.translation import gettext_lazy as _

from accounts.calendar import local_today
from accounts.models import User
from accounts.selectors import user_is_admin, users_led_by
from core.errors import NotFound
from core.ids import parse_id
from core.types import RawId
from courses.selectors import DUE_ORDER
from onboarding.models import ItemKind, OnboardingPlan, PlanItem


@dataclass
class PlanView:
    plan: OnboardingPlan
    phases: list[tuple[str, list[PlanItem]]]
    done: int
    total: int
    next_item: PlanItem | None
    overdue: int = 0

    @property
    def open(self) -> int:
        return self.total - self.done

    @property
    def progress(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def _plan_items(plan: OnboardingPlan) -> list[PlanItem]:
    return list(
        plan.items.select_related("sop", "module", "quiz", "completed_by").order_by(
            "due_offset_days", "position", "pk"
        )
    )


def plan_view(plan: OnboardingPlan) -> PlanView:
    """A plan grouped week by week, with progress and the next step to take."""
    items = _plan_items(plan)
    phases: dict[str, list[PlanItem]] = {}
    for item in items:
        phases.setdefault(item.phase, []).append(item)
    today = local_today(plan.user)
    open_items = [i for i in items if i.status == PlanItem.Status.OPEN and i.is_available]
    # The next step is the first the new hire can act on; sign-offs wait for the lead.
    actionable = [i for i in open_items if i.kind != ItemKind.LEAD_SIGNOFF] or open_items
    return PlanView(
        plan=plan,
        phases=list(phases.items()),
        done=sum(1 for i in items if i.status == PlanItem.Status.DONE),
        total=len(items),
        next_item=actionable[0] if actionable else None,
        overdue=sum(
            1
            for i in items
            if i.status == PlanItem.Status.OPEN and i.due_on is not None and i.due_on < today
        ),
    )


def onboarding_plans_of(*, user: User) -> QuerySet[OnboardingPlan]:
    return (
        OnboardingPlan.objects.filter(user=user)
        .select_related("user")
        .order_by("completed_at", "-start_date")
    )


def onboarding_plans_visible_to(*, user: User) -> QuerySet[OnboardingPlan]:
    """Own plans, plus plans of people in the teams the caller leads (all for an admin).
    ``overdue`` counts open steps whose due day is over on the caller's calendar."""
    plans = OnboardingPlan.objects.all()
    if not user_is_admin(user):
        plans = plans.filter(Q(user=user) | Q(user__in=users_led_by(user).values("pk")))
    today = local_today(user)
    return (
        plans.select_related("user", "template")
        .annotate(
            total=Count("items"),
            done=Count("items", filter=Q(items__status=PlanItem.Status.DONE)),
            overdue=Count(
                "items", filter=Q(items__status=PlanItem.Status.OPEN, items__due_on__lt=today)
            ),
            waiting_signoff=Count(
                "items",
                filter=Q(items__status=PlanItem.Status.OPEN, items__kind=ItemKind.LEAD_SIGNOFF),
            ),
        )
        .order_by("completed_at", "-start_date", "user__name")
    )


def onboarding_plan_get_visible(*, user: User, plan_id: RawId) -> OnboardingPlan:
    plan = (
        onboarding_plans_visible_to(user=user)
        .filter(pk=parse_id(plan_id, str(_("Plan not found."))))
        .first()
    )
    if plan is None:
        raise NotFound(str(_("Plan not found.")))
    return plan


def team_onboarding(*, lead: User) -> QuerySet[OnboardingPlan]:
    """Plans of people the lead manages (not the lead's own), open ones first."""
    return onboarding_plans_visible_to(user=lead).exclude(user=lead)


def signoffs_waiting_for(*, lead: User) -> QuerySet[PlanItem]:
    """Open sign-off steps of the people the lead manages, soonest first."""
    managed = users_led_by(lead).exclude(pk=lead.pk).values("pk")
    return (
        PlanItem.objects.filter(
            status=PlanItem.Status.OPEN, kind=ItemKind.LEAD_SIGNOFF, plan__user__in=managed
        )
        .select_related("plan", "plan__user")
        .order_by(*DUE_ORDER)
    )


SIGNOFF_HORIZON = timedelta(days=7)


def signoffs_actionable(*, lead: User) -> tuple[list[PlanItem], int]:
    """Sign-offs overdue or due within a week of the lead's today (to act on now), and how
    many come later."""
    waiting = signoffs_waiting_for(lead=lead)
    horizon = local_today(lead) + SIGNOFF_HORIZON
    return list(waiting.filter(due_on__lte=horizon)[:100]), waiting.filter(
        due_on__gt=horizon
    ).count()


@dataclass(frozen=True)
class OpenSteps:
    """What is still open in a plan besides one item: how many steps, how many overdue, and
    the first few of them (soonest due first) to show before a final sign-off."""

    count: int
    overdue: int
    items: list[PlanItem]


def plan_open_steps_besides(*, item: PlanItem, viewer: User, limit: int = 20) -> OpenSteps:
    """Open steps of ``item``'s plan other than ``item`` (overdue: due before the viewer's
    today). Two queries."""
    others = PlanItem.objects.filter(plan_id=item.plan_id, status=PlanItem.Status.OPEN).exclude(
        pk=item.pk
    )
    counts = others.aggregate(
        count=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=local_today(viewer)))
    )
    return OpenSteps(
        count=counts["count"],
        overdue=counts["overdue"],
        items=list(others.order_by(*DUE_ORDER)[:limit]) if counts["count"] else [],
    )


def plan_item_sign_off_allowed(*, item: PlanItem, lead: User) -> bool:
    """Whether ``lead`` may sign off ``item``: they lead its new hire (an admin always; nobody
    their own plan unless an admin)."""
    if item.plan.user_id == lead.pk and not user_is_admin(lead):
        return False
    return users_led_by(lead).filter(pk=item.plan.user_id).exists()


def plan_item_get(*, item_id: RawId) -> PlanItem:

    item = (
        PlanItem.objects.select_related("plan", "plan__user")
        .filter(pk=parse_id(item_id, str(_("Item not found."))))
        .first()
    )
    if item is None:
        raise NotFound(str(_("Item not found.")))
    return item
