from celery import shared_task
from django.db import DatabaseError

from assessments import services


@shared_task(
    name="assessments.score_attempt",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=5,
)
def score_attempt_task(attempt_id: str) -> bool:
    """Score a submitted attempt once; later runs (retries, the sweep) change nothing."""
    return services.attempt_score(attempt_id=attempt_id)


@shared_task(name="assessments.attempts_sweep", acks_late=True)
def attempts_sweep_task() -> dict[str, int]:
    """Every minute: submit attempts whose time is up, re-enqueue stale unscored ones."""
    return services.attempts_sweep()


@shared_task(name="assessments.item_analysis", acks_late=True)
def item_analysis_task(version_id: int) -> int:
    return services.item_analysis_compute(version_id=version_id)


@shared_task(
    name="assessments.candidate_invitation_send",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def candidate_invitation_send_task(invitation_id: str) -> bool:
    return services.candidate_invitation_send(invitation_id=invitation_id)
