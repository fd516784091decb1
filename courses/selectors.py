"""Reads for training. Content (skills, SOPs, modules) is visible to every signed-in user;
assignments are visible to their owner, the leads of the owner's teams, and admins.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.calendar import local_today
from accounts.models import User
from accounts.selectors import team_get_led, user_is_admin, users_led_by
from assessments import selectors as assessments_selectors
from assessments.hooks import AttemptNextSteps, NextStep, QuizListAnnotating
from assessments.models import Quiz
from core.content import language_columns, localized
from core.errors import NotFound, ValidationFailed
from core.ids import parse_id
from core.types import RawId
from courses.diff import DiffLine, line_diff
from courses.models import (
    SOP,
    Assignment,
    Lesson,
    LessonProgress,
    Module,
    ModuleCompletion,
    SOPAcknowledgement,
    SOPVersion,
)
from skills.hooks import SkillReadingCollecting
from skills.models import Skill


class _Counted(Subquery):
    """``(SELECT COUNT(*) FROM (<rows>))``: a correlated count usable in ``annotate`` (0 when
    nothing matches). Counting the rows around the subquery, not with ``values().annotate()``
    inside it, keeps it right for translated models, whose ``values()`` adds their columns."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) counted)"
    output_field = IntegerField()


def _count(queryset: QuerySet[Model]) -> _Counted:
    return _Counted(queryset.order_by().values("pk"))


# Soonest due first; undated work last on every database.
DUE_FIRST = F("due_on").asc(nulls_last=True)
DUE_ORDER = (DUE_FIRST, "pk")


as_int = parse_id


# --- skills and role profiles -----------------------------------------------------------------


# --- SOPs -------------------------------------------------------------------------------------


def _published() -> QuerySet[SOPVersion]:
    return SOPVersion.objects.filter(status=SOPVersion.Status.PUBLISHED)


@dataclass(frozen=True)
class SopLink:
    """A link to an SOP's current version (and a heading in it): "re-read" links."""

    slug: str
    title: str
    language: str
    anchor: str = ""

    @property
    def url(self) -> str:
        url = reverse("courses:sop", args=[self.slug])
        return f"{url}#{self.anchor}" if self.anchor else url

    def as_dict(self) -> dict[str, str]:
        return {"slug": self.slug, "title": self.title, "url": self.url}


def _current_sop_versions() -> QuerySet[SOPVersion]:
    newer = _published().filter(sop=OuterRef("sop_id"), number__gt=OuterRef("number"))
    return _published().exclude(Exists(newer))


def sops_by_skill(
    skill_ids: Iterable[int], *, language: str | None = None
) -> dict[int, list[SopLink]]:
    """Per skill (by id), the SOPs whose current published version teaches it
    (``SOPVersion.skills``), those written in ``language`` first, then by title. One query,
    whatever the number of skills (none for none)."""
    wanted = set(skill_ids)
    out: dict[int, list[SopLink]] = {}
    if wanted:
        for skill, link in _sop_links(Q(skill_id__in=wanted), "skill_id"):
            out.setdefault(int(skill), []).append(link)
    return _sorted_links(out, language)


def sops_by_skill_slug(*, language: str | None = None) -> dict[str, list[SopLink]]:
    """``sops_by_skill`` for every skill, by slug: one query, always (pages that show a few
    rows' skills keep a fixed number of queries whatever rows they show)."""
    out: dict[str, list[SopLink]] = {}
    for skill, link in _sop_links(Q(), "skill__slug"):
        out.setdefault(str(skill), []).append(link)
    return _sorted_links(out, language)


_K = TypeVar("_K", int, str)


def _sorted_links(
    links_by: dict[_K, list[SopLink]], language: str | None
) -> dict[_K, list[SopLink]]:
    for links in links_by.values():
        links.sort(key=lambda link: (link.language != language, link.title.casefold()))
    return links_by


def _sop_links(where: Q, key: str) -> list[tuple[int | str, SopLink]]:
    rows = (
        SOPVersion.skills.through.objects.filter(where, sopversion__in=_current_sop_versions())
        .order_by()
        .values_list(
            key, "sopversion__sop__slug", "sopversion__sop__title", "sopversion__sop__language"
        )
    )
    return [
        (skill, SopLink(slug=slug, title=title, language=sop_language))
        for skill, slug, title, sop_language in rows
    ]


