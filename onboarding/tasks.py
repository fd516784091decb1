"""Celery tasks of onboarding: thin, idempotent calls of its services."""

from celery import shared_task

from onboarding.digest import digests_send_weekly


# The name keeps its historical "courses." prefix: task names are a contract with queued
# messages and the beat schedule stored in the database.
@shared_task(name="courses.digests_send_weekly", acks_late=True)
def digests_send_weekly_task() -> int:
    """Mondays: each lead's weekly digest of their teams (once per lead and week)."""
    return digests_send_weekly()
