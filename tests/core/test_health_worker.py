"""A real Celery worker runs ``core.heartbeat_record`` and ``/healthz/ready`` turns ready.

The broker is kombu's filesystem transport in a temporary folder, as in the embedded demo
(`make run`), so the test needs no Redis and shares no queue with other tests.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from config.celery import app
from core.health import WORKER
from core.models import Heartbeat
from core.tasks import heartbeat_task
from tests.conftest import broker_connections_reset

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def filesystem_worker(tmp_path: Path) -> Iterator[None]:
    queue, control = tmp_path / "queue", tmp_path / "control"
    queue.mkdir()
    control.mkdir()
    keys = ("broker_url", "broker_transport_options", "task_always_eager")
    saved = {key: app.conf[key] for key in keys}
    app.conf.update(
        broker_url="filesystem://",
        broker_transport_options={
            "data_folder_in": str(queue),
            "data_folder_out": str(queue),
            "control_folder": str(control),
            "store_processed": False,
        },
        task_always_eager=False,
    )
    broker_connections_reset()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
            yield
    finally:
        app.conf.update(saved)
        broker_connections_reset()


def test_a_real_worker_runs_the_heartbeat_and_readiness_follows(filesystem_worker, client):
    # given a worker whose last heartbeat is an hour old: not ready
    Heartbeat.objects.create(name=WORKER, beat_at=timezone.now() - timedelta(hours=1))
    response = client.get("/healthz/ready")
    assert response.status_code == 503
    assert response.json()["reasons"] == ["worker: stale"]

    # when beat sends the heartbeat through the broker
    heartbeat_task.delay()

    # then the worker records it and the check is ready again
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        heartbeat = Heartbeat.objects.get(name=WORKER)
        if timezone.now() - heartbeat.beat_at < timedelta(minutes=1):
            break
        time.sleep(0.1)
    assert timezone.now() - heartbeat.beat_at < timedelta(minutes=1)
    assert heartbeat.hostname  # the worker that ran it
    response = client.get("/healthz/ready")
    assert response.status_code == 200, response.json()
    assert response.json()["worker"]["status"] == "ok"
