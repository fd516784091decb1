from celery import shared_task

from audit.services import events_purge


@shared_task(name="audit.events_purge", ignore_result=True, soft_time_limit=240, time_limit=300)
def events_purge_task() -> int:
    """Delete the audit events older than ``AUDIT_RETENTION_DAYS`` (daily, from beat); a
    second run finds nothing to delete."""
    return events_purge()