def sop_links_for_refs(refs: Iterable[str]) -> dict[str, SopLink]:
    """``slug#anchor`` references (``Question.sop_ref``) → links to those SOPs that are
    published; an unknown or unpublished one is left out. One query."""
    parsed = {ref: ref.partition("#") for ref in refs if ref}
    if not parsed:
        return {}
    found = {
        slug: (title, sop_language)
        for slug, title, sop_language in SOP.objects.filter(
            slug__in={slug for slug, _hash, _anchor in parsed.values()},
            pk__in=_published().values("sop_id"),
        ).values_list("slug", "title", "language")
    }
    return {
        ref: SopLink(slug=slug, title=found[slug][0], language=found[slug][1], anchor=anchor)
        for ref, (slug, _hash, anchor) in parsed.items()
        if slug in found
    }


def modules_by_skill() -> dict[str, list[tuple[str, str]]]:
    """Per skill slug, the published modules that teach it: (title in the reader's language,
    URL), in module order. One query, always."""
    out: dict[str, list[tuple[str, str]]] = {}
    rows = (
        Module.objects.filter(is_published=True, skills__isnull=False)
        .annotate(skill_slug=F("skills__slug"), shown_title=localized("title"))
        .order_by("position", "pk")
        .values_list("skill_slug", "slug", "shown_title")
    )
    for skill_slug, slug, title in rows:
        out.setdefault(skill_slug, []).append((title, reverse("courses:module", args=[slug])))
    return out


def skill_reading(event: SkillReadingCollecting) -> None:
    """``skills.skill_reading_collecting``: the SOPs and modules on the skills asked for (two
    queries, whatever the skills)."""
    sops = sops_by_skill_slug(language=event.language)
    modules = modules_by_skill()
    for slug in event.skill_slugs:
        event.sops[slug] = [(link.title, link.url) for link in sops.get(slug, [])]
        event.modules[slug] = modules.get(slug, [])


def sops_list(*, user: User) -> QuerySet[SOP]:
    """Published SOPs with their current version and the caller's latest acknowledged one,
    those in the caller's language first (``in_your_language``), then by title."""
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
            in_your_language=Case(
                When(language=getattr(user, "language", ""), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
        )
        .order_by("-in_your_language", "title")
    )


def sop_get(*, slug: str | None = None, pk: RawId | None = None) -> SOP:
    """A published SOP by slug or id; ``NotFound`` otherwise."""
    lookup: dict[str, str | int] = (
        {"slug": slug} if slug is not None else {"pk": as_int(pk, _("SOP not found."))}
    )
    sop = SOP.objects.filter(Exists(_published().filter(sop=OuterRef("pk"))), **lookup).first()
    if sop is None:
        raise NotFound(_("SOP not found."))
    return sop


def sop_versions(*, sop: SOP) -> list[SOPVersion]:
    """Published versions, newest first, with their skills (one more query)."""
    return list(
        _published()
        .filter(sop=sop)
        .order_by("-number")
        .prefetch_related(Prefetch("skills", queryset=Skill.objects.order_by("position", "slug")))
    )


def sop_version_get(*, sop: SOP, number: RawId) -> SOPVersion:
    version = _published().filter(sop=sop, number=as_int(number, _("Version not found."))).first()
    if version is None:
        raise NotFound(_("Version not found."))
    return version


def sop_version_by_id(*, sop: SOP, version_id: RawId) -> SOPVersion:
    version = _published().filter(sop=sop, pk=as_int(version_id, _("Version not found."))).first()
    if version is None:
        raise NotFound(_("Version not found."))
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
        .order_by("position", localized("title"))
    )


