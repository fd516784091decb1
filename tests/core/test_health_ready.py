"""``GET /healthz/ready``: is background work getting done? (worker heartbeat, scoring backlog)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError, ProgrammingError
from django.utils import timezone

from assessments import services as assessments_services
from assessments.models import Attempt
from config.celery import app
from core.health import WORKER, backlog_probing
from core.models import Heartbeat
from core.tasks import heartbeat_task
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def real_worker_mode(monkeypatch):
    """As in production: tasks go to a worker (the test settings run them inline)."""
    monkeypatch.setitem(app.conf, "task_always_eager", False)


def _heartbeat(ago: timedelta) -> None:
    Heartbeat.objects.update_or_create(
        name=WORKER, defaults={"beat_at": timezone.now() - ago, "hostname": "celery@box"}
    )


def _submitted_attempt(user, *, ago: timedelta) -> Attempt:
    attempt = assessments_services.attempt_start(quiz=factories.quiz_published(), user=user)
    assessments_services.attempt_submit(attempt=attempt)  # scoring waits for a commit: never
    Attempt.objects.filter(pk=attempt.pk).update(submitted_at=timezone.now() - ago)
    return attempt


def test_ready_when_the_heartbeat_is_fresh_and_nothing_waits(client, real_worker_mode):
    # given a heartbeat 30 seconds old and no submitted attempt
    _heartbeat(timedelta(seconds=30))

    # when monitoring asks
    response = client.get("/healthz/ready")

    # then all is well
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["reasons"], body["database"], body["broker"]) == (
        "ok",
        [],
        "ok",
        "ok",
    )
    assert body["worker"]["status"] == "ok"
    assert body["worker"]["host"] == "celery@box"
    assert 30 <= body["worker"]["age_seconds"] <= 35
    assert body["worker"]["stale_after_seconds"] == 300
    assert body["backlogs"] == {
        "scoring": {
            "status": "ok",
            "count": 0,
            "oldest_age_seconds": None,
            "stuck_after_seconds": 600,
        }
    }
    assert response["Cache-Control"].startswith("max-age=0")


def test_a_recent_submission_waiting_is_not_a_problem(client, real_worker_mode, member):
    _heartbeat(timedelta(seconds=10))
    _submitted_attempt(member, ago=timedelta(minutes=1))

    response = client.get("/healthz/ready")

    assert response.status_code == 200
    scoring = response.json()["backlogs"]["scoring"]
    assert (scoring["status"], scoring["count"]) == ("ok", 1)
    assert 60 <= scoring["oldest_age_seconds"] <= 65


def test_503_naming_why_when_the_worker_stopped_and_scoring_stalled(
    client, real_worker_mode, member
):
    # given the worker stopped six minutes ago (its last heartbeat) and an attempt submitted
    # eleven minutes ago is still unscored
    _heartbeat(timedelta(minutes=6))
    _submitted_attempt(member, ago=timedelta(minutes=11))

    # when monitoring asks
    response = client.get("/healthz/ready")

    # then it answers 503 and says why
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["reasons"] == ["worker: stale", "scoring: stuck"]
    assert body["worker"]["status"] == "stale"
    assert 360 <= body["worker"]["age_seconds"] <= 365
    scoring = body["backlogs"]["scoring"]
    assert (scoring["status"], scoring["count"]) == ("stuck", 1)
    assert 660 <= scoring["oldest_age_seconds"] <= 665
    # and the cheap liveness check is unaffected: this web process can still serve
    assert client.get("/healthz").status_code == 200


def test_503_when_no_worker_ever_beat(client, real_worker_mode):
    response = client.get("/healthz/ready")

    assert response.status_code == 503
    assert response.json()["reasons"] == ["worker: missing"]
    assert response.json()["worker"] == {"status": "missing"}


def test_a_stuck_backlog_alone_is_503(client, real_worker_mode, member):
    # the worker beats, but scoring does not happen (e.g. its queue is blocked)
    _heartbeat(timedelta(seconds=5))
    _submitted_attempt(member, ago=timedelta(minutes=11))

    response = client.get("/healthz/ready")

    assert response.status_code == 503
    assert response.json()["reasons"] == ["scoring: stuck"]


def test_limits_come_from_settings(client, real_worker_mode, member, settings):
    settings.HEALTH_HEARTBEAT_STALE = timedelta(seconds=20)
    settings.HEALTH_SCORING_BACKLOG_MAX_AGE = timedelta(seconds=50)
    _heartbeat(timedelta(seconds=30))
    _submitted_attempt(member, ago=timedelta(minutes=1))

    body = client.get("/healthz/ready").json()

    assert body["reasons"] == ["worker: stale", "scoring: stuck"]
    assert body["worker"]["stale_after_seconds"] == 20
    assert body["backlogs"]["scoring"]["stuck_after_seconds"] == 50


def test_with_tasks_run_inline_there_is_no_worker_to_wait_for(client):
    # CELERY_TASK_ALWAYS_EAGER (the test settings): tasks run in the caller, no heartbeat
    response = client.get("/healthz/ready")

    assert response.status_code == 200
    assert response.json()["worker"] == {"status": "eager"}


def test_503_when_the_database_is_down(client, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz/ready")

    assert response.status_code == 503
    body = response.json()
    assert body["reasons"] == ["database: error"]
    assert body["database"] == "error: OperationalError"
    assert "worker" not in body


def test_503_not_500_when_the_heartbeat_cannot_be_read(client, real_worker_mode, monkeypatch):
    # e.g. the code was deployed before its migrations ran
    def missing_table(**kwargs):
        raise ProgrammingError('relation "core_heartbeat" does not exist')

    monkeypatch.setattr("core.health.worker_status", missing_table)
    response = client.get("/healthz/ready")

    assert response.status_code == 503
    assert response.json()["reasons"] == ["worker: error"]
    assert response.json()["worker"] == {"status": "error: ProgrammingError"}


def test_503_when_the_broker_is_down(client, real_worker_mode, monkeypatch):
    _heartbeat(timedelta(seconds=5))
    monkeypatch.setitem(app.conf, "broker_url", "redis://127.0.0.1:1/0")

    response = client.get("/healthz/ready")

    assert response.status_code == 503
    assert response.json()["reasons"] == ["broker: error"]


def test_the_check_costs_three_queries_however_large_the_backlog(
    client, real_worker_mode, member, user_factory, assert_queries
):
    _heartbeat(timedelta(seconds=5))
    _submitted_attempt(member, ago=timedelta(minutes=2))
    with assert_queries(3):  # SELECT 1, the heartbeat, the backlog aggregate
        assert client.get("/healthz/ready").json()["backlogs"]["scoring"]["count"] == 1
    for _ in range(3):
        _submitted_attempt(user_factory.create(), ago=timedelta(minutes=1))
    with assert_queries(3):
        assert client.get("/healthz/ready").json()["backlogs"]["scoring"]["count"] == 4


def test_ready_is_exempt_from_the_https_redirect(client, settings):
    # a load balancer or monitor calls it over plain HTTP, like /healthz
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz/ready").status_code == 200
    assert client.get("/accounts/login/").status_code == 301


def test_the_heartbeat_task_records_now_and_who_ran_it():
    # given a stale heartbeat
    _heartbeat(timedelta(hours=1))

    # when the periodic task runs (twice: a duplicate delivery is harmless)
    heartbeat_task.apply(throw=True)
    heartbeat_task.apply(throw=True)

    # then there is one fresh row
    heartbeat = Heartbeat.objects.get()
    assert heartbeat.name == WORKER
    assert timezone.now() - heartbeat.beat_at < timedelta(seconds=5)


def test_assessments_registers_the_scoring_backlog():
    from assessments.health import scoring_backlog

    assert scoring_backlog in backlog_probing.subscribers


def test_the_heartbeat_is_scheduled_every_minute_and_expires(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["core.heartbeat_record"]
    assert entry["task"] == "core.heartbeat_record"
    assert entry["schedule"] == timedelta(minutes=1)
    assert entry["options"] == {"expire_seconds": 300}
