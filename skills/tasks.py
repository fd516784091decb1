"""Celery tasks of the skills app: thin, idempotent calls of its services."""

from celery import shared_task
from django.db import DatabaseError

from skills.services import profiles_refresh


@shared_task(
    name="assessments.skill_profiles_refresh",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    max_retries=5,
)
def skill_profiles_refresh_task(user_ids: list[int]) -> int:
    """Recompute these people's skill projection from their evidence (idempotent)."""
    return profiles_refresh(user_ids=user_ids)
