"""Celery tasks of the QA loop: thin, idempotent calls of its services."""

from celery import shared_task
from django.db import DatabaseError

from core.task_names import renamed_task
from qa.services import rules_evaluate


@renamed_task(
    name="qa.rules_evaluate",
    old_name="assessments.qa_rules_evaluate",  # deprecated alias: remove next release
    acks_late=True,
    autoretry_for=(DatabaseError,),
    max_retries=5,
)
def qa_rules_evaluate_task(agent_id: int) -> int:
    """Run the training rules for an agent after new findings (idempotent: cooldowns)."""
    return rules_evaluate(agent_id=agent_id)


@shared_task(
    name="qa.rules_evaluate_agents",
    acks_late=True,
    autoretry_for=(DatabaseError,),
    max_retries=5,
)
def qa_rules_evaluate_agents_task(agent_ids: list[int]) -> int:
    """The same for many agents at once (a QA review import): one message, not one each."""
    return sum(rules_evaluate(agent_id=agent_id) for agent_id in agent_ids)
