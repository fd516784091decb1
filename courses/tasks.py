from celery import shared_task

from courses.services import sop_reack_assign


@shared_task(name="courses.sop_reack_assign", acks_late=True, max_retries=3)
def sop_reack_assign_task(version_id: int) -> int:
    """Assign re-acknowledgement of a new SOP version; a second run creates nothing."""
    return sop_reack_assign(version_id=version_id)
