"""Writes of practice: building the daily sets, answering, and the nudge preference.

``practice_sets_build`` builds, for each learner, the set of their current calendar day (in
their own time zone) if it does not exist yet: in batches of ``PRACTICE_BUILD_BATCH`` people,
each batch a fixed number of statements (existing sets, beliefs, recent findings, eligible
quizzes, cards, one INSERT), whatever the number of questions or people. The unique
(user, day) makes it idempotent: a second run, or a parallel one, inserts nothing.

``practice_answer`` records one answer: immediate feedback (right or not, the right choices
and every explanation), the FSRS card moved (``practice.scheduling``), and skill evidence at
``PRACTICE_EVIDENCE_WEIGHT`` × the question's weight (source ``practice``).
"""

from __future__ import annotations

import random
import secrets
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import islice
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from assessments.models import Question
from assessments.selectors import question_credit_of
from assessments.services import typed_answer_clean
from core.content import language_code
from core.errors import Conflict, NotFound, ValidationFailed
from core.ids import parse_id
from core.types import RawId
from practice import selection, selectors
from practice.models import (
    PracticeAnswer,
    PracticeCard,
    PracticeNudgeGroup,
    PracticePreference,
    PracticeSet,
)
from practice.scheduling import card_review
from skills.models import SkillEvidence
from skills.services import evidence_add, evidence_row

_T = TypeVar("_T")


