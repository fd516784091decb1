"""Pure scoring rules: no database, easy to test and to explain.

**Credit per question** (0..1, multiplied by the question's weight):

- single choice and true/false: 1 if exactly the correct choice is chosen, else 0;
- multiple response (partial credit): (right choices chosen − wrong choices chosen) ÷ number
  of right choices, never below 0. Choosing every option therefore earns little, and a blank
  answer earns 0.

**Band**: the band with the highest lower bound (``min_score``) that the score reaches, so a
fractional score such as 3.5 of 5 is never between bands.

**Item analysis** (classical test theory): facility = mean credit; discrimination = facility
in the top 27% of attempts by total score minus facility in the bottom 27%.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

T = TypeVar("T")


def answer_credit(*, kind: str, correct: set[int], chosen: set[int]) -> float:
    if not chosen:
        return 0.0
    if kind in ("single", "true_false"):
        return 1.0 if chosen == correct else 0.0
    if not correct:
        return 0.0
    right = len(chosen & correct)
    wrong = len(chosen - correct)
    return max(0.0, (right - wrong) / len(correct))


class Band(Protocol):
    min_score: float


B = TypeVar("B", bound=Band)


def band_for(bands: Iterable[B], score: float) -> B | None:
    reached = [band for band in bands if score >= band.min_score - 1e-9]
    return max(reached, key=lambda band: band.min_score) if reached else None


def shuffled(items: Sequence[T], seed: int) -> list[T]:
    """A stable shuffle: the same seed always gives the same order."""
    result = list(items)
    random.Random(seed).shuffle(result)  # noqa: S311 (ordering, not security)
    return result


@dataclass(frozen=True)
class ItemResult:
    attempts: int
    facility: float
    discrimination: float


def item_analysis(totals: Sequence[float], credits: Sequence[float]) -> ItemResult:
    """``totals[i]`` is attempt i's total score, ``credits[i]`` its credit on this item."""
    n = len(totals)
    if n == 0:
        return ItemResult(0, 0.0, 0.0)
    facility = sum(credits) / n
    group = max(1, round(0.27 * n))
    ranked = sorted(range(n), key=lambda i: (totals[i], i))
    low = [credits[i] for i in ranked[:group]]
    high = [credits[i] for i in ranked[-group:]]
    return ItemResult(n, facility, sum(high) / group - sum(low) / group)
