"""Reads for training. Content (skills, SOPs, modules) is visible to every signed-in user;
assignments are visible to their owner, the leads of the owner's teams, and admins.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from accounts.selectors import team_get_led, user_is_admin, users_led_by
from core.errors import NotFound
from core.ids import parse_id
from courses.diff import DiffLine, line_diff
from courses.models import (
    SOP,
    Assignment,
    ItemKind,
    Lesson,
    LessonProgress,
    Module,
    ModuleCompletion,
    OnboardingPlan,
    PlanItem,
    RoleProfile,
    Skill,
    SkillTarget,
    SOPAcknowledgement,
    SOPVersion,
)


def _count(queryset: QuerySet[Any]) -> Coalesce:
    """A correlated ``COUNT(*)`` usable in ``annotate`` (0 when nothing matches)."""
    return Coalesce(
        Subquery(
            queryset.order_by().values(_v=Value(1)).annotate(n=Count("*")).values("n")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


# Soonest due first; undated work last on every database.
DUE_FIRST = F("due_at").asc(nulls_last=True)
DUE_ORDER = (DUE_FIRST, "pk")


as_int = parse_id


# --- skills and role profiles -----------------------------------------------------------------


def skills_list() -> QuerySet[Skill]:
    return Skill.objects.order_by("position", "name")


def role_profiles_with_targets() -> QuerySet[RoleProfile]:
    return RoleProfile.objects.prefetch_related(
        Prefetch("targets", queryset=SkillTarget.objects.select_related("skill"))
    ).order_by("position")


# --- SOPs -------------------------------------------------------------------------------------


def _published() -> QuerySet[SOPVersion]:
    return SOPVersion.objects.filter(status=SOPVersion.Status.PUBLISHED)


def sops_list(*, user: User) -> QuerySet[SOP]:
    """Published SOPs with their current version and the caller's latest acknowledged one."""
    current = _published().filter(sop=OuterRef("pk")).order_by("-number")
    acked = SOPAcknowledgement.objects.filter(user=user, sop_version__sop=OuterRef("pk")).order_by(
        "-sop_version__number"
    )
    return (
        SOP.objects.filter(Exists(_published().filter(sop=OuterRef("pk"))))
        .annotate(
            current_number=Subquery(current.values("number")[:1]),
            current_version_id=Subquery(current.values("pk")[:1]),
            current_published_at=Subquery(current.values("published_at")[:1]),
            current_summary=Subquery(current.values("change_summary")[:1]),
            acknowledged_number=Subquery(acked.values("sop_version__number")[:1]),
        )
        .order_by("title")
    )


def sop_get(*, slug: str | None = None, pk: Any = None) -> SOP:
    """A published SOP by slug or id; ``NotFound`` otherwise."""
    lookup: dict[str, Any] = (
        {"slug": slug} if slug is not None else {"pk": as_int(pk, "SOP not found.")}
    )
    sop = SOP.objects.filter(Exists(_published().filter(sop=OuterRef("pk"))), **lookup).first()
    if sop is None:
        raise NotFound("SOP not found.")
    return sop


def sop_versions(*, sop: SOP) -> list[SOPVersion]:
    """Published versions, newest first."""
    return list(_published().filter(sop=sop).order_by("-number"))


def sop_version_get(*, sop: SOP, number: Any) -> SOPVersion:
    version = _published().filter(sop=sop, number=as_int(number, "Version not found.")).first()
    if version is None:
        raise NotFound("Version not found.")
    return version


def sop_version_by_id(*, sop: SOP, version_id: Any) -> SOPVersion:
    version = _published().filter(sop=sop, pk=as_int(version_id, "Version not found.")).first()
    if version is None:
        raise NotFound("Version not found.")
    return version


def sop_last_acknowledged(*, user: User, sop: SOP) -> SOPAcknowledgement | None:
    return (
        SOPAcknowledgement.objects.filter(user=user, sop_version__sop=sop)
        .select_related("sop_version")
        .order_by("-sop_version__number")
        .first()
    )


def sop_version_acknowledged(*, user: User, version: SOPVersion) -> bool:
    return SOPAcknowledgement.objects.filter(user=user, sop_version=version).exists()


def sop_diff(*, older: SOPVersion, newer: SOPVersion) -> list[DiffLine]:
    return line_diff(older.body, newer.body)


# --- modules ----------------------------------------------------------------------------------


def modules_list(*, user: User) -> QuerySet[Module]:
    """Published modules with lesson counts and the caller's progress."""
    return (
        Module.objects.filter(is_published=True)
        .annotate(
            lesson_count=_count(Lesson.objects.filter(module=OuterRef("pk"))),
            lessons_done=_count(
                LessonProgress.objects.filter(user=user, lesson__module=OuterRef("pk"))
            ),
            completed=Exists(ModuleCompletion.objects.filter(user=user, module=OuterRef("pk"))),
        )
        .prefetch_related(
            "skills",
            Prefetch("sop_versions", queryset=SOPVersion.objects.select_related("sop")),
        )
        .order_by("position", "title")
    )


