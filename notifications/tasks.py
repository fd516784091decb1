"""Celery tasks of notifications: thin, idempotent calls of its services."""

from core.task_names import renamed_task
from notifications.reminders import reminders_send_due
from notifications.services import notifications_send_emails


# The old "courses." names are deprecated aliases (core/task_names.py): remove next release.
@renamed_task(
    name="notifications.reminders_send_due", old_name="courses.reminders_send_due", acks_late=True
)
def reminders_send_due_task() -> dict[str, int]:
    """Hourly: create due-soon, overdue and escalation reminders (each exactly once)."""
    return reminders_send_due()


@renamed_task(
    name="notifications.notifications_send_emails",
    old_name="courses.notifications_send_emails",
    acks_late=True,
)
def notifications_send_emails_task() -> int:
    """Email notifications that want it (each once); runs after sweeps and every few minutes."""
    return notifications_send_emails()
