"""Thin Celery tasks of practice."""

from __future__ import annotations

from celery import shared_task

from practice import services


@shared_task(name="practice.build_sets", acks_late=True, time_limit=600, soft_time_limit=540)
def build_sets() -> int:
    """Hourly: each learner's set for their current day, where missing (idempotent)."""
    return services.practice_sets_build()
