"""Celery tasks of notifications: thin, idempotent calls of its services."""

from celery import shared_task

from notifications.reminders import reminders_send_due
from notifications.services import notifications_send_emails


# Names keep their historical "courses." prefix: task names are a contract with queued
# messages and the beat schedule stored in the database.
@shared_task(name="courses.reminders_send_due", acks_late=True)
def reminders_send_due_task() -> dict[str, int]:
    """Hourly: create due-soon, overdue and escalation reminders (each exactly once)."""
    return reminders_send_due()


@shared_task(name="courses.notifications_send_emails", acks_late=True)
def notifications_send_emails_task() -> int:
    """Email notifications that want it (each once); runs after sweeps and every few minutes."""
    return notifications_send_emails()
