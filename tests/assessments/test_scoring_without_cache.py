"""Scoring does not need the cache: with Redis down, a submitted attempt is scored at once."""

from __future__ import annotations

import socket
from unittest import mock

import pytest
import redis
from django.core.cache import cache

from assessments import services
from assessments.models import Attempt


@pytest.fixture
def cache_down(settings) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with pytest.raises(redis.ConnectionError):
        cache.get("probe")


def test_an_attempt_is_scored_while_the_cache_is_down(
    cache_down, quiz, member, django_capture_on_commit_callbacks
):
    attempt = services.attempt_start(quiz=quiz, user=member)
    question = attempt.quiz_version.questions.first()
    right = question.choices.get(is_correct=True)
    services.answer_save(attempt=attempt, question_id=question.pk, choice_ids=[right.pk])
    with (
        mock.patch.object(services.logger, "warning") as warning,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.attempt_submit(attempt=attempt)  # tasks run inline in tests

    attempt.refresh_from_db()
    assert attempt.status == Attempt.Status.SCORED
    assert attempt.score == 1
    assert "Cache unavailable" in warning.call_args.args[0]
