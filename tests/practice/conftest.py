from __future__ import annotations

from typing import Any

import pytest

from assessments.models import Attempt, Question, Quiz
from tests import factories


def bank(skill: Any, count: int, *, weight: float = 1.0, **rules: Any) -> Quiz:
    """A published quiz of ``count`` single-choice questions on ``skill``."""
    return factories.quiz_published(
        questions=[
            {
                "skills": [skill],
                "weight": weight,
                "choices": [
                    (f"{skill.slug} {n} right", True, f"Because {n}."),
                    (f"{skill.slug} {n} wrong", False, f"Not {n}."),
                ],
            }
            for n in range(count)
        ],
        **rules,
    )


def taken(user: Any, quiz: Quiz, status: str = "scored") -> Attempt:
    """A finished (or open) attempt of ``user`` on the quiz's current version."""
    version = quiz.versions.filter(published_at__isnull=False).order_by("-number").first()
    return Attempt.objects.create(quiz=quiz, quiz_version=version, user=user, seed=1, status=status)


def questions_of(quiz: Quiz) -> list[int]:
    return list(Question.objects.filter(version__quiz=quiz).values_list("pk", flat=True))


@pytest.fixture
def practice_settings(settings: Any) -> Any:
    settings.PRACTICE_FSRS_FUZZING = False
    settings.PRACTICE_SET_SIZE = 5
    settings.PRACTICE_FINDING_BOOST = 0.5
    settings.PRACTICE_EVIDENCE_WEIGHT = 0.25
    settings.PRACTICE_NUDGE_HOUR = 9
    return settings
