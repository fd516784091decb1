"""The skill model: an explainable Beta belief per person and skill, with time decay.

Evidence ``i`` (a scored answer, a QA finding, a completed module) has an outcome ``o`` in
0..1, a weight ``w`` and a time ``t``. At time ``T`` it counts as

    a_i = w · o · ½^((T − t)/H)        for the skill,
    b_i = w · (1 − o) · ½^((T − t)/H)  against it,

with ``H`` the half-life (``SKILL_HALF_LIFE_DAYS``, 90 by default). The belief is
Beta(1 + Σa, 1 + Σb):

    level      = (1 + Σa) / (2 + Σa + Σb)             (0..1; 0.5 with no evidence)
    evidence   = Σa + Σb                              (effective units: decayed and weighted)
    confidence = evidence / (evidence + 4)            (0..1)

The belief's own uncertainty is its central 95% credible interval ("likely 0.48–0.75",
``credible_intervals``). A level is "enough evidence" when ``evidence ≥ SKILL_MIN_EVIDENCE −
0.005`` (evidence is shown with two decimals, so what shows as 2.00 counts as 2); below it no
gap is reported. The gap is the role profile's target minus the level, compared unrounded, and
it is a real gap only when the whole likely interval is below the target (``is_enough``,
``gap_category``: one decision for every page, report and API).

**Stored raw, decayed on read.** Each evidence row keeps only what happened (outcome, weight,
``occurred_day``: days since 2025-01-01). The projection ``SkillProficiency`` keeps, per
person and skill, Σa and Σb *as of its ``anchor_day``* (the moment it was computed, from the
raw rows, by one ``INSERT … SELECT … SUM``); a read at ``T`` multiplies both by
½^((T − anchor)/H). Every factor is at most 1 (evidence is never in the future by more than a
few minutes), so nothing can overflow whatever the half-life or the date, and an exponent over
``MAX_HALF_LIVES`` counts as nothing; the SQL takes the decay in log space (``decay_sql``),
so PostgreSQL never underflows whatever the half-life or the date. A rebuild
recomputes every row from the raw evidence, so changing the half-life and rebuilding gives the
right levels.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy
from django.conf import settings
from numpy.typing import ArrayLike, NDArray
from scipy.special import betaincinv

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
PRIOR_ALPHA = 1.0
PRIOR_BETA = 1.0
CONFIDENCE_K = 4.0
SECONDS_PER_DAY = 86_400
MAX_HALF_LIVES = 1000.0  # ½^1000 ≈ 1e-301: older evidence counts as nothing
ENOUGH_TOLERANCE = 0.005  # what shows as MIN (two decimals) counts as MIN
CREDIBLE_MASS = 0.95  # the "likely" interval: the central 95% of the belief


def day_number(t: datetime) -> float:
    """Days since ``EPOCH`` (fractional): how evidence and anchors are stored."""
    return (t - EPOCH).total_seconds() / SECONDS_PER_DAY


def half_life_days() -> float:
    return float(settings.SKILL_HALF_LIFE_DAYS)


def decay(age_days: float) -> float:
    """½^(age/H), with the exponent capped at ``MAX_HALF_LIVES`` (as the SQL does)."""
    return 0.5 ** min(age_days / half_life_days(), MAX_HALF_LIVES)


def contribution(
    *, outcome: float, weight: float, at: datetime, now: datetime
) -> tuple[float, float]:
    """(a, b) of one piece of evidence at ``now``: what the evidence list shows."""
    factor = decay(day_number(now) - day_number(at))
    return weight * outcome * factor, weight * (1.0 - outcome) * factor


def is_enough(evidence: float) -> bool:
    """The one rule for "enough evidence" (the org report's SQL uses the same constant)."""
    return evidence >= min_evidence()


def min_evidence() -> float:
    return float(settings.SKILL_MIN_EVIDENCE) - ENOUGH_TOLERANCE


@dataclass(frozen=True)
class Belief:
    level: float
    confidence: float
    evidence: float
    alpha: float  # decayed Σa
    beta: float  # decayed Σb

    @property
    def enough(self) -> bool:
        return is_enough(self.evidence)


def belief(alpha: float, beta: float) -> Belief:
    """The belief from decayed sums (Σa, Σb as of now)."""
    alpha, beta = float(alpha), float(beta)
    evidence = alpha + beta
    return Belief(
        level=(PRIOR_ALPHA + alpha) / (PRIOR_ALPHA + PRIOR_BETA + evidence),
        confidence=evidence / (evidence + CONFIDENCE_K),
        evidence=evidence,
        alpha=alpha,
        beta=beta,
    )


def credible_intervals(decayed: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """The central ``CREDIBLE_MASS`` interval of Beta(1 + Σa, 1 + Σb) for each (Σa, Σb) pair,
    decayed to now: the levels the person likely has ("0.62, likely 0.48–0.75"). One call
    into SciPy's inverse regularized incomplete beta function for the whole list."""
    if not decayed:
        return []
    tail = (1.0 - CREDIBLE_MASS) / 2
    a = [PRIOR_ALPHA + alpha for alpha, _beta in decayed]
    b = [PRIOR_BETA + beta for _alpha, beta in decayed]
    lows = betaincinv(a, b, tail)
    highs = betaincinv(a, b, 1.0 - tail)
    return [(float(low), float(high)) for low, high in zip(lows, highs, strict=True)]


def surely_below(alphas: ArrayLike, betas: ArrayLike, targets: ArrayLike) -> NDArray[numpy.bool_]:
    """For each decayed (Σa, Σb) and target (arrays): is even the top of the likely interval
    below the target (``gap_category``'s "gap")? Only the upper end is computed, in one
    vectorised call: the org report asks it of every cell below its target in the
    organisation (tens of thousands)."""
    tail = (1.0 - CREDIBLE_MASS) / 2
    highs = betaincinv(
        numpy.asarray(alphas, dtype=float) + PRIOR_ALPHA,
        numpy.asarray(betas, dtype=float) + PRIOR_BETA,
        1.0 - tail,
    )
    return numpy.asarray(highs < numpy.asarray(targets, dtype=float), dtype=bool)


def gap_category(*, enough: bool, level: float, likely_high: float, target: float | None) -> str:
    """One word for a cell, decided on unrounded values, used by every page and the API:
    ``unknown`` (not enough evidence), ``neutral`` (no target), ``met`` (level ≥ target),
    ``gap`` (a real gap: even the top of the likely interval is below the target) or ``near``
    (below the target, but the target is still within the likely interval)."""
    if not enough:
        return "unknown"
    if target is None:
        return "neutral"
    if level >= target:
        return "met"
    return "gap" if likely_high < target else "near"