def module_get(*, user: User, slug: str | None = None, pk: Any = None) -> Module:
    lookup: dict[str, Any] = (
        {"slug": slug} if slug is not None else {"pk": as_int(pk, "Module not found.")}
    )
    # "completion_quiz" is the reverse side of assessments' Quiz.module: no import needed.
    module = modules_list(user=user).select_related("completion_quiz").filter(**lookup).first()
    if module is None:
        raise NotFound("Module not found.")
    return module


def module_lessons(*, user: User, module: Module) -> list[Lesson]:
    """The module's lessons in order, each with ``done`` for the caller."""
    return list(
        module.lessons.annotate(
            done=Exists(LessonProgress.objects.filter(user=user, lesson=OuterRef("pk")))
        ).order_by("position", "pk")
    )


# --- assignments ------------------------------------------------------------------------------


def _with_progress(assignments: QuerySet[Assignment]) -> QuerySet[Assignment]:
    return assignments.select_related(
        "user", "module", "sop", "sop_version", "assigned_by"
    ).annotate(
        lesson_total=_count(Lesson.objects.filter(module=OuterRef("module"))),
        lesson_done=_count(
            LessonProgress.objects.filter(user=OuterRef("user"), lesson__module=OuterRef("module"))
        ),
    )


def assignment_progress(assignment: Assignment) -> int:
    """Percent done: lessons read for a module; 0 or 100 for an SOP."""
    if assignment.status == Assignment.Status.COMPLETED:
        return 100
    total = getattr(assignment, "lesson_total", 0)
    if assignment.kind == Assignment.Kind.MODULE and total:
        return round(100 * getattr(assignment, "lesson_done", 0) / total)
    return 0


def assignments_of(*, user: User) -> QuerySet[Assignment]:
    return _with_progress(Assignment.objects.filter(user=user))


@dataclass
class TrainingGroups:
    overdue: list[Assignment] = field(default_factory=list)
    due_soon: list[Assignment] = field(default_factory=list)
    later: list[Assignment] = field(default_factory=list)
    done: list[Assignment] = field(default_factory=list)

    @property
    def open_count(self) -> int:
        return len(self.overdue) + len(self.due_soon) + len(self.later)


def my_training(*, user: User, done_limit: int = 20) -> TrainingGroups:
    """The user's open assignments as overdue / due soon / later, and their latest done ones."""
    now = timezone.now()
    soon = now + timedelta(days=settings.TRAINING_DUE_SOON_DAYS)
    groups = TrainingGroups()
    for assignment in (
        assignments_of(user=user).filter(status=Assignment.Status.OPEN).order_by(*DUE_ORDER)
    ):
        assignment.progress = assignment_progress(assignment)  # type: ignore[attr-defined]
        if assignment.due_at and assignment.due_at < now:
            groups.overdue.append(assignment)
        elif assignment.due_at and assignment.due_at <= soon:
            groups.due_soon.append(assignment)
        else:
            groups.later.append(assignment)
    for assignment in (
        assignments_of(user=user)
        .filter(status=Assignment.Status.COMPLETED)
        .order_by("-completed_at")[:done_limit]
    ):
        assignment.progress = 100  # type: ignore[attr-defined]
        groups.done.append(assignment)
    return groups


def assignments_visible_to(*, user: User) -> QuerySet[Assignment]:
    """Own assignments plus those of people in teams the caller leads (all for an admin)."""
    if user_is_admin(user):
        return _with_progress(Assignment.objects.all())
    return _with_progress(
        Assignment.objects.filter(Q(user=user) | Q(user__in=users_led_by(user).values("pk")))
    )


def assignments_of_visible_user(*, viewer: User, user_id: Any) -> QuerySet[Assignment]:
    """One person's assignments: the viewer's own, or someone they lead; ``NotFound`` else."""
    target = as_int(user_id, "User not found.")
    if target != viewer.pk and not users_led_by(viewer).filter(pk=target).exists():
        raise NotFound("User not found.")
    return _with_progress(Assignment.objects.filter(user_id=target))


def assignment_get_visible(*, user: User, assignment_id: Any) -> Assignment:
    assignment = (
        assignments_visible_to(user=user)
        .filter(pk=as_int(assignment_id, "Assignment not found."))
        .first()
    )
    if assignment is None:
        raise NotFound("Assignment not found.")
    return assignment


