"""Dispatching Celery work safely from request code, and core's own periodic task."""

from __future__ import annotations

import logging
import threading
from typing import Any

from celery import Task, current_app
from celery.exceptions import NotRegistered
from django.db import transaction

from core.health import heartbeat_record
from core.task_names import renamed_task

logger = logging.getLogger(__name__)


_IMPORTING = threading.Lock()


def task_named(name: str) -> Task:
    """The registered task called ``name``, importing the apps' ``tasks`` modules first if
    nothing has yet (the web process never starts a worker, which is what imports them).

    Under a lock: Celery's discovery runs once, so a second web thread asking while the first
    imports would otherwise find nothing registered yet (``make loadtest`` saw 500s on the
    first submits of a fresh gunicorn worker)."""
    try:
        return current_app.tasks[name]
    except NotRegistered:
        with _IMPORTING:
            current_app.loader.import_default_modules()
        return current_app.tasks[name]


def enqueue_on_commit(
    task: Task | str, *args: Any, countdown: float | None = None, **kwargs: Any
) -> None:
    """Send ``task`` once the current transaction commits; never fail the caller. With
    ``countdown`` (seconds), a worker runs it no sooner than that after the send (eager mode
    runs it at once).

    Services name their tasks (``"assessments.score_attempt"``): a task module imports its
    services, never the other way round, so an app's modules form no import cycle. Task names
    are a contract anyway (the beat schedule and queued messages use them).

    A worker must not read before the writer commits, so the send waits for the commit. If the
    broker is down the send is logged and dropped: every task sent this way is also reached by a
    periodic sweep that finds the unfinished state in the database, so nothing is lost.
    """

    def send() -> None:
        resolved = task_named(task) if isinstance(task, str) else task
        if resolved.app.conf.task_always_eager:
            # Eager mode (embedded demo, unit tests): run inline and let errors surface.
            resolved.apply(args=args, kwargs=kwargs, throw=True)
            return
        try:
            if countdown:
                resolved.apply_async(args=args, kwargs=kwargs, countdown=countdown)
            else:
                resolved.apply_async(args=args, kwargs=kwargs)
        except Exception:
            logger.exception(
                "Could not enqueue %s%r; a periodic sweep will retry", resolved.name, args
            )

    transaction.on_commit(send)


@renamed_task(
    name="core.heartbeat_record",
    old_name="core.heartbeat",  # deprecated alias: remove in the next release
    bind=True,
    ignore_result=True,
)
def heartbeat_task(self: Task) -> None:
    """Every minute from beat: record that periodic work reaches a worker (``/healthz/ready``
    reads it). Overwrites one row, so extra or repeated runs are harmless."""
    heartbeat_record(hostname=self.request.hostname or "")
