from celery import shared_task
from django.db import DatabaseError

from courses.services import sop_reack_assign, sop_reack_sweep


@shared_task(
    name="courses.sop_reack_assign",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=5,
)
def sop_reack_assign_task(version_id: int) -> int:
    """Assign re-acknowledgement of a new SOP version; a second run creates nothing."""
    return sop_reack_assign(version_id=version_id)


@shared_task(name="courses.sop_reack_sweep", acks_late=True)
def sop_reack_sweep_task() -> int:
    """Every 5 minutes: re-enqueue re-acknowledgement that never ran."""
    return sop_reack_sweep()


@shared_task(name="courses.reminders_send_due", acks_late=True)
def reminders_send_due_task() -> dict[str, int]:
    """Hourly: create due-soon, overdue and escalation reminders (each exactly once)."""
    from courses.reminders import reminders_send_due

    return reminders_send_due()


@shared_task(name="courses.notifications_send_emails", acks_late=True)
def notifications_send_emails_task() -> int:
    """Email notifications that want it (each once); runs after sweeps and every few minutes."""
    from courses.notifications import notifications_send_emails

    return notifications_send_emails()


@shared_task(name="courses.digests_send_weekly", acks_late=True)
def digests_send_weekly_task() -> int:
    """Mondays: each lead's weekly digest of their teams (once per lead and week)."""
    from courses.digest import digests_send_weekly

    return digests_send_weekly()
