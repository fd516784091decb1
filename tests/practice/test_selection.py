"""The selection rule and the FSRS spacing, computed by hand."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from practice.models import PracticeCard
from practice.scheduling import card_review
from practice.selection import pick, skill_priorities

# Beta(1 + Σa, 1 + Σb): the 2.5% quantile has a closed form for these three beliefs.
NONE = (0.0, 0.0)  # Beta(1, 1): low = 0.025 → priority 0.975 (uncertain)
STRONG = (18.0, 0.0)  # Beta(19, 1): low = 0.025^(1/19) = 0.8235 → 0.1765
WEAK = (0.0, 18.0)  # Beta(1, 19): low = 1 − 0.975^(1/19) = 0.00133 → 0.99867 (weak)


def test_priority_is_one_minus_the_lower_bound_boosted_by_findings():
    got = skill_priorities(
        skill_ids=[1, 2, 3], beliefs={2: STRONG, 3: WEAK}, findings={2: 2}, boost=0.5
    )
    assert got[1] == pytest.approx(0.975, abs=1e-4)
    assert got[2] == pytest.approx((1 - 0.025 ** (1 / 19)) * 2, abs=1e-4)  # 0.1765 × (1 + 0.5·2)
    assert got[3] == pytest.approx(0.975 ** (1 / 19), abs=1e-4)


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        # weights C .9987, A .975, B .1765: C, A, C (.4993 > .4875), A, C (.2497 > .2437 > .1765)
        pytest.param({}, {1: 2, 2: 0, 3: 3}, id="weak-and-uncertain-first"),
        # two findings double B to .353: C, A, C, A, then B (.353 > .2497)
        pytest.param({2: 2}, {1: 2, 2: 1, 3: 2}, id="qa-findings-raise-a-strong-skill"),
    ],
)
def test_pick_prefers_weak_and_uncertain_skills(findings, expected):
    candidates = {1: list(range(100, 110)), 2: list(range(200, 210)), 3: list(range(300, 310))}
    priorities = skill_priorities(
        skill_ids=candidates, beliefs={2: STRONG, 3: WEAK}, findings=findings, boost=0.5
    )
    chosen = pick(
        due=[], candidates=candidates, priorities=priorities, size=5, rng=random.Random(7)
    )
    per_skill = {s: sum(1 for q in chosen if q // 100 == s) for s in (1, 2, 3)}
    assert per_skill == expected
    assert len(set(chosen)) == 5
    # the order of skills is the hand-computed one
    assert [q // 100 for q in chosen][:4] == [3, 1, 3, 1]
    # the same seed draws the same questions
    again = pick(due=[], candidates=candidates, priorities=priorities, size=5, rng=random.Random(7))
    assert again == chosen


def test_due_reviews_come_first_and_fill_the_set():
    candidates = {1: [100, 101, 102]}
    chosen = pick(
        due=[7, 8], candidates=candidates, priorities={1: 1.0}, size=3, rng=random.Random(1)
    )
    assert chosen[:2] == [7, 8]
    assert chosen[2] in candidates[1]
    assert pick(
        due=[1, 2, 3, 4], candidates=candidates, priorities={1: 1.0}, size=3, rng=random.Random(1)
    ) == [1, 2, 3]


def test_pick_stops_when_nothing_is_left():
    assert pick(due=[], candidates={1: [5]}, priorities={1: 1.0}, size=5, rng=random.Random(1)) == [
        5
    ]


def _interval(card: PracticeCard, credit: float, at: datetime) -> timedelta:
    card_review(card, credit=credit, at=at)
    return card.due_at - at


def test_fsrs_intervals_grow_after_good_answers_and_shrink_after_bad(settings):
    settings.PRACTICE_FSRS_FUZZING = False
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    card = PracticeCard(user_id=1, question_id=1, state=1, step=0, due_at=at)
    good = []
    for _ in range(3):
        good.append(_interval(card, 1.0, at))
        at = card.due_at
    assert good[0] < good[1] < good[2]
    assert good[0] >= timedelta(days=1)
    lapse = _interval(card, 0.0, at)
    assert lapse < good[2]
    assert card.lapses == 1
    assert card.reviews == 4
    # a partly right answer (Hard) waits less than a right one would have
    at = card.due_at
    twin = PracticeCard(
        user_id=1,
        question_id=2,
        state=card.state,
        step=card.step,
        stability=card.stability,
        difficulty=card.difficulty,
        due_at=card.due_at,
        last_review=card.last_review,
        reviews=4,
    )
    assert _interval(twin, 0.5, at) < _interval(card, 1.0, at)
