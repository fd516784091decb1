"""Real events through the real services, for the xAPI tests (each records its statements)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from assessments import services as assessments_services
from assessments.models import Attempt, Question
from courses import services as courses_services
from qa import services as qa_services
from qa.models import TrainingRule
from tests import factories


def scored_attempt(*, user: Any = None, invitation: Any = None, quiz: Any, right: int) -> Attempt:
    """Start, answer (the first ``right`` questions right, the rest wrong), submit and score."""
    attempt = assessments_services.attempt_start(quiz=quiz, user=user, invitation=invitation)
    questions = Question.objects.filter(version=attempt.quiz_version).order_by("position")
    for n, question in enumerate(questions):
        choices = (
            factories.right_choice_ids(question)
            if n < right
            else factories.wrong_choice_ids(question)
        )
        assessments_services.answer_save(
            attempt=attempt, question_id=question.pk, choice_ids=choices
        )
    assessments_services.attempt_submit(attempt=attempt)
    assessments_services.attempt_score(attempt_id=attempt.pk)
    attempt.refresh_from_db()
    return attempt


def every_kind(
    *, member: Any, lead: Any, team: Any, candidate_email: str = "Cand.Idate@Example.test"
) -> dict[str, Any]:
    """One event of each kind the app sends: SOP acknowledged, lessons and a module completed,
    a learner's attempt passed and one failed, a consenting candidate's attempt, and a module
    assigned by an automatic QA rule."""
    sop = factories.sop_published("v1", "v2", title="Refund policy")
    version = sop.versions.get(number=2)
    courses_services.sop_acknowledge(user=member, version=version)
    module = factories.module_with_lessons(lessons=2, title="Escalations")
    for lesson in module.lessons.all():
        courses_services.lesson_complete(user=member, lesson=lesson)
    courses_services.module_complete(user=member, module=module)
    quiz = factories.quiz_published(slug="escalation-check")
    passed = scored_attempt(user=member, quiz=quiz, right=3)
    failed = scored_attempt(user=member, quiz=quiz, right=1)
    invitation = assessments_services.candidate_invitation_create(
        invited_by=lead,
        email=candidate_email,
        name="Cand Idate",
        quiz=quiz,
        team=team,
        expires_at=timezone.now() + timedelta(days=3),
        share_results_xapi=True,
    )
    candidate = scored_attempt(invitation=invitation, quiz=quiz, right=2)
    skill = factories.SkillFactory.create()
    qa_module = factories.module_with_lessons(lessons=1, title="Tone of voice")
    rule = TrainingRule.objects.create(
        name="Tone", skill=skill, module=qa_module, threshold=1, mode=TrainingRule.Mode.AUTO
    )
    qa_services.finding_record(
        reviewer=lead, agent=member, interaction_ref="T-1", criterion="Tone", skill=skill
    )
    qa_services.rules_evaluate(agent_id=member.pk)
    return {
        "sop": sop,
        "version": version,
        "module": module,
        "quiz": quiz,
        "passed": passed,
        "failed": failed,
        "candidate": candidate,
        "invitation": invitation,
        "rule": rule,
        "qa_module": qa_module,
    }
