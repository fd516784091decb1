"""Onboarding plans: starting a plan from a checklist template, and completing its items.

Items of kind read_sop / module / quiz complete themselves when the matching event happens
(and get a training assignment so they also show in "My training"); tasks are ticked by the
new hire; sign-off items wait for a lead of the new hire's team.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from assessments.hooks import AttemptsScored
from assessments.models import Attempt
from audit import services as audit_services
from core.errors import Conflict, NotFound, ValidationFailed
from core.undo import undo_still_possible
from courses import services as courses_services
from courses.hooks import ModuleCompleted, SopAcknowledged
from courses.models import ModuleCompletion, SOPAcknowledgement
from onboarding.models import ChecklistTemplate, ItemKind, OnboardingPlan, PlanItem
from onboarding.selectors import plan_item_sign_off_allowed

AUTOMATIC = {ItemKind.READ_SOP, ItemKind.MODULE, ItemKind.QUIZ}


@transaction.atomic
def onboarding_plan_start(
    *, user: User, template: ChecklistTemplate, start_date: date, started_by: User | None = None
) -> OnboardingPlan:
    """Copy the template's items into a plan for ``user`` starting on ``start_date``.

    Each item is due ``due_offset_days`` after the start: a calendar day, the same for the
    new hire and their leads wherever they are (and so are the assignments). SOP, module and
    quiz items also become onboarding assignments, and items already satisfied (an SOP read,
    a module finished, a quiz passed) start as done.
    A start date in the past is allowed: its items are simply overdue.
    """
    if OnboardingPlan.objects.filter(
        user=user, template=template, completed_at__isnull=True
    ).exists():
        raise ValidationFailed(
            _("%(name)s already has an open plan from this checklist.") % {"name": user.name},
            field_errors={"user": [_("Already has an open plan from this checklist.")]},
        )
    plan = OnboardingPlan.objects.create(
        user=user,
        template=template,
        name=template.name,
        start_date=start_date,
        created_by=started_by,
    )
    items = [
        PlanItem(
            plan=plan,
            position=source.position,
            title=source.title,
            description=source.description,
            kind=source.kind,
            sop=source.sop,
            module=source.module,
            quiz=source.quiz,
            due_offset_days=source.due_offset_days,
            due_on=start_date + timedelta(days=source.due_offset_days),
        )
        for source in template.items.select_related("sop", "module", "quiz").order_by(
            "due_offset_days", "position", "pk"
        )
    ]
    PlanItem.objects.bulk_create(items)
    _assign_linked_training(plan)
    plan_items_complete_satisfied(user=user)
    return plan


def _assign_linked_training(plan: OnboardingPlan) -> None:
    for item in plan.items.filter(kind__in=AUTOMATIC).select_related("sop", "module", "quiz"):
        if not item.is_available:
            continue
        reason = item.title  # shown after the source: "Onboarding: <step>"
        if item.kind == ItemKind.MODULE:
            courses_services.assignment_ensure(
                user=plan.user,
                module=item.module,
                source="onboarding",
                reason=reason,
                due_on=item.due_on,
            )
        elif item.kind == ItemKind.READ_SOP:
            courses_services.assignment_ensure(
                user=plan.user, sop=item.sop, source="onboarding", reason=reason, due_on=item.due_on
            )
        else:
            courses_services.assignment_ensure(
                user=plan.user,
                quiz_id=item.quiz_id,
                source="onboarding",
                reason=reason,
                due_on=item.due_on,
            )


def plan_items_complete_satisfied(*, user: User, at: datetime | None = None) -> int:
    """Tick every open automatic item of ``user`` whose event already happened: an
    acknowledged version of the SOP, a completed module, a passed quiz. Idempotent."""
    return plan_items_complete_satisfied_for(user_ids=[user.pk], at=at)


def plan_items_complete_satisfied_for(*, user_ids: list[int], at: datetime | None = None) -> int:
    """``plan_items_complete_satisfied`` for many people in two statements."""
    at = at or timezone.now()
    open_items = PlanItem.objects.filter(plan__user_id__in=user_ids, status=PlanItem.Status.OPEN)
    person = OuterRef("plan__user_id")
    read = SOPAcknowledgement.objects.filter(user_id=person, sop_version__sop=OuterRef("sop_id"))
    finished = ModuleCompletion.objects.filter(user_id=person, module=OuterRef("module_id"))
    passed = Attempt.objects.filter(quiz_id=OuterRef("quiz_id"), user_id=person, passed=True)
    done = open_items.filter(
        Q(
            kind=ItemKind.READ_SOP,
            sop__isnull=False,
            pk__in=open_items.filter(Exists(read)).values("pk"),
        )
        | Q(
            kind=ItemKind.MODULE,
            module__isnull=False,
            pk__in=open_items.filter(Exists(finished)).values("pk"),
        )
        | Q(
            kind=ItemKind.QUIZ,
            quiz__isnull=False,
            pk__in=open_items.filter(Exists(passed)).values("pk"),
        )
    )
    count = done.update(status=PlanItem.Status.DONE, completed_at=at)
    if count:
        _plans_check_completed(user_ids=user_ids, at=at)
    return count


# Subscribers (connected in OnboardingConfig.ready): each event may tick plan items.


def on_sop_acknowledged(event: SopAcknowledged) -> None:
    plan_items_complete_satisfied(user=event.user, at=event.at)


def on_module_completed(event: ModuleCompleted) -> None:
    plan_items_complete_satisfied(user=event.user, at=event.at)


def on_attempts_scored(event: AttemptsScored) -> None:
    passed = [item for item in event.items if item.attempt.passed and item.attempt.user_id]
    if passed:
        plan_items_complete_satisfied_for(
            user_ids=[item.attempt.user_id for item in passed],  # type: ignore[misc]
            at=passed[0].at,
        )


def _plans_check_completed(*, user_ids: list[int], at: datetime) -> None:
    OnboardingPlan.objects.filter(user_id__in=user_ids, completed_at__isnull=True).exclude(
        Exists(PlanItem.objects.filter(plan=OuterRef("pk"), status=PlanItem.Status.OPEN))
    ).update(completed_at=at)


def plan_item_tick(*, item: PlanItem, user: User) -> PlanItem:
    """The new hire ticks a task. Sign-offs wait for the lead; automatic items complete
    themselves; either is ``Conflict``. Someone else's item is ``NotFound``."""
    if item.plan.user_id != user.pk:
        raise NotFound(_("Item not found."))
    if item.kind == ItemKind.LEAD_SIGNOFF:
        raise Conflict(_("Your lead signs this step off; you can't tick it yourself."))
    if item.kind in AUTOMATIC:
        raise Conflict(_("This step completes itself: %(how)s.") % {"how": item.completed_by_label})
    return _complete(item=item, by=user)


