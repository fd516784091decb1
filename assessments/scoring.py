"""Pure scoring rules: no database, easy to test and to explain.

**Credit per question** (0..1, multiplied by the question's weight), as Moodle scores it:

- choice questions (single, multiple, true/false): the sum of the chosen choices' fractions
  (``Choice.fraction``, −1 … 1), clamped to 0..1; a blank answer earns 0. A choice without a
  fraction takes it from ``is_correct`` (``choice_fractions``): single choice and true/false
  1 for the right choice and 0 otherwise, so the right choice earns 1; multiple response
  +1 ÷ (number of right choices) for each right one and −1 ÷ (number of right choices) for
  each wrong one, which is the partial credit these questions always had: (right chosen −
  wrong chosen) ÷ right choices, never below 0 (``answer_credit``, kept for reference);
- short answer: the fraction of the first accepted answer (in order) that the response
  matches, ignoring case and runs of spaces; ``*`` in an accepted answer matches any text;
- numerical: the fraction of the first answer whose ``value ± tolerance`` holds the response,
  read leniently (``parse_number``: "1,5" and "1.5", spaces between digit groups).

**Band**: the band with the highest lower bound (``min_score``) that the score reaches, so a
fractional score such as 3.5 of 5 is never between bands.

**Item analysis** (classical test theory, Moodle's definitions): facility, discrimination
index and discriminative efficiency per question; see ``item_analysis``.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

T = TypeVar("T")

CHOICE_KINDS = frozenset({"single", "multiple", "true_false"})


@dataclass(frozen=True)
class Rule:
    """What scoring needs of one choice or accepted answer."""

    id: int
    is_correct: bool
    fraction: float | None = None
    text: str = ""
    value: float | None = None
    tolerance: float | None = None


def choice_fractions(kind: str, rules: Sequence[Rule]) -> list[float]:
    """The fraction each choice earns: its own, or for a choice without one the classic rule
    (single/true-false: 1 for the one correct choice, else 0; multiple: ±1 ÷ the number of
    correct choices)."""
    correct = sum(rule.is_correct for rule in rules)
    fractions = []
    for rule in rules:
        if rule.fraction is not None:
            fractions.append(rule.fraction)
        elif kind == "multiple":
            share = 1 / correct if correct else 0.0
            fractions.append(share if rule.is_correct else -share)
        else:  # exactly the one correct choice, as before (several: publishing refuses)
            fractions.append(1.0 if rule.is_correct and correct == 1 else 0.0)
    return fractions


def _clamp(credit: float) -> float:
    return max(0.0, min(1.0, round(credit, 9)))


def question_credit(
    *, kind: str, rules: Sequence[Rule], chosen: Iterable[int] = (), text: str = ""
) -> float:
    """The credit (0..1) of one answer: chosen choice ids, or a typed response."""
    if kind in CHOICE_KINDS:
        picked = set(chosen)
        fractions = choice_fractions(kind, rules)
        return _clamp(
            math.fsum(f for rule, f in zip(rules, fractions, strict=True) if rule.id in picked)
        )
    matched = matching_rule(kind=kind, rules=rules, text=text)
    return _clamp(matched_fraction(kind, rules, matched)) if matched is not None else 0.0


def matched_fraction(kind: str, rules: Sequence[Rule], rule: Rule) -> float:
    return choice_fractions(kind, rules)[list(rules).index(rule)]


def matching_rule(*, kind: str, rules: Sequence[Rule], text: str) -> Rule | None:
    """The accepted answer a typed response matches (the first in order), else None."""
    if kind == "short_answer":
        response = normalise_text(text)
        if not response:
            return None
        return next((rule for rule in rules if _text_matches(rule.text, response)), None)
    if kind == "numerical":
        number = parse_number(text)
        if number is None:
            return None
        for rule in rules:
            if rule.value is None:  # "any other answer": feedback only
                continue
            tolerance = abs(rule.tolerance or 0.0)
            # a relative epsilon: 0.1 + 0.2 is within 0.3 ± 0
            slack = 1e-9 * max(1.0, abs(rule.value))
            if abs(number - rule.value) <= tolerance + slack:
                return rule
        return next((rule for rule in rules if rule.value is None), None)
    return None


def normalise_text(text: str) -> str:
    """Lower case, outer spaces removed, inner runs of white space as one space."""
    return " ".join(text.split()).casefold()


def _text_matches(accepted: str, response: str) -> bool:
    pattern = normalise_text(accepted)
    if "*" not in pattern:
        return pattern == response
    regex = ".*".join(re.escape(part) for part in pattern.split("*"))
    return re.fullmatch(regex, response, flags=re.DOTALL) is not None


_GROUP_SPACES = re.compile(r"[\s\u00a0\u202f']")


def parse_number(text: str) -> float | None:
    """A number typed by a person, or None: "1.5", "1,5", "-2", "1 000", "1,000.5", "1e3".

    A single comma is the decimal separator (as in most of Europe); with both a comma and a
    point, the last one is, and the other groups digits. Spaces (also no-break ones) and
    apostrophes between digit groups are ignored.
    """
    cleaned = _GROUP_SPACES.sub("", text.strip())
    if not cleaned or len(cleaned) > 64:
        return None
    if "," in cleaned and "." in cleaned:
        decimal = "," if cleaned.rfind(",") > cleaned.rfind(".") else "."
        grouping = "." if decimal == "," else ","
        cleaned = cleaned.replace(grouping, "").replace(decimal, ".")
    elif cleaned.count(",") == 1:
        cleaned = cleaned.replace(",", ".")
    elif "," in cleaned:
        cleaned = cleaned.replace(",", "")  # 1,000,000
    if not re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", cleaned):
        return None
    value = float(cleaned)
    return value if math.isfinite(value) else None


def answer_credit(*, kind: str, correct: set[int], chosen: set[int]) -> float:
    """The classic rule for choices without fractions (``choice_fractions`` gives the same)."""
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


# Figures need this many analysed attempts; below ``ITEM_ANALYSIS_FEW_ATTEMPTS`` they are shown
# with a "few attempts" flag (a correlation from 10 to 29 pairs is still very uncertain).
ITEM_ANALYSIS_MIN_ATTEMPTS = 10
ITEM_ANALYSIS_FEW_ATTEMPTS = 30


@dataclass(frozen=True)
class ItemResult:
    attempts: int
    facility: float
    discrimination_index: float | None
    discriminative_efficiency: float | None


def item_analysis(
    *, weights: Sequence[float], credits: Sequence[Sequence[float]]
) -> list[ItemResult]:
    """Item analysis of every question, as Moodle's quiz statistics compute it
    (``question/classes/statistics/questions/calculator.php``).

    ``weights[q]`` is question q's weight; ``credits[i][q]`` is attempt i's credit (0..1) on
    question q, 0 when unanswered. Returns one result per question, in the order of ``weights``.

    For question q over the n attempts, with x_i = credit × weight (the item's mark in attempt
    i) and y_i = the sum of attempt i's marks on the *other* questions (the rest of the test;
    Moodle's ``$summarks - $step->mark``):

    - facility = mean credit = Σ credit_i ÷ n, 0..1; for a weighted question the same as
      Moodle's ``markaverage / maxmark`` = (Σ x_i ÷ n) ÷ weight;
    - V(x) = Σ (x_i − x̄)² ÷ (n − 1),  V(y) = Σ (y_i − ȳ)² ÷ (n − 1),
      C(x, y) = Σ (x_i − x̄)(y_i − ȳ) ÷ (n − 1);
    - discrimination index = 100 × C(x, y) ÷ √(V(x) × V(y)), the Pearson correlation of the
      item's mark with the rest of the test, −100..100 (Moodle: ``100 * covariance /
      sqrt(markvariance * othermarkvariance)``);
    - C_max(x, y) = Σ (x_(i) − x̄)(y_(i) − ȳ) ÷ (n − 1), where x_(i) and y_(i) are the marks
      and the rests each sorted on their own: the largest covariance any pairing of these two
      distributions can reach (Moodle: ``covariancemax``, from ``sort($stats->markarray)`` and
      ``sort($stats->othermarksarray)``);
    - discriminative efficiency = 100 × C(x, y) ÷ C_max(x, y) = 100 × r ÷ r_max, at most 100:
      the correlation r as a share of the highest correlation r_max = C_max ÷ √(V(x) × V(y))
      that these two distributions allow (Moodle: ``100 * covariance / covariancemax``).

    Both are None (blank, not 0) when the item's marks or the rests are all equal (no variance:
    the correlation is undefined), and when n < 2.

    The result depends only on the set of (credits) rows, never on their order: sums are exact
    (``math.fsum`` rounds once), "no variance" is tested on the values themselves, and the
    maximum covariance sorts values, not attempts. So ties in total score decide nothing.
    """
    n = len(credits)
    if n == 0:
        raise ValueError("item analysis needs at least one attempt")
    marks = [
        [credit * weight for credit, weight in zip(row, weights, strict=True)] for row in credits
    ]
    results = []
    for q in range(len(weights)):
        xs = [row[q] for row in marks]
        ys = [math.fsum(row[:q] + row[q + 1 :]) for row in marks]
        facility = math.fsum(row[q] for row in credits) / n
        index = efficiency = None
        if n > 1 and min(xs) != max(xs) and min(ys) != max(ys):
            x_mean, y_mean = math.fsum(xs) / n, math.fsum(ys) / n
            # The common factor 1 / (n − 1) cancels in both ratios.
            sxx = math.fsum((x - x_mean) ** 2 for x in xs)
            syy = math.fsum((y - y_mean) ** 2 for y in ys)
            sxy = math.fsum((x - x_mean) * (y - y_mean) for x, y in zip(xs, ys, strict=True))
            sxy_max = math.fsum(
                (x - x_mean) * (y - y_mean) for x, y in zip(sorted(xs), sorted(ys), strict=True)
            )
            # Cauchy-Schwarz and the rearrangement inequality bound both; clamping only
            # removes a last-digit rounding overshoot (e.g. 100.00000000000001).
            index = max(-100.0, min(100.0, 100 * sxy / math.sqrt(sxx * syy)))
            efficiency = min(100.0, 100 * sxy / sxy_max) if sxy_max > 0 else None
        results.append(ItemResult(n, facility, index, efficiency))
    return results