def assignment_get_managed(*, user: User, assignment_id: Any) -> Assignment:
    """An assignment of someone the caller leads (not their own, unless admin)."""
    managed = Assignment.objects.select_related("user", "module", "sop").filter(
        pk=as_int(assignment_id, "Assignment not found."),
        user__in=users_led_by(user).values("pk"),
    )
    if not user_is_admin(user):
        managed = managed.exclude(user=user)
    assignment = managed.first()
    if assignment is None:
        raise NotFound("Assignment not found.")
    return assignment


def team_assignments(
    *, lead: User, team_id: Any, user_id: Any = None, status: str | None = None
) -> QuerySet[Assignment]:
    """Assignments of a team's members, for its lead; ``NotFound`` for other teams."""
    team = team_get_led(user=lead, team_id=team_id)
    assignments = Assignment.objects.filter(user__memberships__team=team)
    if user_id not in (None, ""):
        assignments = assignments.filter(user_id=as_int(user_id, "User not found."))
    if status:
        assignments = assignments.filter(status=status)
    return _with_progress(assignments).order_by("status", DUE_FIRST, "user__name", "pk")


def team_training_summary(*, lead: User, team_id: Any) -> QuerySet[User]:
    """Members of a led team with counts of open, overdue and done assignments."""
    team = team_get_led(user=lead, team_id=team_id)
    now = timezone.now()
    return (
        User.objects.filter(memberships__team=team, memberships__role="member")
        .annotate(
            open_count=Count("assignments", filter=Q(assignments__status="open")),
            overdue_count=Count(
                "assignments", filter=Q(assignments__status="open", assignments__due_at__lt=now)
            ),
            done_count=Count("assignments", filter=Q(assignments__status="completed")),
        )
        .order_by("name")
    )


def assignable_modules() -> QuerySet[Module]:
    return Module.objects.filter(is_published=True).order_by("title")


def assignable_quizzes() -> QuerySet[Any]:
    quiz_model = Assignment._meta.get_field("quiz").related_model
    return quiz_model.objects.filter(is_published=True).order_by("title")  # type: ignore[union-attr]


def assignable_sops() -> QuerySet[SOP]:
    return SOP.objects.filter(Exists(_published().filter(sop=OuterRef("pk")))).order_by("title")


# --- onboarding -------------------------------------------------------------------------------


@dataclass
class PlanView:
    plan: OnboardingPlan
    phases: list[tuple[str, list[PlanItem]]]
    done: int
    total: int
    next_item: PlanItem | None

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
    open_items = [i for i in items if i.status == PlanItem.Status.OPEN and i.is_available]
    # The next step is the first the new hire can act on; sign-offs wait for the lead.
    actionable = [i for i in open_items if i.kind != ItemKind.LEAD_SIGNOFF] or open_items
    return PlanView(
        plan=plan,
        phases=list(phases.items()),
        done=sum(1 for i in items if i.status == PlanItem.Status.DONE),
        total=len(items),
        next_item=actionable[0] if actionable else None,
    )


def onboarding_plans_of(*, user: User) -> QuerySet[OnboardingPlan]:
    return OnboardingPlan.objects.filter(user=user).order_by("completed_at", "-start_date")


def onboarding_plans_visible_to(*, user: User) -> QuerySet[OnboardingPlan]:
    """Own plans, plus plans of people in the teams the caller leads (all for an admin)."""
    plans = OnboardingPlan.objects.all()
    if not user_is_admin(user):
        plans = plans.filter(Q(user=user) | Q(user__in=users_led_by(user).values("pk")))
    now = timezone.now()
    return (
        plans.select_related("user", "template")
        .annotate(
            total=Count("items"),
            done=Count("items", filter=Q(items__status=PlanItem.Status.DONE)),
            overdue=Count(
                "items", filter=Q(items__status=PlanItem.Status.OPEN, items__due_at__lt=now)
            ),
            waiting_signoff=Count(
                "items",
                filter=Q(items__status=PlanItem.Status.OPEN, items__kind=ItemKind.LEAD_SIGNOFF),
            ),
        )
        .order_by("completed_at", "-start_date", "user__name")
    )


def onboarding_plan_get_visible(*, user: User, plan_id: Any) -> OnboardingPlan:
    plan = (
        onboarding_plans_visible_to(user=user).filter(pk=as_int(plan_id, "Plan not found.")).first()
    )
    if plan is None:
        raise NotFound("Plan not found.")
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
    """Sign-offs overdue or due within a week (to act on now), and how many come later."""
    waiting = signoffs_waiting_for(lead=lead)
    horizon = timezone.now() + SIGNOFF_HORIZON
    return list(waiting.filter(due_at__lte=horizon)[:100]), waiting.filter(
        due_at__gt=horizon
    ).count()
