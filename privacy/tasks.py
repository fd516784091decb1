from celery import shared_task

from privacy.services import privacy_retention_sweep


@shared_task(
    name="privacy.retention_sweep", ignore_result=True, soft_time_limit=540, time_limit=600
)
def retention_sweep_task() -> dict[str, int]:
    """Apply the retention periods of personal data (daily, from beat); a second run finds
    nothing to do."""
    return privacy_retention_sweep()
