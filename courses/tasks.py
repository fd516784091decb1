from celery import shared_task
from django.db import DatabaseError

from courses.services import sop_reack_assign, sop_reack_notify, sop_reack_sweep


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


@shared_task(
    name="courses.sop_reack_notify",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=5,
)
def sop_reack_notify_task(version_id: int) -> int:
    """Notify everyone asked to re-read a new SOP version; a second run creates nothing."""
    return sop_reack_notify(version_id=version_id)
