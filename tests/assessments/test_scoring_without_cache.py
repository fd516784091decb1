"""Scoring does not need the cache: with Redis down, a submitted attempt is scored at once."""

from __future__ import annotations

from unittest import mock

from assessments import services
from assessments.models import Attempt
from assessments.services import grading


def test_an_attempt_is_scored_while_the_cache_is_down(
    cache_down, quiz, member, django_capture_on_commit_callbacks
):
    attempt = services.attempt_start(quiz=quiz, user=member)
    question = attempt.quiz_version.questions.first()
    right = question.choices.get(is_correct=True)
    services.answer_save(attempt=attempt, question_id=question.pk, choice_ids=[right.pk])
    with (
        mock.patch.object(grading.logger, "warning") as warning,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.attempt_submit(attempt=attempt)  # tasks run inline in tests

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SCORED
    assert attempt.score == 1
    assert "Cache unavailable" in warning.call_args.args[0]
