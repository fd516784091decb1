"""Faults: the broker restarts, a worker is killed mid-task. A real worker (prefork pool, the
Procfile's command) runs against a throwaway ``redis-server`` on its own port and the test
database; the test restarts that Redis or ``kill -9``s the worker, and checks that every attempt
is scored exactly once with nobody restarting anything by hand.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
import redis
from django.db import connection
from django.utils import timezone
from kombu import Connection, Exchange, Queue

from assessments import services as assessments_services
from assessments.models import Attempt
from config.celery import app
from notifications.models import Notification
from skills.models import SkillEvidence
from tests import factories
from tests.conftest import broker_connections_reset, require

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(what: str, check: Callable[[], Any], seconds: float, log: Callable[[], str]) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}:\n{log()[-6000:]}", pytrace=False)


def _database_url() -> str:
    db = connection.settings_dict
    user = db["USER"] or "postgres"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    host, port = db["HOST"] or "127.0.0.1", db["PORT"] or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


class Redis:
    """A ``redis-server`` of the test's own, without persistence (as the docs describe Redis:
    it holds nothing you need to back up), so a restart also empties the queue."""

    def __init__(self, directory: Path) -> None:
        self.port = _free_port()
        self.directory = directory
        self.process: subprocess.Popen[bytes] | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                *("--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory)),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_connect_timeout=0.2)

        def up() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        _wait("redis-server to start", up, 10, lambda: "")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


class Worker:
    """``celery -A config worker`` as the Procfile runs it, in its own process group."""

    def __init__(self, broker: Redis, log: Path) -> None:
        self.broker, self.log = broker, log
        self.process: subprocess.Popen[bytes] | None = None

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def start(self, concurrency: int = 2) -> None:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "CELERY_", "READINESS_", "REDIS_"))
            and key not in {"DEBUG", "EMAIL_BACKEND"}
        }
        env.update(
            DEBUG="0",
            SECRET_KEY="broker-faults-test-" + "k" * 40,
            DATABASE_URL=_database_url(),
            REDIS_URL=self.broker.url,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            PYTHONUNBUFFERED="1",
        )
        start_at = len(self.output())
        with self.log.open("a") as out:
            self.process = subprocess.Popen(
                [
                    str(VENV_BIN / "celery"),
                    *("-A", "config", "worker", "--loglevel", "INFO"),
                    *("--concurrency", str(concurrency), "--without-gossip"),
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

        def ready() -> bool:
            return " ready." in self.output()[start_at:]

        _wait("the worker to be ready", ready, 30, self.output)

    def children(self) -> list[int]:
        assert self.process is not None
        out = subprocess.run(
            ["/usr/bin/pgrep", "-P", str(self.process.pid)], capture_output=True, text=True
        ).stdout
        return [int(pid) for pid in out.split()]

    def connected(self, times: int) -> Callable[[], bool]:
        """A check: the worker has connected to the broker this many times (a reconnect
        counts)."""
        return lambda: self.output().count("Connected to redis://") >= times

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def kill(self) -> None:
        """``kill -9`` the whole worker: the main process and its pool."""
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.kill()


@pytest.fixture
def broker(tmp_path: Path, redis_url: str) -> Iterator[Redis]:
    require(connection.vendor == "postgresql", "PostgreSQL (set DATABASE_URL)")
    require(shutil.which("redis-server") is not None, "redis-server")
    server = Redis(tmp_path)
    server.start()
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    app.conf.update(broker_url=server.url, task_always_eager=False)
    broker_connections_reset()
    try:
        yield server
    finally:
        app.conf.update(saved)
        broker_connections_reset()
        server.stop()


@pytest.fixture
def worker(broker: Redis, tmp_path: Path) -> Iterator[Worker]:
    process = Worker(broker, tmp_path / "worker.log")
    try:
        yield process
    finally:
        process.stop()


class RowLock:
    """Holds scoring inside its task from another connection: it inserts, without committing,
    the result notices of some attempts, so a scoring batch that takes one of them has written
    everything but waits at its last write (``INSERT … ON CONFLICT DO NOTHING`` on the same
    unique key) until ``release`` rolls those notices back. Submitting still works."""

    def __init__(self) -> None:
        self.conn = psycopg.connect(_database_url().replace("postgres://", "postgresql://"))

    def hold(self, attempt_ids: list[str]) -> None:
        self.conn.execute(
            "INSERT INTO notifications_notification (user_id, kind, title, body, url, key,"
            " created_at, email_wanted, subject_type, params)"
            " SELECT user_id, 'quiz_result', 'held', '', '', 'attempt-scored:' || id::text,"
            " now(), false, '', '{}' FROM assessments_attempt WHERE id = ANY(%s::uuid[])",
            [attempt_ids],
        )

    def release(self) -> None:
        self.conn.rollback()

    def waiting(self) -> int:
        """Database sessions waiting for a lock: tasks blocked inside scoring."""
        with psycopg.connect(_database_url().replace("postgres://", "postgresql://")) as other:
            row = other.execute(
                "SELECT count(*) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()
        return int(row[0]) if row else 0

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def row_lock() -> Iterator[RowLock]:
    lock = RowLock()
    try:
        yield lock
    finally:
        lock.release()
        lock.close()


def _submitted_attempts(quiz: Any, users: list[Any]) -> list[str]:
    """One started, fully answered attempt per user (not yet submitted)."""
    return [str(attempt.pk) for attempt in factories.attempts_answered_right(quiz, users)]


def _quiz_with_skill() -> Any:
    """Three questions, each recording skill evidence when scored: evidence rows count how many
    times an attempt was scored."""
    skill = factories.SkillFactory.create(slug="empathy", name="Empathy")
    choices = [("Right", True, "Because."), ("Wrong", False, "Because not.")]
    return factories.quiz_published(
        questions=[{"kind": "single", "skills": [skill], "choices": choices} for _ in range(3)]
    )


def _submit(ids: list[str]) -> None:
    for attempt in Attempt.objects.filter(pk__in=ids):
        assessments_services.attempt_submit(attempt=attempt)  # publishes to the broker


def _all_scored(ids: list[str]) -> bool:
    return Attempt.objects.filter(pk__in=ids, status=Attempt.Status.SCORED).count() == len(ids)


def _scored_exactly_once(ids: list[str]) -> None:
    attempts = list(Attempt.objects.filter(pk__in=ids))
    assert {a.status for a in attempts} == {Attempt.Status.SCORED}
    assert [a.score for a in attempts] == [3.0] * len(ids)
    evidence = SkillEvidence.objects.filter(source=SkillEvidence.Source.ANSWER)
    assert evidence.count() == 3 * len(ids)  # one row per answer: no attempt scored twice
    notices = Notification.objects.filter(key__in=[f"attempt-scored:{pk}" for pk in ids])
    assert notices.count() == len(ids)


def _kill_the_pool_process(worker: Worker) -> None:
    """``kill -9`` the worker's only pool process (as the OOM killer would) and wait until the
    worker has noticed (it then sends the task back to the queue and forks a new process)."""
    [child] = worker.children()
    os.kill(child, signal.SIGKILL)
    _wait("the worker to notice", lambda: "WorkerLostError" in worker.output(), 20, worker.output)


def _sweep_two_minutes_later() -> None:
    """What beat does every minute: the sweep re-sends scoring of attempts left ``submitted``
    for two minutes (STALE_SUBMISSION), e.g. because Redis lost their message. Run here as if
    two minutes had passed, instead of waiting for them."""
    assessments_services.attempts_sweep(
        now=timezone.now() + assessments_services.STALE_SUBMISSION + timedelta(seconds=1)
    )


def test_a_closed_redis_channel_gives_its_messages_back_instead_of_crashing(broker):
    """The kombu 5.7.0 path that killed the worker (config/celery.py): a channel closed after
    its connection was detached restores its unacknowledged message instead of raising
    ``AttributeError: 'NoneType' object has no attribute 'hostname'``."""
    queue = Queue("faults", Exchange("faults"), "faults")
    with Connection(broker.url) as connection:
        connection.Producer().publish(
            {"n": 1}, exchange=queue.exchange, routing_key="faults", declare=[queue]
        )
        received: list[Any] = []
        channel: Any = connection.channel()
        connection.Consumer(
            queue, channel=channel, callbacks=[lambda body, message: received.append(message)]
        ).consume()
        connection.drain_events(timeout=5)
        assert len(received) == 1  # delivered, not acknowledged

        # when the connection is dropped before the channel (as Celery does on a lost broker)
        connection._do_close_transport()
        channel.close()  # logs "Restoring 1 unacknowledged message(s)"

    # then the message is back in the queue for the next consumer
    assert redis.Redis.from_url(broker.url).llen("faults") == 1


def test_the_worker_survives_redis_restarts_under_load(worker, broker, row_lock):
    # given a running worker (prefork, as in production)
    quiz = _quiz_with_skill()
    users = factories.UserFactory.create_batch(4 * 8)
    worker.start()
    assert worker.process is not None
    pid = worker.process.pid
    ids: list[str] = []
    for round_ in range(4):
        # when attempts are submitted, one of them is being scored (held inside its task)…
        batch = _submitted_attempts(quiz, users[round_ * 8 : (round_ + 1) * 8])
        ids += batch
        row_lock.hold(batch[:1])
        _submit(batch)
        _wait("a task to block in scoring", lambda: row_lock.waiting() >= 1, 20, worker.output)
        # …and Redis restarts (losing what it held: it has no persistence)
        broker.stop()
        time.sleep(1)
        broker.start()
        row_lock.release()
        _wait("the worker to reconnect", worker.connected(round_ + 2), 30, worker.output)

    # then the same worker process is still consuming: what Redis lost, the sweep re-sends
    _sweep_two_minutes_later()
    _wait("every attempt to be scored", lambda: _all_scored(ids), 30, worker.output)
    time.sleep(1)  # let redelivered duplicates run too
    _scored_exactly_once(ids)
    assert worker.alive()
    assert worker.process.pid == pid
    assert "Unrecoverable error" not in worker.output()


def test_a_task_whose_pool_process_is_killed_runs_again(worker, broker, row_lock, member):
    # given a worker with one pool process, scoring an attempt (held inside its task)
    quiz = _quiz_with_skill()
    ids = _submitted_attempts(quiz, [member])
    worker.start(concurrency=1)
    row_lock.hold(ids)
    _submit(ids)
    _wait("the task to block in scoring", lambda: row_lock.waiting() >= 1, 20, worker.output)

    # when that process is killed mid-task (kill -9, as the OOM killer would)
    _kill_the_pool_process(worker)
    row_lock.release()

    # then the task goes back to the queue and a new pool process scores the attempt, once
    _wait("the attempt to be scored", lambda: _all_scored(ids), 30, worker.output)
    time.sleep(1)
    _scored_exactly_once(ids)
    assert worker.alive()


def test_a_worker_killed_in_the_middle_of_a_batch_loses_nothing(worker, broker, row_lock):
    # given eight submitted attempts, waiting for a worker with one pool process: its first
    # task takes all eight as one batch, and is held at the batch's last write
    quiz = _quiz_with_skill()
    users = factories.UserFactory.create_batch(8)
    ids = _submitted_attempts(quiz, users)
    _submit(ids)
    row_lock.hold(ids[-1:])
    worker.start(concurrency=1)
    _wait("the batch to block at its end", lambda: row_lock.waiting() >= 1, 20, worker.output)
    # (what the batch wrote is not visible: it is one transaction)
    assert Attempt.objects.filter(pk__in=ids, status=Attempt.Status.SUBMITTED).count() == 8

    # when that process is killed (kill -9) with the batch almost written
    _kill_the_pool_process(worker)
    row_lock.release()

    # then the batch rolls back as a whole, and the tasks score every attempt, once
    _wait("every attempt to be scored", lambda: _all_scored(ids), 30, worker.output)
    time.sleep(1)
    _scored_exactly_once(ids)
    assert Notification.objects.filter(title="held").count() == 0
    assert worker.alive()


def test_a_task_whose_worker_is_killed_is_not_lost(worker, broker, row_lock, member):
    # given a worker scoring an attempt (held inside its task)
    quiz = _quiz_with_skill()
    ids = _submitted_attempts(quiz, [member])
    worker.start(concurrency=1)
    row_lock.hold(ids)
    _submit(ids)
    _wait("the task to block in scoring", lambda: row_lock.waiting() >= 1, 20, worker.output)

    # when the whole worker is killed (kill -9 of its process group: the machine died)
    worker.kill()
    row_lock.release()

    # then Redis still holds the unacknowledged task, to deliver again after the visibility
    # timeout, and nothing was scored half-way
    assert redis.Redis.from_url(broker.url).hlen("unacked") == 1
    assert not _all_scored(ids)
    assert SkillEvidence.objects.count() == 0

    # and a new worker scores it once, when the sweep re-sends it (whichever comes first)
    worker.start(concurrency=1)
    _sweep_two_minutes_later()
    _wait("the attempt to be scored", lambda: _all_scored(ids), 30, worker.output)
    time.sleep(1)
    _scored_exactly_once(ids)


def test_the_visibility_timeout_outlasts_every_task(redis_url, settings):
    """A task still running when the visibility timeout ends would be delivered again and run
    twice at once: every task's hard time limit must be shorter."""
    from django.conf import settings as django_settings

    app.loader.import_default_modules()
    visibility = django_settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    limits = {
        name: task.time_limit or app.conf.task_time_limit
        for name, task in app.tasks.items()
        if not name.startswith("celery.")
    }
    assert limits
    assert {name: limit for name, limit in limits.items() if limit >= visibility} == {}
    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.broker_connection_max_retries is None
