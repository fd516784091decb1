"""Which questions go into a person's daily set: pure functions, no database.

**Priority of a skill** (``skill_priorities``): ``(1 − low) × (1 + BOOST × findings)``, where
``low`` is the lower end of the 95% credible interval of the person's Beta belief about the
skill (``skills.skill_model``) and ``findings`` the number of QA findings on the skill in the
last ``PRACTICE_FINDING_WINDOW_DAYS``. The lower bound is small both when the level is low
(a weak skill) and when there is little evidence (an uncertain one), so one number prefers
both; unlike Thompson sampling it is deterministic, so a set can be explained ("escalations:
likely as low as 0.21, 2 QA findings this month") and tested by hand.

**Picking** (``pick``): due FSRS reviews first (earliest due first), then new questions: each
slot goes to the skill with the highest remaining priority, whose priority is then halved, so
the weakest skill gets most slots without taking all of them. Which of that skill's questions
is drawn is random, from a generator seeded per person and day (the same set if built twice).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence

from skills import selectors as skills_selectors


def skill_priorities(
    *,
    skill_ids: Iterable[int],
    beliefs: Mapping[int, tuple[float, float]],
    findings: Mapping[int, int],
    boost: float,
) -> dict[int, float]:
    """Priority per skill from the decayed (Σa, Σb) (missing: no evidence) and recent findings."""
    ids = sorted(set(skill_ids))
    lows = skills_selectors.credible_intervals([beliefs.get(s, (0.0, 0.0)) for s in ids])
    return {
        skill: (1.0 - low) * (1.0 + boost * findings.get(skill, 0))
        for skill, (low, _high) in zip(ids, lows, strict=True)
    }


def pick(
    *,
    due: Sequence[int],
    candidates: Mapping[int, Sequence[int]],
    priorities: Mapping[int, float],
    size: int,
    rng: random.Random,
) -> list[int]:
    """Up to ``size`` question ids: ``due`` reviews first, then new questions by skill priority
    (``candidates``: skill → its new questions, in a stable order)."""
    chosen = list(dict.fromkeys(due))[:size]
    taken = set(chosen)
    weights = {skill: priorities.get(skill, 0.0) for skill in candidates}
    while len(chosen) < size:
        open_skills = [s for s in weights if any(q not in taken for q in candidates[s])]
        if not open_skills:
            break
        best = max(open_skills, key=lambda s: (weights[s], -s))
        pool = [q for q in candidates[best] if q not in taken]
        question = pool[rng.randrange(len(pool))]
        chosen.append(question)
        taken.add(question)
        weights[best] /= 2
    return chosen


def seed_for(user_id: int, day_ordinal: int) -> int:
    """The same generator for the same person and day, whatever the order of building."""
    return user_id * 1_000_003 + day_ordinal
