"""Celery tasks of onboarding: thin, idempotent calls of its services."""

from core.task_names import renamed_task
from onboarding.digest import digests_send_weekly


@renamed_task(
    name="onboarding.digests_send_weekly",
    old_name="courses.digests_send_weekly",  # deprecated alias: remove in the next release
    acks_late=True,
)
def digests_send_weekly_task() -> int:
    """Mondays: each lead's weekly digest of their teams (once per lead and week)."""
    return digests_send_weekly()
