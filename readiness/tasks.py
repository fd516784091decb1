"""Thin Celery tasks of readiness."""

from __future__ import annotations

from celery import shared_task

from readiness import services


@shared_task(
    name="readiness.regressions_sweep", acks_late=True, time_limit=600, soft_time_limit=540
)
def regressions_sweep() -> dict[str, int]:
    """Daily: who was decided ready and no longer meets a criterion (idempotent)."""
    return services.regressions_sweep()