@transaction.atomic
def plan_item_untick(*, item: PlanItem, user: User, now: datetime | None = None) -> PlanItem:
    """Undo ``plan_item_tick`` (the "Undo" in its message): only the new hire who ticked the
    task, within ``core.undo.UNDO_WINDOW``; the plan is open again. Untick an open task
    changes nothing. Someone else's item is ``NotFound``; too late is ``Conflict``."""
    if item.plan.user_id != user.pk:
        raise NotFound(_("Item not found."))
    locked = PlanItem.objects.select_for_update().get(pk=item.pk)
    if locked.status == PlanItem.Status.OPEN:
        return locked
    if (
        locked.kind in AUTOMATIC
        or locked.kind == ItemKind.LEAD_SIGNOFF
        or locked.completed_by_id != user.pk
        or not undo_still_possible(locked.completed_at, now=now)
    ):
        raise Conflict(_("This step can't be undone any more."))
    PlanItem.objects.filter(pk=item.pk).update(
        status=PlanItem.Status.OPEN, completed_at=None, completed_by=None, comment=""
    )
    OnboardingPlan.objects.filter(pk=item.plan_id).update(completed_at=None)
    item.refresh_from_db()
    return item


def plan_item_sign_off(*, item: PlanItem, lead: User, comment: str = "") -> PlanItem:
    """A lead of the new hire's team signs off a sign-off item (with an optional comment).
    Anyone else gets ``NotFound``; a lead can't sign off their own plan."""
    if not plan_item_sign_off_allowed(item=item, lead=lead):
        raise NotFound(_("Item not found."))
    if item.kind != ItemKind.LEAD_SIGNOFF:
        raise Conflict(_("Only sign-off steps are signed off."))
    return _complete(item=item, by=lead, comment=comment.strip()[:2000], signed_off=True)


def _complete(*, item: PlanItem, by: User, comment: str = "", signed_off: bool = False) -> PlanItem:
    now = timezone.now()
    with transaction.atomic():
        done = PlanItem.objects.filter(pk=item.pk, status=PlanItem.Status.OPEN).update(
            status=PlanItem.Status.DONE, completed_at=now, completed_by=by, comment=comment
        )
        if done and signed_off:
            audit_services.record(
                actor=by,
                action="plan_item.signed_off",
                obj=item,
                changes={
                    "status": [PlanItem.Status.OPEN, PlanItem.Status.DONE],
                    "person_id": item.plan.user_id,
                    "comment": comment,
                },
            )
        _plans_check_completed(user_ids=[item.plan.user_id], at=now)
    item.refresh_from_db()
    return item
