from celery import shared_task

from privacy.services import (
    candidate_data_link_email,
    person_export_build,
    privacy_retention_sweep,
)


@shared_task(
    name="privacy.retention_sweep", ignore_result=True, soft_time_limit=540, time_limit=600
)
def retention_sweep_task() -> dict[str, int]:
    """Apply the retention periods of personal data (daily, from beat); a second run finds
    nothing to do."""
    return privacy_retention_sweep()


@shared_task(
    name="privacy.candidate_data_link_send",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def candidate_data_link_send_task(invitation_id: str) -> bool:
    """Email a candidate the link to their data (an admin sent it on their request)."""
    return candidate_data_link_email(invitation_id=invitation_id)


@shared_task(
    name="privacy.person_export_build", acks_late=True, soft_time_limit=540, time_limit=600
)
def person_export_build_task(user_id: int, requester_id: int) -> str:
    """Build a large export and notify the person who asked for it."""
    return person_export_build(user_id=user_id, requester_id=requester_id)
