"""Dispatching Celery work safely from request code."""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue_on_commit(task: Task, *args: Any, **kwargs: Any) -> None:
    """Send ``task`` once the current transaction commits; never fail the caller.

    A worker must not read before the writer commits, so the send waits for the commit. If the
    broker is down the send is logged and dropped: every task sent this way is also reached by a
    periodic sweep that finds the unfinished state in the database, so nothing is lost.
    """

    def send() -> None:
        if task.app.conf.task_always_eager:
            # Eager mode (embedded demo, unit tests): run inline and let errors surface.
            task.apply(args=args, kwargs=kwargs, throw=True)
            return
        try:
            task.apply_async(args=args, kwargs=kwargs)
        except Exception:
            logger.exception("Could not enqueue %s%r; a periodic sweep will retry", task.name, args)

    transaction.on_commit(send)
