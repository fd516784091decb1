import logging

from celery import Task, shared_task
from django.db import DatabaseError

from assessments import services
from core.task_names import renamed_task

logger = logging.getLogger(__name__)

# An attempt another batch is scoring is looked at again after this long, this many times at
# most: by then that batch has committed (the attempt is scored), or rolled back because its
# worker died (this task scores it). The sweep re-sends anything still unscored after that.
BUSY_RETRY_SECONDS = 2
BUSY_MAX_LOOKS = 30


@shared_task(
    bind=True,
    name="assessments.score_attempt",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=5,
)
def score_attempt_task(self: Task, attempt_id: str, looked: int = 0) -> int:
    """Score a submitted attempt once, with up to ``SCORING_BATCH - 1`` others waiting; returns
    how many it scored. Later runs (retries, the sweep, the tasks of attempts an earlier batch
    took) change nothing and return 0. A worker doesn't wait for another batch holding the
    attempt: it sends itself again to look later (a new message, so the retries left for
    database errors stay as they are). Run eagerly, in process, it waits."""
    try:
        return services.attempts_score(attempt_id=attempt_id, wait=bool(self.request.is_eager))
    except services.AttemptBusy:
        if looked + 1 >= BUSY_MAX_LOOKS:
            logger.warning("Attempt %s stayed in a batch's hands; left to the sweep", attempt_id)
            return 0
        try:
            self.apply_async(
                args=(attempt_id,), kwargs={"looked": looked + 1}, countdown=BUSY_RETRY_SECONDS
            )
        except Exception:  # the broker is down: the sweep re-sends it
            logger.exception("Could not send scoring of %s again; the sweep will", attempt_id)
        return 0


@shared_task(name="assessments.attempts_sweep", acks_late=True)
def attempts_sweep_task() -> dict[str, int]:
    """Every minute: submit attempts whose time is up, re-enqueue stale unscored ones."""
    return services.attempts_sweep()


@renamed_task(
    name="assessments.item_analysis_compute",
    old_name="assessments.item_analysis",  # deprecated alias: remove in the next release
    acks_late=True,
)
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
