"""Health checks: ``GET /healthz`` (liveness) and ``GET /healthz/ready`` (is work getting done).

``/healthz`` asks only what this web process needs to answer requests: the database and the
broker. ``/healthz/ready`` also asks whether background work runs: the worker's heartbeat (the
``core.heartbeat_record`` periodic task, so beat *and* a worker must be alive to keep it fresh)
and the backlogs the apps register through the ``backlog_probing`` hook (assessments: submitted
attempts not yet scored). Core imports no app, so it never names what a backlog is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from celery import current_app as celery_app
from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from core.hooks import Hook
from core.models import Heartbeat

WORKER = "worker"


def database_status() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


def broker_status() -> str:
    """Connect to the Celery broker (Redis, or the embedded filesystem queue) once, quickly."""
    try:
        with celery_app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok"


def heartbeat_record(*, name: str = WORKER, hostname: str = "") -> None:
    """Record that periodic work ran now (idempotent: one row per name, overwritten)."""
    Heartbeat.objects.update_or_create(
        name=name, defaults={"beat_at": timezone.now(), "hostname": hostname[:255]}
    )


@dataclass(frozen=True)
class Backlog:
    """Work waiting for a worker: how much, since when, and how old is too old."""

    name: str
    count: int
    oldest_at: datetime | None
    max_age: timedelta


@dataclass
class BacklogProbe:
    """One readiness check's clock; each subscriber of ``backlog_probing`` adds its backlog."""

    now: datetime
    backlogs: list[Backlog] = field(default_factory=list)

    def add(self, backlog: Backlog) -> None:
        self.backlogs.append(backlog)


backlog_probing: Hook[BacklogProbe] = Hook(
    "core.backlog_probing",
    doc="Apps add the age of their oldest unfinished background work to /healthz/ready.",
)


def _seconds(delta: timedelta) -> int:
    return int(delta.total_seconds())


def worker_status(*, now: datetime) -> dict[str, Any]:
    """``status``: ``ok``; ``stale`` (older than ``HEALTH_HEARTBEAT_STALE``); ``missing`` (never
    recorded); ``eager`` (``CELERY_TASK_ALWAYS_EAGER``: no worker, tasks run in the caller)."""
    if celery_app.conf.task_always_eager:
        return {"status": "eager"}
    heartbeat = Heartbeat.objects.filter(name=WORKER).first()
    if heartbeat is None:
        return {"status": "missing"}
    age = now - heartbeat.beat_at
    return {
        "status": "stale" if age > settings.HEALTH_HEARTBEAT_STALE else "ok",
        "last_heartbeat": heartbeat.beat_at.isoformat(),
        "age_seconds": max(_seconds(age), 0),
        "stale_after_seconds": _seconds(settings.HEALTH_HEARTBEAT_STALE),
        "host": heartbeat.hostname,
    }


def backlog_status(backlog: Backlog, *, now: datetime) -> dict[str, Any]:
    age = now - backlog.oldest_at if backlog.oldest_at else None
    return {
        "status": "stuck" if age is not None and age > backlog.max_age else "ok",
        "count": backlog.count,
        "oldest_age_seconds": max(_seconds(age), 0) if age is not None else None,
        "stuck_after_seconds": _seconds(backlog.max_age),
    }


def readiness(*, now: datetime | None = None) -> tuple[bool, dict[str, Any]]:
    """Everything ``/healthz/ready`` reports, and whether all of it is well.

    Not ready when the database or the broker is down, the worker's heartbeat is stale or
    missing, or a registered backlog's oldest item waited longer than its limit; ``reasons``
    names each problem (``"worker: stale"``, ``"scoring: stuck"``, ``"worker: error"`` when
    its table cannot be read).
    """
    now = now or timezone.now()
    report: dict[str, Any] = {"database": database_status(), "broker": broker_status()}
    reasons = [f"{part}: error" for part in ("database", "broker") if report[part] != "ok"]
    if report["database"] == "ok":
        try:
            report["worker"] = worker_status(now=now)
        except DatabaseError as exc:  # e.g. migrations not applied yet
            report["worker"] = {"status": f"error: {exc.__class__.__name__}"}
        if report["worker"]["status"] not in {"ok", "eager"}:
            reasons.append(f"worker: {report['worker']['status'].split(':')[0]}")
        probe = BacklogProbe(now=now)
        try:
            backlog_probing.send(probe)
        except DatabaseError as exc:
            reasons.append("backlogs: error")
            report["backlogs_error"] = f"error: {exc.__class__.__name__}"
        report["backlogs"] = {}
        for backlog in probe.backlogs:
            status = backlog_status(backlog, now=now)
            report["backlogs"][backlog.name] = status
            if status["status"] != "ok":
                reasons.append(f"{backlog.name}: {status['status']}")
    ready = not reasons
    return ready, {"status": "ok" if ready else "unavailable", "reasons": reasons, **report}
