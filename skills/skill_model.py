"""The skill model: an explainable Beta belief per person and skill, with time decay.

Evidence ``i`` (a scored answer, a QA finding, a completed module) has an outcome ``o`` in
0..1, a weight ``w`` and a time ``t``. Right now (time ``T``) it counts as

    a_i = w · o · ½^((T − t)/H)        for the skill,
    b_i = w · (1 − o) · ½^((T − t)/H)  against it,

with ``H`` the half-life (90 days by default). The belief is Beta(1 + Σa, 1 + Σb):

    level      = (1 + Σa) / (2 + Σa + Σb)             (0..1; 0.5 with no evidence)
    evidence   = Σa + Σb                              (decayed units of evidence)
    confidence = evidence / (evidence + 4)            (0..1)

and a level with less than ``SKILL_MIN_EVIDENCE`` units is reported as "not enough evidence".
The gap is the role profile's target minus the level.

**Exact and cheap.** ½^((T − t)/H) = 2^((t − E)/H) · ½^((T − E)/H) for a fixed epoch ``E``.
The first factor depends only on the evidence, so each row stores ``alpha_part = w·o·2^((t−E)/H)``
(and ``beta_part``) as a decimal with 9 places. The projection is then an exact ``SUM``, the
same whatever the order of updates, and a rebuild reproduces it to the last digit. At read
time both sums are multiplied by the single factor ½^((T − E)/H).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import ROUND_HALF_EVEN, Decimal

from django.conf import settings

EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
PLACES = Decimal("0.000000001")
PRIOR_ALPHA = 1.0
PRIOR_BETA = 1.0
CONFIDENCE_K = 4.0
SECONDS_PER_DAY = 86_400


def _half_lives_since_epoch(t: datetime) -> float:
    return (t - EPOCH).total_seconds() / SECONDS_PER_DAY / settings.SKILL_HALF_LIFE_DAYS


def parts(*, outcome: float, weight: float, at: datetime) -> tuple[Decimal, Decimal]:
    """The epoch-referenced (alpha_part, beta_part) of one piece of evidence."""
    growth = 2.0 ** _half_lives_since_epoch(at)
    alpha = Decimal(repr(weight * outcome * growth)).quantize(PLACES, ROUND_HALF_EVEN)
    beta = Decimal(repr(weight * (1.0 - outcome) * growth)).quantize(PLACES, ROUND_HALF_EVEN)
    return alpha, beta


def decay_factor(now: datetime) -> float:
    """½^((now − E)/H): turns epoch-referenced sums into today's weights."""
    return 0.5 ** _half_lives_since_epoch(now)


@dataclass(frozen=True)
class Belief:
    level: float
    confidence: float
    evidence: float
    alpha: float  # decayed Σa
    beta: float  # decayed Σb

    @property
    def enough(self) -> bool:
        # compared at the precision reports show, so evidence recorded seconds ago (decayed by
        # a hair) still counts in full
        return round(self.evidence, 3) >= settings.SKILL_MIN_EVIDENCE


def belief(
    alpha_sum: Decimal | float,
    beta_sum: Decimal | float,
    *,
    now: datetime,
    factor: float | None = None,
) -> Belief:
    """The belief at ``now`` (pass ``factor = decay_factor(now)`` when computing many)."""
    factor = decay_factor(now) if factor is None else factor
    a = float(alpha_sum) * factor
    b = float(beta_sum) * factor
    evidence = a + b
    return Belief(
        level=(PRIOR_ALPHA + a) / (PRIOR_ALPHA + PRIOR_BETA + evidence),
        confidence=evidence / (evidence + CONFIDENCE_K),
        evidence=evidence,
        alpha=a,
        beta=b,
    )


def weight_now(part: Decimal | float, *, now: datetime) -> float:
    """What one stored part counts for today (to explain a level row by row)."""
    return float(part) * decay_factor(now)
