"""Reads of practice: what may be practised, today's set, and the leads' figures.

**What may be practised** (``eligible_versions``, ``eligible_versions_by_user``), two kinds of
question:

- *practice banks* (``Quiz.purpose == practice``): the current published version of each
  published bank, for every learner from day one. A bank is never an assessment, so its
  answers are never a secret;
- *quiz questions*: the current published version of a published quiz that the person has
  already taken: a finished attempt on that very version, no attempt in progress and no open
  assignment of the quiz. Practice shows the right answer at once, so a quiz whose review
  keeps answers hidden (never, after it closes while it is still open, or after the last
  attempt while attempts remain) gives no practice. Today's set re-checks the open attempt and
  the open assignment when served, so a question never shows while its quiz is being taken.

A set records the versions it was drawn from (``PracticeSet.sources``, ``sources_of``); when a
person's eligible versions change during the day (they finish a quiz, a bank is published or
gets a question, a quiz's review opens) the set is stale and is refilled (``practice.services``).
"""

from __future__ import annotations

import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Team, User
from accounts.selectors import team_get_led
from assessments import selectors as assessments_selectors
from assessments.models import Attempt, Choice, Question, Quiz, QuizVersion
from core.content import language_code, localized
from core.errors import NotFound
from core.ids import parse_id
from core.types import RawId
from courses import selectors as courses_selectors
from courses.models import Assignment
from practice.models import (
    PracticeAnswer,
    PracticeCard,
    PracticeNudgeGroup,
    PracticePreference,
    PracticeSet,
)
from qa.models import QAFinding
from qa.selectors import EFFECT_DAYS, EFFECT_MIN_AGENTS, Counts, Estimate, effect_estimate
from skills.models import Skill, SkillEvidence, SkillProficiency
from skills.selectors import belief, contribution, decayed

# --- days --------------------------------------------------------------------------------------


