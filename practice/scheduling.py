"""Spacing with FSRS (the ``fsrs`` package): how a practice answer moves a card's due time.

Practice is daily, so the scheduler has no minute-long learning steps: a new card goes straight
to FSRS's day-based intervals. A right answer rates the card ``Good``, a partly right one
(multiple response) ``Hard`` and a wrong one ``Again``; FSRS then lengthens the interval after
good answers and shortens it after bad ones.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from django.conf import settings
from fsrs import Card, Rating, Scheduler, State

from practice.models import PracticeCard


@cache
def _scheduler(retention: float, fuzzing: bool) -> Scheduler:
    return Scheduler(
        desired_retention=retention,
        learning_steps=(),
        relearning_steps=(),
        enable_fuzzing=fuzzing,
    )


def scheduler() -> Scheduler:
    return _scheduler(settings.PRACTICE_FSRS_RETENTION, settings.PRACTICE_FSRS_FUZZING)


def rating_for(credit: float) -> Rating:
    if credit >= 1.0:
        return Rating.Good
    return Rating.Hard if credit > 0 else Rating.Again


def card_review(card: PracticeCard, *, credit: float, at: datetime) -> PracticeCard:
    """Apply one answer to ``card`` (unsaved changes): its new FSRS state and due time."""
    state = Card(
        card_id=card.pk or 1,
        state=State(card.state) if card.state else State.Learning,
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due=card.due_at.astimezone(UTC) if card.due_at else at.astimezone(UTC),
        last_review=card.last_review.astimezone(UTC) if card.last_review else None,
    )
    if state.state == State.Learning and state.step is None:
        state.step = 0
    rating = rating_for(credit)
    reviewed, _log = scheduler().review_card(state, rating, review_datetime=at.astimezone(UTC))
    card.state = int(reviewed.state)
    card.step = reviewed.step
    card.stability = reviewed.stability
    card.difficulty = reviewed.difficulty
    card.due_at = reviewed.due
    card.last_review = reviewed.last_review
    card.reviews += 1
    if rating == Rating.Again and card.reviews > 1:
        card.lapses += 1
    return card