def _batches(items: list[_T], size: int) -> Iterator[list[_T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def practice_sets_build(
    *,
    now: datetime | None = None,
    user_ids: list[int] | None = None,
    batch: int | None = None,
    versions: dict[int, selectors.VersionRule] | None = None,
) -> int:
    """Build each learner's set for their current day where it is missing, and refill it where
    it is stale (drawn from other versions than the person may practise now). Returns how many
    sets were written (0 on a second run)."""
    now = now or timezone.now()
    if versions is None:
        versions = selectors.eligible_versions(now=now)
    by_version: dict[int, dict[int, list[int]]] | None = None
    people = selectors.learners(user_ids)
    written = 0
    for chunk in _batches(people, batch or settings.PRACTICE_BUILD_BATCH):
        zones = dict(chunk)
        days = {pk: selectors.local_day(zone, now) for pk, zone in chunk}
        existing = {
            found.user_id: found
            for found in PracticeSet.objects.filter(
                user_id__in=list(days), day__in=set(days.values())
            ).only("pk", "user_id", "day", "sources")
            if days[found.user_id] == found.day
        }
        taken = selectors.eligible_versions_by_user(user_ids=list(days), versions=versions)
        sources = {pk: selectors.sources_of(taken.get(pk, ()), versions) for pk in days}
        new = [pk for pk in days if pk not in existing]
        stale = [pk for pk in days if pk in existing and existing[pk].sources != sources[pk]]
        if not new and not stale:
            continue
        if by_version is None:
            by_version = selectors.question_skills(list(versions))
        draw = _Draw(
            now=now,
            todo=new + stale,
            versions=by_version,
            sources=sources,
            zones=zones,
            days=days,
        )
        if new:
            sets = [
                PracticeSet(
                    user_id=pk,
                    day=days[pk],
                    question_ids=draw.pick(pk, answered=[]),
                    sources=sources[pk],
                    built_at=now,
                )
                for pk in new
            ]
            written += len(PracticeSet.objects.bulk_create(sets, ignore_conflicts=True))
            _nudge_groups_draw(new, now=now)
        if stale:
            written += _refill(draw, [existing[pk].pk for pk in stale], now=now)
    return written


def _nudge_groups_draw(user_ids: list[int], *, now: datetime) -> None:
    """Draw each learner once into the nudge hold-out or not, with
    ``PRACTICE_NUDGE_HOLDOUT_PERCENT`` (one statement; none while it is 0). A person already
    drawn keeps their group."""
    percent = settings.PRACTICE_NUDGE_HOLDOUT_PERCENT
    if percent <= 0 or not user_ids:
        return
    PracticeNudgeGroup.objects.bulk_create(
        [
            PracticeNudgeGroup(
                user_id=pk, held_out=secrets.randbelow(100) < percent, assigned_at=now
            )
            for pk in user_ids
        ],
        ignore_conflicts=True,
    )


def _refill(draw: _Draw, set_ids: list[int], *, now: datetime) -> int:
    """Redraw the unanswered places of stale sets, keeping what was answered (in its order):
    the sets locked as an answer locks its set, so an answer and a refill never cross."""
    with transaction.atomic():
        locked = list(PracticeSet.objects.select_for_update().filter(pk__in=set_ids).order_by("pk"))
        answered: dict[int, set[int]] = defaultdict(set)
        for set_id, question_id in PracticeAnswer.objects.filter(set_id__in=set_ids).values_list(
            "set_id", "question_id"
        ):
            answered[set_id].add(question_id)
        for found in locked:
            kept = [q for q in found.question_ids if q in answered[found.pk]]
            found.question_ids = kept + draw.pick(found.user_id, answered=kept)
            found.sources = draw.sources[found.user_id]
            found.built_at = now
        PracticeSet.objects.bulk_update(locked, ["question_ids", "sources", "built_at"])
    return len(locked)


class _Draw:
    """What picking needs for one batch: beliefs, recent findings and cards of the people to
    draw for (three queries), and the eligible questions by version and skill."""

    def __init__(
        self,
        *,
        now: datetime,
        todo: list[int],
        versions: dict[int, dict[int, list[int]]],
        sources: dict[int, list[list[int]]],
        zones: dict[int, str],
        days: dict[int, date],
    ) -> None:
        self.versions = versions
        self.sources = sources
        self.zones = zones
        self.days = days
        self.beliefs = selectors.beliefs_for(user_ids=todo, now=now)
        self.findings = selectors.recent_findings(user_ids=todo, now=now)
        self.cards = selectors.cards_for(user_ids=todo)

    def pick(self, pk: int, *, answered: list[int]) -> list[int]:
        day = self.days[pk]
        return _pick_for(
            day=day,
            day_end=selectors.day_end(self.zones[pk], day),
            user_id=pk,
            versions=[self.versions[v] for v, _last in self.sources[pk] if v in self.versions],
            beliefs=self.beliefs.get(pk, {}),
            findings=self.findings.get(pk, {}),
            cards=self.cards.get(pk, {}),
            size=settings.PRACTICE_SET_SIZE - len(answered),
            boost=settings.PRACTICE_FINDING_BOOST,
            exclude=set(answered),
        )


def _pick_for(
    *,
    day: date,
    day_end: datetime,
    user_id: int,
    versions: list[dict[int, list[int]]],
    beliefs: dict[int, tuple[float, float]],
    findings: dict[int, int],
    cards: dict[int, datetime],
    size: int,
    boost: float,
    exclude: set[int] | None = None,
) -> list[int]:
    if size <= 0:
        return []
    exclude = exclude or set()
    candidates: dict[int, list[int]] = {}
    eligible: set[int] = set()
    for skills in versions:
        for skill, questions in skills.items():
            eligible.update(questions)
            new = [q for q in questions if q not in cards and q not in exclude]
            if new:
                candidates.setdefault(skill, []).extend(new)
    due = sorted(
        (at, q) for q, at in cards.items() if at < day_end and q in eligible and q not in exclude
    )
    priorities = selection.skill_priorities(
        skill_ids=candidates, beliefs=beliefs, findings=findings, boost=boost
    )
    return selection.pick(
        due=[q for _at, q in due],
        candidates=candidates,
        priorities=priorities,
        size=size,
        rng=random.Random(selection.seed_for(user_id, day.toordinal())),  # noqa: S311 (not security)
    )


def practice_today_ensure(*, user: User, now: datetime | None = None) -> PracticeSet:
    """Today's set of ``user``: built now if the periodic build has not reached them yet, and
    refilled if it is stale (they finished a quiz, a bank was published since it was built)."""
    now = now or timezone.now()
    day = selectors.local_day(user.time_zone, now)
    versions = selectors.eligible_versions(now=now)
    found = selectors.practice_set_get(user=user, day=day)
    if found is not None:
        taken = selectors.eligible_versions_by_user(user_ids=[user.pk], versions=versions)
        if found.sources == selectors.sources_of(taken[user.pk], versions):
            return found  # three statements when nothing changed
    practice_sets_build(now=now, user_ids=[user.pk], versions=versions)
    found = selectors.practice_set_get(user=user, day=day)
    if found is None:  # not a learner (no team membership): an empty set, not stored
        return PracticeSet(user=user, day=day, question_ids=[])
    return found


@dataclass(frozen=True)
class Feedback:
    question: Question
    answer: PracticeAnswer
    right_choice_ids: list[int]
    explanations: list[tuple[int, str, bool, str]]  # (choice id, text, right, explanation)
    next_due_at: datetime
    language: str  # the one the question was shown in

    @property
    def interval_days(self) -> float:
        return round((self.next_due_at - self.answer.answered_at).total_seconds() / 86_400, 2)


@transaction.atomic
def practice_answer(
    *,
    user: User,
    question_id: RawId,
    choice_ids: Sequence[RawId] = (),
    response_text: str = "",
    now: datetime | None = None,
) -> Feedback:
    """Answer a question of today's set, once: chosen choices, or a typed answer for a short
    answer or numerical question. Scored by the quiz engine's rule (partial credit included).
    ``NotFound`` when it is not in today's set (or its quiz is being taken now), ``Conflict``
    when already answered, ``ValidationFailed`` for choices that are not the question's or a
    missing or too long typed answer."""
    now = now or timezone.now()
    qid = parse_id(question_id, _("Question not found in today's practice."))
    day = selectors.local_day(user.time_zone, now)
    practice_set = (
        PracticeSet.objects.select_for_update().filter(user=user, day=day).first()
    )  # serialises answers of one person
    if practice_set is None or qid not in practice_set.question_ids:
        raise NotFound(_("Question not found in today's practice."))
    today = selectors.practice_today(user=user, practice_set=practice_set)
    question = next((q for q in today.questions if q.pk == qid), None)
    if question is None:
        raise NotFound(_("Question not found in today's practice."))
    if qid in today.answers:
        raise Conflict(_("This question has already been answered today."))
    chosen, text = _answer_of(question, choice_ids, response_text)
    credit = question_credit_of(question, chosen=chosen, text=text)
    answer = PracticeAnswer.objects.create(
        set=practice_set,
        question=question,
        choice_ids=sorted(chosen),
        response_text=text,
        credit=credit,
        correct=credit >= 1.0,
        answered_at=now,
    )
    card = PracticeCard.objects.select_for_update().filter(
        user=user, question=question
    ).first() or PracticeCard(user=user, question=question, state=1, step=0, due_at=now)
    card_review(card, credit=credit, at=now)
    card.save()
    evidence_add(
        [
            evidence_row(
                user_id=user.pk,
                skill_id=skill.pk,
                outcome=credit,
                weight=question.weight * settings.PRACTICE_EVIDENCE_WEIGHT,
                at=now,
                source=SkillEvidence.Source.PRACTICE,
                source_id=answer.pk,
                params={"quiz": question.version.quiz.title},
            )
            for skill in question.skills.all()
        ]
    )
    return Feedback(
        question=question,
        answer=answer,
        right_choice_ids=sorted(
            c.pk for c in question.choices.all() if selectors.choice_is_right(question, c)
        ),
        explanations=[(c.pk, c.text, c.is_correct, c.explanation) for c in question.choices.all()],
        next_due_at=card.due_at,
        language=language_code(user.language),
    )


def _answer_of(
    question: Question, choice_ids: Sequence[RawId], response_text: str
) -> tuple[set[int], str]:
    """The chosen choice ids (a choice question) or the typed text (short answer, numerical),
    checked."""
    if question.is_text_kind:
        # as a quiz takes it: spaces, the length, a number for a numerical question
        text = typed_answer_clean(
            question=question, text=str(response_text or ""), field="response"
        )
        if not text:
            message = _("Type your answer.")
            raise ValidationFailed(message, field_errors={"response": [message]})
        return set(), text
    own = {c.pk for c in question.choices.all()}
    try:
        chosen = {int(c) for c in choice_ids}
    except (TypeError, ValueError):
        chosen = {-1}
    if not chosen or not chosen <= own:
        raise ValidationFailed(
            _("Choose among the question's choices."),
            code="not_in_set",
            field_errors={"choices": [_("Choose among the question's choices.")]},
        )
    if question.kind != Question.Kind.MULTIPLE and len(chosen) != 1:
        raise ValidationFailed(
            _("Choose one answer."), field_errors={"choices": [_("Choose one answer.")]}
        )
    return chosen, ""


def practice_preference_set(*, user: User, nudge: bool, nudge_hour: int) -> PracticePreference:
    if not 0 <= nudge_hour <= 23:
        raise ValidationFailed(
            _("Pick an hour from 0 to 23."),
            field_errors={"nudge_hour": [_("Pick an hour from 0 to 23.")]},
        )
    preference, _created = PracticePreference.objects.update_or_create(
        user=user, defaults={"nudge": nudge, "nudge_hour": nudge_hour}
    )
    return preference
