"""A real Celery worker consuming from Redis runs a task end to end."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from accounts.models import Invitation
from accounts.tasks import invitation_send_task
from config.celery import app
from config.settings import redis_db_url

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _reset_connections() -> None:
    """Drop pooled broker connections so the next publish uses the current ``broker_url``."""
    celery: Any = app
    if celery._pool is not None:
        celery._pool.force_close_all()
        celery._pool = None
    celery.amqp._producer_pool = None


@pytest.fixture
def redis_worker(redis_url: str) -> Iterator[None]:
    """A worker thread on a private Redis database, with eager mode off for the test."""
    broker = redis_db_url(redis_url, 13)
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=broker, task_always_eager=False)
    _reset_connections()
    with app.connection_for_write() as conn:
        conn.default_channel.client.flushdb()  # type: ignore[attr-defined]
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.update(saved)
        _reset_connections()


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
