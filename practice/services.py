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
from assessments.selectors import answer_credit
from core.errors import Conflict, NotFound, ValidationFailed
from core.ids import parse_id
from core.types import RawId
from practice import selection, selectors
from practice.models import PracticeAnswer, PracticeCard, PracticePreference, PracticeSet
from practice.scheduling import card_review
from skills.models import SkillEvidence
from skills.services import evidence_add, evidence_row

_T = TypeVar("_T")


def _batches(items: list[_T], size: int) -> Iterator[list[_T]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


def practice_sets_build(
    *, now: datetime | None = None, user_ids: list[int] | None = None, batch: int | None = None
) -> int:
    """Build each learner's set for their current day where missing. Returns how many sets
    were inserted (0 on a second run)."""
    now = now or timezone.now()
    versions = selectors.eligible_versions(now=now)
    by_version = selectors.question_skills(list(versions))
    people = selectors.learners(user_ids)
    size = settings.PRACTICE_SET_SIZE
    boost = settings.PRACTICE_FINDING_BOOST
    created = 0
    for chunk in _batches(people, batch or settings.PRACTICE_BUILD_BATCH):
        days = {pk: selectors.local_day(zone, now) for pk, zone in chunk}
        zones = dict(chunk)
        have = set(
            PracticeSet.objects.filter(
                user_id__in=list(days), day__in=set(days.values())
            ).values_list("user_id", "day")
        )
        todo = [pk for pk in days if (pk, days[pk]) not in have]
        if not todo:
            continue
        beliefs = selectors.beliefs_for(user_ids=todo, now=now)
        findings = selectors.recent_findings(user_ids=todo, now=now)
        taken = selectors.eligible_versions_by_user(user_ids=todo, versions=versions)
        cards = selectors.cards_for(user_ids=todo)
        sets = []
        for pk in todo:
            day = days[pk]
            question_ids = _pick_for(
                day=day,
                day_end=selectors.day_end(zones[pk], day),
                user_id=pk,
                versions=[by_version[v] for v in sorted(taken.get(pk, ())) if v in by_version],
                beliefs=beliefs.get(pk, {}),
                findings=findings.get(pk, {}),
                cards=cards.get(pk, {}),
                size=size,
                boost=boost,
            )
            sets.append(PracticeSet(user_id=pk, day=day, question_ids=question_ids, built_at=now))
        created += len(PracticeSet.objects.bulk_create(sets, ignore_conflicts=True))
    return created


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
) -> list[int]:
    candidates: dict[int, list[int]] = {}
    eligible: set[int] = set()
    for skills in versions:
        for skill, questions in skills.items():
            eligible.update(questions)
            new = [q for q in questions if q not in cards]
            if new:
                candidates.setdefault(skill, []).extend(new)
    due = sorted((at, q) for q, at in cards.items() if at < day_end and q in eligible)
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
    """Today's set of ``user``, built now if the periodic build has not reached them yet."""
    now = now or timezone.now()
    day = selectors.local_day(user.time_zone, now)
    found = selectors.practice_set_get(user=user, day=day)
    if found is not None:
        return found
    practice_sets_build(now=now, user_ids=[user.pk])
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

    @property
    def interval_days(self) -> float:
        return round((self.next_due_at - self.answer.answered_at).total_seconds() / 86_400, 2)


@transaction.atomic
def practice_answer(
    *, user: User, question_id: RawId, choice_ids: Sequence[RawId], now: datetime | None = None
) -> Feedback:
    """Answer a question of today's set, once. ``NotFound`` when it is not in today's set (or
    its quiz is being taken now), ``Conflict`` when already answered, ``ValidationFailed`` for
    choices that are not the question's."""
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
    choices = list(question.choices.all())
    own = {c.pk for c in choices}
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
    right = {c.pk for c in choices if c.is_correct}
    credit = answer_credit(kind=question.kind, correct=right, chosen=chosen)
    answer = PracticeAnswer.objects.create(
        set=practice_set,
        question=question,
        choice_ids=sorted(chosen),
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
        right_choice_ids=sorted(right),
        explanations=[(c.pk, c.text, c.is_correct, c.explanation) for c in choices],
        next_due_at=card.due_at,
    )


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
