"""Events of the quiz engine, for the apps above it (subscribed in their ``AppConfig.ready``).

Sent inside the scoring transaction, so a failing subscriber rolls the scoring back and the
task retries it. Scoring works in batches (``assessments.services.attempts_score``), so the
scoring events carry every attempt of the batch: a subscriber answers them with a fixed
number of statements, not a few per attempt.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from assessments.models import Attempt
from core.hooks import Hook


@dataclass(frozen=True)
class AttemptScored:
    """A learner's attempt was scored (candidates' attempts send nothing)."""

    attempt: Attempt
    at: datetime
    score_visible: bool
    """Whether the review policy lets the learner see the score now."""
    skill_credits: dict[int, list[float]]
    """Skill id → the credit (0..1) earned on each question tagged with it."""


@dataclass(frozen=True)
class AttemptsScored:
    """Learners' attempts scored in one batch (one transaction)."""

    items: tuple[AttemptScored, ...]


attempts_scored: Hook[AttemptsScored] = Hook(
    "assessments.attempts_scored", doc="Learners' attempts were scored (a batch)."
)


@dataclass(frozen=True)
class CandidateAttemptScored:
    """A candidate's attempt (taken through an invitation link) was scored."""

    attempt: Attempt
    at: datetime


@dataclass(frozen=True)
class CandidateAttemptsScored:
    """Candidates' attempts scored in one batch."""

    items: tuple[CandidateAttemptScored, ...]


candidate_attempts_scored: Hook[CandidateAttemptsScored] = Hook(
    "assessments.candidate_attempts_scored", doc="Candidates' attempts were scored (a batch)."
)


@dataclass
class QuizListAnnotating:
    """Subscribers add annotations to the quiz list (e.g. the module a quiz completes): a
    subquery in the same statement, so what they add costs no query."""

    annotations: dict[str, Any] = field(default_factory=dict)


quiz_list_annotating: Hook[QuizListAnnotating] = Hook(
    "assessments.quiz_list_annotating", doc="Add annotations to the quiz list."
)


@dataclass(frozen=True)
class NextStep:
    """A link the result page offers after an attempt ("Back to the module")."""

    label: str
    url: str


@dataclass
class AttemptNextSteps:
    """Subscribers add where the learner goes after ``attempt`` (the module the quiz
    completes, their training, their onboarding plan): one query each at most."""

    attempt: Attempt
    steps: list[NextStep] = field(default_factory=list)


attempt_next_steps_collecting: Hook[AttemptNextSteps] = Hook(
    "assessments.attempt_next_steps", doc="Offer next steps on a learner's result page."
)