def module_get(*, user: User, slug: str | None = None, pk: RawId | None = None) -> Module:
    lookup: dict[str, str | int] = (
        {"slug": slug} if slug is not None else {"pk": as_int(pk, _("Module not found."))}
    )
    module = modules_list(user=user).select_related("completion_quiz").filter(**lookup).first()
    if module is None:
        raise NotFound(_("Module not found."))
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
        "user", "module", "sop", "sop_version", "quiz", "assigned_by"
    ).annotate(
        # a quiz's title in the reader's language (null for modules and SOPs)
        quiz_title=assessments_selectors.quiz_title_shown("quiz"),
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
    """The user's open assignments as overdue / due soon / later, and their latest done ones.

    Judged on the user's own calendar: overdue once their due day is over, due soon within
    ``TRAINING_DUE_SOON_DAYS`` of it."""
    today = local_today(user)
    soon = today + timedelta(days=settings.TRAINING_DUE_SOON_DAYS)
    groups = TrainingGroups()
    for assignment in (
        assignments_of(user=user).filter(status=Assignment.Status.OPEN).order_by(*DUE_ORDER)
    ):
        assignment.progress = assignment_progress(assignment)  # type: ignore[attr-defined]
        if assignment.due_on and assignment.due_on < today:
            groups.overdue.append(assignment)
        elif assignment.due_on and assignment.due_on <= soon:
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


def assignments_of_visible_user(*, viewer: User, user_id: RawId) -> QuerySet[Assignment]:
    """One person's assignments: the viewer's own, or someone they lead; ``NotFound`` else."""
    target = as_int(user_id, _("User not found."))
    if target != viewer.pk and not users_led_by(viewer).filter(pk=target).exists():
        raise NotFound(_("User not found."))
    return _with_progress(Assignment.objects.filter(user_id=target))


def assignment_get_visible(*, user: User, assignment_id: RawId) -> Assignment:
    assignment = (
        assignments_visible_to(user=user)
        .filter(pk=as_int(assignment_id, _("Assignment not found.")))
        .first()
    )
    if assignment is None:
        raise NotFound(_("Assignment not found."))
    return assignment


def assignment_get_managed(*, user: User, assignment_id: RawId) -> Assignment:
    """An assignment of someone the caller leads (not their own, unless admin)."""
    managed = Assignment.objects.select_related("user", "module", "sop").filter(
        pk=as_int(assignment_id, _("Assignment not found.")),
        user__in=users_led_by(user).values("pk"),
    )
    if not user_is_admin(user):
        managed = managed.exclude(user=user)
    assignment = managed.first()
    if assignment is None:
        raise NotFound(_("Assignment not found."))
    return assignment


def team_assignments(
    *, lead: User, team_id: RawId, user_id: RawId | None = None, status: str | None = None
) -> QuerySet[Assignment]:
    """Assignments of a team's members, for its lead; ``NotFound`` for other teams."""
    team = team_get_led(user=lead, team_id=team_id)
    assignments = Assignment.objects.filter(user__memberships__team=team)
    if user_id not in (None, ""):
        assignments = assignments.filter(user_id=as_int(user_id, _("User not found.")))
    if status:
        assignments = assignments.filter(status=status)
    # What needs action first: open work soonest due (overdue, then due soon), then done,
    # then cancelled.
    status_rank = Case(
        When(status=Assignment.Status.OPEN, then=Value(0)),
        When(status=Assignment.Status.COMPLETED, then=Value(1)),
        default=Value(2),
    )
    return _with_progress(assignments).order_by(status_rank, DUE_FIRST, "user__name", "pk")


def team_training_summary(*, lead: User, team_id: RawId) -> QuerySet[User]:
    """Members of a led team with counts of open, overdue and done assignments (overdue: the
    due day is over on the lead's calendar)."""
    team = team_get_led(user=lead, team_id=team_id)
    today = local_today(lead)
    return (
        User.objects.filter(memberships__team=team, memberships__role="member")
        .annotate(
            open_count=Count("assignments", filter=Q(assignments__status="open")),
            overdue_count=Count(
                "assignments", filter=Q(assignments__status="open", assignments__due_on__lt=today)
            ),
            done_count=Count("assignments", filter=Q(assignments__status="completed")),
        )
        .order_by("name")
    )


@dataclass(frozen=True)
class AssignmentTarget:
    """What a lead assigns: one published module, SOP (in its current version) or quiz."""

    kind: str
    module: Module | None = None
    sop: SOP | None = None
    sop_version: SOPVersion | None = None
    quiz: Quiz | None = None


def assignment_target_get(
    *, module_id: RawId | None = None, sop_id: RawId | None = None, quiz_id: RawId | None = None
) -> AssignmentTarget:
    """The one module, SOP or quiz named by id; ``ValidationFailed`` unless exactly one is
    given, ``NotFound`` for an unknown or unpublished one."""
    if sum(value not in (None, "") for value in (module_id, sop_id, quiz_id)) != 1:
        message = _("Choose one module, SOP or quiz.")
        raise ValidationFailed(message, field_errors={"non_field_errors": [message]})
    if module_id not in (None, ""):
        module = assignable_modules().filter(pk=parse_id(module_id, _("Module not found."))).first()
        if module is None:
            raise NotFound(_("Module not found."))
        return AssignmentTarget(kind=Assignment.Kind.MODULE, module=module)
    if sop_id not in (None, ""):
        sop = SOP.objects.filter(pk=parse_id(sop_id, _("SOP not found."))).first()
        version = (
            _published().filter(sop=sop).order_by("-number").first() if sop is not None else None
        )
        if sop is None or version is None:
            raise NotFound(_("SOP not found."))
        return AssignmentTarget(kind=Assignment.Kind.SOP, sop=sop, sop_version=version)
    quiz = assignable_quizzes().filter(pk=parse_id(quiz_id, _("Quiz not found."))).first()
    if quiz is None:
        raise NotFound(_("Quiz not found."))
    return AssignmentTarget(kind=Assignment.Kind.QUIZ, quiz=quiz)


def assignees_get(*, lead: User, user_ids: Iterable[RawId]) -> list[User]:
    """The active people with these ids, all managed by ``lead``; ``ValidationFailed`` for
    ids that are not ids, ``NotFound`` if anyone is outside the lead's teams."""
    try:
        wanted = {int(pk) for pk in user_ids}
    except (TypeError, ValueError) as exc:
        raise ValidationFailed(
            _("Unknown people."), field_errors={"users": [_("Give user ids.")]}
        ) from exc
    users = list(users_led_by(lead).filter(pk__in=wanted, is_active=True).distinct())
    if {user.pk for user in users} != wanted:
        raise NotFound(_("User not found."))
    return users


def assignable_modules() -> QuerySet[Module]:
    # by the title the reader sees: an untranslated title sorts as its English text
    return Module.objects.filter(is_published=True).order_by(localized("title"))


def assignable_quizzes() -> QuerySet[Quiz]:
    """Published quizzes, each with ``shown_title`` in the reader's language."""
    return (
        Quiz.objects.assessments()
        .filter(is_published=True)
        .annotate(shown_title=assessments_selectors.quiz_title_shown())
        .order_by("shown_title")
    )


def assignable_sops() -> QuerySet[SOP]:
    return SOP.objects.filter(Exists(_published().filter(sop=OuterRef("pk")))).order_by("title")


# --- onboarding -------------------------------------------------------------------------------


def quiz_list_completes_module(event: QuizListAnnotating) -> None:
    """The quiz list shows the module a quiz completes (subscribed in ``CoursesConfig.ready``)."""
    event.annotations["completes_module"] = Subquery(
        Module.objects.filter(completion_quiz=OuterRef("pk"))
        .annotate(shown_title=localized("title"))
        .values("shown_title")[:1]
    )


def attempt_next_steps_module(event: AttemptNextSteps) -> None:
    """After a module's completion quiz, the result page leads back to the module and to My
    training (subscribed in ``CoursesConfig.ready``; one query)."""
    module = (
        Module.objects.filter(completion_quiz_id=event.attempt.quiz_id)
        .only("slug", *language_columns("title"))
        .first()
    )
    if module is None:
        return
    event.steps.append(
        NextStep(
            label=_("Back to the module “%(title)s”") % {"title": module.title},
            url=reverse("courses:module", kwargs={"slug": module.slug}),
        )
    )
    event.steps.append(NextStep(label=_("My training"), url=reverse("courses:my_training")))
