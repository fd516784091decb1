"""Celery tasks of the skills app: thin, idempotent calls of its services."""

from django.db import DatabaseError

from core.task_names import renamed_task
from skills.services import profiles_refresh


@renamed_task(
    name="skills.profiles_refresh",
    old_name="assessments.skill_profiles_refresh",  # deprecated alias: remove next release
    acks_late=True,
    autoretry_for=(DatabaseError,),
    max_retries=5,
)
def skill_profiles_refresh_task(user_ids: list[int]) -> int:
    """Recompute these people's skill projection from their evidence (idempotent)."""
    return profiles_refresh(user_ids=user_ids)