def zone_of(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_day(time_zone: str, now: datetime) -> date:
    """The person's calendar day at ``now``."""
    return now.astimezone(zone_of(time_zone)).date()


def day_end(time_zone: str, day: date) -> datetime:
    """Midnight after ``day`` where the person is."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone_of(time_zone))


# --- eligibility --------------------------------------------------------------------------------


@dataclass(frozen=True)
class VersionRule:
    quiz_id: int
    review_when: str
    attempts_allowed: int
    bank: bool = False
    last_question: int | None = None  # a question added in place changes it


def sources_of(version_ids: Iterable[int], versions: dict[int, VersionRule]) -> list[list[int]]:
    """What a set is drawn from, as stored in ``PracticeSet.sources``: ``[version, its newest
    question]`` pairs in order, so a new version, or a question added to a published bank in
    place (the editor edits a version nobody took), makes the set stale."""
    return sorted([pk, versions[pk].last_question or 0] for pk in version_ids if pk in versions)


def eligible_versions(*, now: datetime) -> dict[int, VersionRule]:
    """The current published version of each published practice bank, and of each published
    quiz whose review may show the right answers to someone who has taken it (one query)."""
    newer = QuizVersion.objects.filter(
        quiz_id=OuterRef("quiz_id"), published_at__isnull=False, number__gt=OuterRef("number")
    )
    review = QuizVersion.ReviewWhen
    reviewable = (
        Q(review_correctness=True)
        & ~Q(review_when=review.NEVER)
        & ~(Q(review_when=review.AFTER_CLOSE) & (Q(closes_at__isnull=True) | Q(closes_at__gt=now)))
        & ~(Q(review_when=review.AFTER_LAST_ATTEMPT) & Q(attempts_allowed=0))
    )
    bank = Q(quiz__purpose=Quiz.Purpose.PRACTICE)
    rows = (
        QuizVersion.objects.filter(published_at__isnull=False, quiz__is_published=True)
        .exclude(Exists(newer))
        .filter(bank | reviewable)
        .annotate(
            last_question=Subquery(
                Question.objects.filter(version_id=OuterRef("pk")).order_by("-pk").values("pk")[:1]
            )
        )
        .values_list(
            "pk", "quiz_id", "review_when", "attempts_allowed", "quiz__purpose", "last_question"
        )
    )
    return {
        pk: VersionRule(quiz, when, allowed, purpose == Quiz.Purpose.PRACTICE, last)
        for pk, quiz, when, allowed, purpose, last in rows
    }


def question_skills(version_ids: list[int]) -> dict[int, dict[int, list[int]]]:
    """Per version: skill → its question ids, in a stable order (one query). Every kind of
    question: choices are picked, short and numerical answers typed."""
    through = Question.skills.through
    rows = (
        through.objects.filter(question__version_id__in=version_ids)
        .order_by("question_id", "skill_id")
        .values_list("question__version_id", "skill_id", "question_id")
    )
    out: dict[int, dict[int, list[int]]] = defaultdict(lambda: defaultdict(list))
    for version, skill, question in rows:
        out[version][skill].append(question)
    return out


def _taking(user_ref: str, quiz_ref: str) -> Q:
    """The person is taking the quiz: an attempt in progress or an open quiz assignment."""
    return Q(
        Exists(
            Attempt.objects.filter(
                user_id=OuterRef(user_ref), quiz_id=OuterRef(quiz_ref), status="in_progress"
            )
        )
    ) | Q(
        Exists(
            Assignment.objects.filter(
                user_id=OuterRef(user_ref), quiz_id=OuterRef(quiz_ref), status="open"
            )
        )
    )


def eligible_versions_by_user(
    *, user_ids: list[int], versions: dict[int, VersionRule]
) -> dict[int, set[int]]:
    """Per person, the versions they may practise: every bank, and the eligible quiz versions
    they have taken and are not taking (one query)."""
    rows = (
        Attempt.objects.filter(
            user_id__in=user_ids,
            quiz_version_id__in=[pk for pk, rule in versions.items() if not rule.bank],
            status__in=(Attempt.Status.SUBMITTED, Attempt.Status.SCORED),
        )
        .exclude(_taking("user_id", "quiz_id"))
        .values("user_id", "quiz_version_id")
        .annotate(finished=Count("pk"))
        .values_list("user_id", "quiz_version_id", "finished")
    )
    banks = {pk for pk, rule in versions.items() if rule.bank}
    out: dict[int, set[int]] = {pk: set(banks) for pk in user_ids}
    for user_id, version_id, finished in rows:
        rule = versions[version_id]
        if rule.review_when == QuizVersion.ReviewWhen.AFTER_LAST_ATTEMPT and (
            finished < rule.attempts_allowed
        ):
            continue  # attempts left: the answers are still hidden from them
        out[user_id].add(version_id)
    return out


def learners(user_ids: list[int] | None = None) -> list[tuple[int, str]]:
    """(id, time zone) of every active member of a team: who gets daily practice."""
    people = User.objects.filter(
        is_active=True,
        pk__in=Membership.objects.filter(role=Membership.Role.MEMBER).values("user_id"),
    )
    if user_ids is not None:
        people = people.filter(pk__in=user_ids)
    return list(people.order_by("pk").values_list("pk", "time_zone"))


def beliefs_for(*, user_ids: list[int], now: datetime) -> dict[int, dict[int, tuple[float, float]]]:
    """Per person and skill, (Σa, Σb) decayed to ``now`` (one query)."""
    out: dict[int, dict[int, tuple[float, float]]] = defaultdict(dict)
    rows = decayed(SkillProficiency.objects.filter(user_id__in=user_ids), now).values_list(
        "user_id",
        "skill_id",
        "alpha_now",  # type: ignore[misc]
        "beta_now",
    )
    for user_id, skill_id, alpha, beta in rows:
        out[user_id][skill_id] = (alpha, beta)
    return out


def practice_findings() -> QuerySet[QAFinding]:
    """The QA findings practice listens to: all of them, or only those of the sources named in
    ``PRACTICE_FINDING_SOURCES`` (finding sources such as ``review`` or ``page``, and QA tool
    review sources by id)."""
    wanted = settings.PRACTICE_FINDING_SOURCES
    if not wanted:
        return QAFinding.objects.all()
    ids = [int(w) for w in wanted if w.isdigit()]
    kinds = [w for w in wanted if not w.isdigit()]
    return QAFinding.objects.filter(Q(source__in=kinds) | Q(review_source_id__in=ids))


def recent_findings(*, user_ids: list[int], now: datetime) -> dict[int, dict[int, int]]:
    """Per person and skill, QA findings (``practice_findings``) in the last
    ``PRACTICE_FINDING_WINDOW_DAYS`` (one query)."""
    since = now - timedelta(days=settings.PRACTICE_FINDING_WINDOW_DAYS)
    out: dict[int, dict[int, int]] = defaultdict(dict)
    rows = (
        practice_findings()
        .filter(agent_id__in=user_ids, occurred_at__gte=since, occurred_at__lte=now)
        .values("agent_id", "skill_id")
        .annotate(n=Count("pk"))
        .values_list("agent_id", "skill_id", "n")
    )
    for user_id, skill_id, n in rows:
        out[user_id][skill_id] = n
    return out


def cards_for(*, user_ids: list[int]) -> dict[int, dict[int, datetime]]:
    """Per person, question → when it is due (one query)."""
    out: dict[int, dict[int, datetime]] = defaultdict(dict)
    for user_id, question_id, due_at in PracticeCard.objects.filter(
        user_id__in=user_ids
    ).values_list("user_id", "question_id", "due_at"):
        out[user_id][question_id] = due_at
    return out


# --- today's set --------------------------------------------------------------------------------


@dataclass
class Today:
    NO_TEAM = "no_team"  # practice is for members of a team
    NOTHING_YET = "nothing_yet"  # a learner with no bank or taken quiz to draw from

    day: date
    practice_set: PracticeSet | None
    questions: list[Question] = field(default_factory=list)
    answers: dict[int, PracticeAnswer] = field(default_factory=dict)
    reason: str = ""  # why there are no questions, when there are none

    @property
    def done(self) -> int:
        return sum(1 for q in self.questions if q.pk in self.answers)

    @property
    def current(self) -> Question | None:
        """The first question not answered yet."""
        return next((q for q in self.questions if q.pk not in self.answers), None)


def practice_set_get(*, user: User, day: date) -> PracticeSet | None:
    return PracticeSet.objects.filter(user=user, day=day).first()


def practice_today(*, user: User, practice_set: PracticeSet) -> Today:
    """Today's questions in order with their choices, skills and any answers, in the person's
    language where a question is translated into it (``quiz_title``: the quiz's or bank's
    title as they read it): four queries after the set, two more when a question is written
    in another language. A question whose quiz the person is now taking is left out."""
    if practice_set.pk is None:  # not a learner: nothing stored, nothing to practise
        return Today(day=practice_set.day, practice_set=None, reason=_no_set_reason(user))
    ids = list(practice_set.question_ids)
    language = language_code(user.language)
    found = {
        q.pk: q
        for q in Question.objects.filter(pk__in=ids)
        .select_related("version__quiz")
        .annotate(
            taking=_taking_question(user.pk),
            quiz_title=assessments_selectors.quiz_title_shown(
                "version__quiz_id", language=language
            ),
        )
        .prefetch_related(
            Prefetch("choices", queryset=Choice.objects.order_by("position", "pk")),
            Prefetch("skills", queryset=Skill.objects.order_by("position", "name")),
        )
    }
    questions: list[Question] = [found[pk] for pk in ids if pk in found and not found[pk].taking]
    assessments_selectors.questions_show_in(questions, language)
    answers = {a.question_id: a for a in PracticeAnswer.objects.filter(set=practice_set)}
    sop_links_attach([q for q in questions if q.pk in answers], language=language)
    return Today(
        day=practice_set.day,
        practice_set=practice_set,
        questions=questions,
        answers=answers,
        reason="" if ids else Today.NOTHING_YET,
    )


SOP_LINKS_PER_QUESTION = 3


def sop_links_attach(questions: list[Question], *, language: str) -> None:
    """Set ``sop_links`` on each question: the SOP (and heading) its ``sop_ref`` names, else
    the SOPs that teach its skills (those in ``language`` first, at most three). One query
    for the references and one for the skills, each only when needed."""
    if not questions:
        return
    by_ref = courses_selectors.sop_links_for_refs(q.sop_ref for q in questions if q.sop_ref)
    unnamed = [q for q in questions if q.sop_ref not in by_ref]
    by_skill = courses_selectors.sops_by_skill(
        {s.pk for q in unnamed for s in q.skills.all()}, language=language
    )
    for question in questions:
        named = by_ref.get(question.sop_ref)
        links = [named] if named else []
        if not links:
            for skill in question.skills.all():
                links += [link for link in by_skill.get(skill.pk, []) if link not in links]
        question.sop_links = [  # type: ignore[attr-defined]
            link.as_dict() for link in links[:SOP_LINKS_PER_QUESTION]
        ]


def _no_set_reason(user: User) -> str:
    if not Membership.objects.filter(user=user, role=Membership.Role.MEMBER).exists():
        return Today.NO_TEAM
    return Today.NOTHING_YET


def answer_as_dict(
    question: Question, answer: PracticeAnswer, next_due_at: datetime | None = None
) -> dict[str, object]:
    """The feedback on an answer: right, partly right (credit between 0 and 1) or not, the
    right choices (a typed question's accepted answers), every explanation, the general
    feedback, and the SOPs that explain it (``sops``, when the caller sets them)."""
    chosen = set(answer.choice_ids)
    choices = list(question.choices.all())
    typed = question.is_text_kind
    return {
        "correct": answer.correct,
        "partly": 0 < answer.credit < 1,
        "credit": answer.credit,
        "choices": sorted(chosen),
        "response": answer.response_text,
        "right_choices": [c.pk for c in choices if choice_is_right(question, c)],
        "feedback": [
            {
                "id": c.pk,
                "text": _accepted_text(c) if typed else c.text,
                "correct": choice_is_right(question, c),
                "chosen": c.pk in chosen,
                "explanation": c.explanation,
            }
            for c in choices
            # a numerical question's "any other answer" is only feedback for wrong answers
            if c.explanation or not (question.kind == "numerical" and c.value is None)
        ],
        "general_feedback": question.general_feedback,
        "sops": getattr(question, "sop_links", []),
        "next_due_at": next_due_at,
        "interval_days": None
        if next_due_at is None
        else round((next_due_at - answer.answered_at).total_seconds() / 86_400, 2),
    }


def choice_is_right(question: Question, choice: Choice) -> bool:
    """A right answer: an accepted answer or a multiple-response choice worth something, the
    one choice worth the full mark of a single-choice question (a 50% option is partly right,
    not right)."""
    if choice.fraction is None:
        return choice.is_correct
    if question.kind in ("single", "true_false"):
        return choice.fraction >= 0.999
    return choice.fraction > 0


def _accepted_text(choice: Choice) -> str:
    if choice.value is None:
        return choice.text or _("any other answer")
    if choice.tolerance:
        return f"{choice.value:g} ± {choice.tolerance:g}"
    return f"{choice.value:g}"


def today_as_dict(today: Today) -> dict[str, object]:
    """Today's set for the API: a typed question's accepted answers stay hidden until it is
    answered."""
    return {
        "day": today.day,
        "total": len(today.questions),
        "answered": today.done,
        "reason": today.reason,
        "questions": [
            {
                "id": q.pk,
                "quiz": getattr(q, "quiz_title", q.version.quiz.title),
                "kind": q.kind,
                "text_html": q.text_html,
                "skills": [s.name for s in q.skills.all()],
                "choices": []
                if q.is_text_kind
                else [{"id": c.pk, "text": c.text} for c in q.choices.all()],
                "answer": answer_as_dict(q, today.answers[q.pk]) if q.pk in today.answers else None,
            }
            for q in today.questions
        ],
    }


def _taking_question(user_id: int) -> Q:
    return Q(
        Exists(
            Attempt.objects.filter(
                user_id=user_id, quiz_id=OuterRef("version__quiz_id"), status="in_progress"
            )
        )
    ) | Q(
        Exists(
            Assignment.objects.filter(
                user_id=user_id, quiz_id=OuterRef("version__quiz_id"), status="open"
            )
        )
    )


def preference_of(user: User) -> PracticePreference:
    """The person's nudge preference (unsaved default when they never chose)."""
    found = PracticePreference.objects.filter(user=user).first()
    if found is not None:
        return found
    is_learner = Membership.objects.filter(user=user, role=Membership.Role.MEMBER).exists()
    return PracticePreference(user=user, nudge=is_learner, nudge_hour=settings.PRACTICE_NUDGE_HOUR)


# --- for leads ----------------------------------------------------------------------------------


def skills_without_bank_questions(*, now: datetime | None = None) -> list[Skill]:
    """Skills no published practice bank has a question on: practice can only reach them
    through quizzes a learner has taken, so a lead knows which bank to write. Two queries."""
    versions = eligible_versions(now=now or timezone.now())
    banks = [pk for pk, rule in versions.items() if rule.bank]
    covered = Question.skills.through.objects.filter(question__version_id__in=banks)
    return list(
        Skill.objects.exclude(pk__in=covered.values("skill_id")).order_by(
            "position", localized("name")
        )
    )


ADHERENCE_DAYS = 28


@dataclass(frozen=True)
class MemberAdherence:
    user: User
    days_practised: int
    answers: int
    last_practised: date | None


def team_adherence(
    *, lead: User, team_id: RawId, now: datetime | None = None
) -> tuple[Team, list[MemberAdherence]]:
    """Per member of a team the caller leads: days practised (a day of theirs with at least
    one answer) in the last 28 days. One query after the team."""
    now = now or timezone.now()
    team = team_get_led(user=lead, team_id=team_id)
    since = (now - timedelta(days=ADHERENCE_DAYS)).date()
    members = list(
        User.objects.filter(memberships__team=team, memberships__role=Membership.Role.MEMBER)
        .annotate(
            days_practised=Count(
                "practice_sets",
                filter=Q(practice_sets__day__gt=since, practice_sets__answers__isnull=False),
                distinct=True,
            ),
            answers=Count(
                "practice_sets__answers",
                filter=Q(practice_sets__day__gt=since),
                distinct=True,
            ),
            last_practised=Max(
                "practice_sets__day", filter=Q(practice_sets__answers__isnull=False)
            ),
        )
        .order_by("name", "pk")
    )
    return team, [
        MemberAdherence(
            user=m,
            days_practised=m.days_practised,
            answers=m.answers,
            last_practised=m.last_practised,
        )
        for m in members
    ]


def member_get_led(*, lead: User, team: Team, user_id: RawId) -> User:
    pk = parse_id(user_id, _("User not found."))
    user = User.objects.filter(
        pk=pk, memberships__team=team, memberships__role=Membership.Role.MEMBER
    ).first()
    if user is None:
        raise NotFound(_("User not found."))
    return user


TRAJECTORY_WEEKS = 12


@dataclass(frozen=True)
class Trajectory:
    skill: Skill
    points: list[tuple[date, float]]  # (week's end, level)

    @property
    def first(self) -> float:
        return self.points[0][1]

    @property
    def last(self) -> float:
        return self.points[-1][1]


def skill_trajectories(*, user: User, now: datetime | None = None) -> list[Trajectory]:
    """Each skill's level at the end of each of the last 12 weeks, recomputed from the raw
    evidence as the skill model would have seen it then (the same decay). Two queries."""
    now = now or timezone.now()
    start = now - timedelta(weeks=TRAJECTORY_WEEKS)
    skills = {s.pk: s for s in Skill.objects.order_by("position", "name")}
    by_skill: dict[int, list[tuple[float, float, datetime]]] = defaultdict(list)
    for skill_id, outcome, weight, at in (
        SkillEvidence.objects.filter(user=user, occurred_at__lte=now)
        .order_by("occurred_at")
        .values_list("skill_id", "outcome", "weight", "occurred_at")
    ):
        by_skill[skill_id].append((outcome, weight, at))
    ends = [start + timedelta(weeks=w) for w in range(1, TRAJECTORY_WEEKS + 1)]
    out = []
    for skill_id, skill in skills.items():
        items = by_skill.get(skill_id)
        if not items or items[-1][2] < start - timedelta(days=365):
            continue
        points = []
        for end in ends:
            alpha = beta = 0.0
            for outcome, weight, at in items:
                if at > end:
                    break
                a, b = contribution(outcome=outcome, weight=weight, at=at, now=end)
                alpha, beta = alpha + a, beta + b
            points.append((end.date(), belief(alpha, beta).level))
        out.append(Trajectory(skill=skill, points=points))
    return out


def effect_window_days() -> int:
    return int(settings.PRACTICE_FINDING_WINDOW_DAYS)


@dataclass(frozen=True)
class PracticeEffect:
    skill: Skill
    agents: int
    before: float  # findings per agent-week
    after: float


def practice_effect(*, team: Team, now: datetime | None = None) -> list[PracticeEffect]:
    """QA findings per agent-week on a skill in the ``PRACTICE_FINDING_WINDOW_DAYS`` before and
    after each member first practised it, over the members whose after window has ended, with
    how many members are behind each figure. Three queries."""
    now = now or timezone.now()
    window = timedelta(days=settings.PRACTICE_FINDING_WINDOW_DAYS)
    weeks = window.days / 7
    starts = {
        (row["set__user_id"], row["question__skills"]): row["start"]
        for row in PracticeAnswer.objects.filter(
            set__user__memberships__team=team,
            set__user__memberships__role=Membership.Role.MEMBER,
            question__skills__isnull=False,
        )
        .values("set__user_id", "question__skills")
        .annotate(start=Min("answered_at"))
        if row["start"] + window <= now
    }
    if not starts:
        return []
    counts: dict[tuple[int, int], list[int]] = {key: [0, 0] for key in starts}
    for agent, skill, at in (
        practice_findings()
        .filter(
            agent_id__in={u for u, _s in starts},
            skill_id__in={s for _u, s in starts},
            occurred_at__gte=min(starts.values()) - window,
        )
        .values_list("agent_id", "skill_id", "occurred_at")
    ):
        start = starts.get((agent, skill))
        if start is None:
            continue
        if start - window <= at < start:
            counts[(agent, skill)][0] += 1
        elif start <= at < start + window:
            counts[(agent, skill)][1] += 1
    skills = {s.pk: s for s in Skill.objects.filter(pk__in={s for _u, s in starts})}
    by_skill: dict[int, list[list[int]]] = defaultdict(list)
    for (_agent, skill), pair in counts.items():
        by_skill[skill].append(pair)
    return [
        PracticeEffect(
            skill=skills[skill],
            agents=len(pairs),
            before=sum(p[0] for p in pairs) / (len(pairs) * weeks),
            after=sum(p[1] for p in pairs) / (len(pairs) * weeks),
        )
        for skill, pairs in sorted(by_skill.items(), key=lambda kv: skills[kv[0]].position)
    ]


@dataclass(frozen=True)
class NudgeComparison:
    """ "Is practice working?" with a comparison group: QA findings per agent-week in the
    ``EFFECT_DAYS`` before and after each learner was drawn, nudged learners against the
    randomized hold-out, as a difference in differences with its bootstrap interval
    (``qa.selectors.effect_estimate``; "not enough" below ``EFFECT_MIN_AGENTS`` a group)."""

    nudged: int
    held_out: int
    nudged_before: float | None
    nudged_after: float | None
    held_before: float | None
    held_after: float | None
    estimate: Estimate
    days: int
    min_agents: int


def nudge_comparison(*, team: Team, now: datetime | None = None) -> NudgeComparison | None:
    """The hold-out comparison for a team's learners whose after window has ended, or None
    when nobody of the team was ever drawn (no hold-out configured). Learners held out who
    turned the reminder on themselves left the comparison. Two queries."""
    now = now or timezone.now()
    window = timedelta(days=EFFECT_DAYS)
    groups = list(
        PracticeNudgeGroup.objects.filter(
            user__memberships__team=team, user__memberships__role=Membership.Role.MEMBER
        )
        .exclude(held_out=True, user__practice_preference__nudge=True)
        .values_list("user_id", "held_out", "assigned_at")
        .distinct()
    )
    if not groups:
        return None
    ended = [(pk, held, at) for pk, held, at in groups if at + window <= now]
    counts = {pk: [0, 0] for pk, _held, _at in ended}
    drawn = {pk: at for pk, _held, at in ended}
    if ended:
        for agent, at in (
            practice_findings()
            .filter(
                agent_id__in=list(drawn),
                occurred_at__gte=min(drawn.values()) - window,
                occurred_at__lt=max(drawn.values()) + window,
            )
            .values_list("agent_id", "occurred_at")
        ):
            start = drawn[agent]
            if start - window <= at < start:
                counts[agent][0] += 1
            elif start <= at < start + window:
                counts[agent][1] += 1
    nudged = [Counts(*counts[pk]) for pk, held, _at in ended if not held]
    held_out = [Counts(*counts[pk]) for pk, held, _at in ended if held]
    weeks = EFFECT_DAYS / 7

    def rate(group: list[Counts], column: int) -> float | None:
        return sum(c[column] for c in group) / (len(group) * weeks) if group else None

    return NudgeComparison(
        nudged=len(nudged),
        held_out=len(held_out),
        nudged_before=rate(nudged, 0),
        nudged_after=rate(nudged, 1),
        held_before=rate(held_out, 0),
        held_after=rate(held_out, 1),
        estimate=effect_estimate(trained=nudged, comparison=held_out, seed=f"nudge-{team.pk}"),
        days=EFFECT_DAYS,
        min_agents=EFFECT_MIN_AGENTS,
    )
