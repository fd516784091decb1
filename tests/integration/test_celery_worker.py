"""A real Celery worker consuming from Redis runs a task end to end."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from accounts.models import Invitation
from accounts.tasks import invitation_send_task
from config.celery import app
from config.settings import redis_db_url
from tests.conftest import broker_connections_reset

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def redis_worker(redis_url: str) -> Iterator[None]:
    """A worker thread on a private Redis database, with eager mode off for the test."""
    broker = redis_db_url(redis_url, 13)
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=broker, task_always_eager=False)
    broker_connections_reset()
    with app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # type: ignore[attr-defined]
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.update(saved)
        broker_connections_reset()


def test_a_real_worker_sends_the_invitation_email_once(redis_worker, invitation_factory):
    # given an unsent invitation in the database
    invitation = invitation_factory(email="newhire@example.test")

    # when the task is published to Redis twice (a retry, a duplicate delivery)
    invitation_send_task.delay(str(invitation.pk))
    invitation_send_task.delay(str(invitation.pk))

    # then the worker sends the email exactly once and records it
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        invitation.refresh_from_db()
        if invitation.sent_at and len(mail.outbox) >= 1:
            time.sleep(1)  # give the duplicate delivery time to run too
            break
        time.sleep(0.1)
    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert [m.to for m in mail.outbox] == [["newhire@example.test"]]
    assert Invitation.objects.filter(sent_at__isnull=False).count() == 1


def test_a_real_worker_scores_a_submitted_attempt(redis_worker, member):
    from assessments import services as assessments_services
    from assessments.models import Attempt, Question
    from tests import factories

    # given an attempt with every answer right, submitted in a committed transaction
    quiz = factories.quiz_published()
    attempt = assessments_services.attempt_start(quiz=quiz, user=member)
    for question in Question.objects.filter(version=attempt.quiz_version):
        assessments_services.answer_save(
            attempt=attempt,
            question_id=question.pk,
            choice_ids=factories.right_choice_ids(question),
        )
    assessments_services.attempt_submit(attempt=attempt)  # enqueues on commit, through Redis

    # then the worker scores it
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        attempt.refresh_from_db()
        if attempt.status == Attempt.Status.SCORED:
            break
        time.sleep(0.1)
    assert (attempt.status, attempt.score, attempt.band.label) == ("scored", 3.0, "High")
