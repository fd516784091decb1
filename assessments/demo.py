"""Load the demo quizzes (assessments/demo_content.py), a knowledge-check assignment and a
candidate invitation for the lead-readiness quiz. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.demo import demo_team
from accounts.models import User
from assessments import demo_content, services
from assessments.models import CandidateInvitation, Choice, Question, Quiz, ResultBand
from assessments.selectors import candidate_invitation_url
from courses import services as courses_services
from courses.models import Assignment, Module, Skill

DEMO_CANDIDATE = "candidate@demo.test"


def demo_quizzes_load() -> dict[str, Quiz]:
    skills = {skill.slug: skill for skill in Skill.objects.all()}
    quizzes = {}
    for item in demo_content.QUIZZES:
        module = Module.objects.filter(slug=item["module"]).first() if item["module"] else None
        quiz, _created = Quiz.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "title": item["title"],
                "description": item["description"],
                "module": module,
                "is_published": True,
            },
        )
        quizzes[item["slug"]] = quiz
        if quiz.versions.exists():
            continue  # versions are the quiz's history: never rewritten
        review = item["review"]
        version = services.quiz_version_create(
            quiz=quiz,
            time_limit_minutes=item["time_limit_minutes"],
            grace_seconds=item["grace_seconds"],
            attempts_allowed=item["attempts_allowed"],
            pass_percent=item["pass_percent"],
            shuffle_questions=item["shuffle_questions"],
            shuffle_choices=item["shuffle_choices"],
            review_when=review["when"],
            review_score=review["score"],
            review_correctness=review["correctness"],
            review_explanations=review["explanations"],
        )
        for position, question_item in enumerate(item["questions"], start=1):
            question = services.question_save(
                question=Question(
                    version=version,
                    position=position,
                    text=question_item["text"],
                    kind=question_item["kind"],
                    weight=question_item["weight"],
                )
            )
            question.skills.set(
                [skills[slug] for slug in question_item["skills"] if slug in skills]
            )
            Choice.objects.bulk_create(
                [
                    Choice(
                        question=question,
                        position=number,
                        text=choice["text"],
                        is_correct=choice["correct"],
                        explanation=choice["explanation"],
                    )
                    for number, choice in enumerate(question_item["choices"], start=1)
                ]
            )
        ResultBand.objects.bulk_create(
            [
                ResultBand(
                    version=version,
                    min_score=band["min"],
                    max_score=band["max"],
                    label=band["label"],
                    message=band["message"],
                )
                for band in item["bands"]
            ]
        )
        services.quiz_version_publish(version=version)
    return quizzes


def demo_assessments_load(*, people: dict[str, User]) -> str | None:
    """Returns the demo candidate's invitation link (a path)."""
    quizzes = demo_quizzes_load()
    agent = people.get("agent3@demo.test")
    if agent is not None:
        courses_services.assignment_ensure(
            user=agent,
            quiz_id=quizzes["agent-knowledge-check"].pk,
            source=Assignment.Source.MANUAL,
            reason="Week 4: check what you have learnt",
            due_at=timezone.now() + timedelta(days=6),
            assigned_by=people.get("lead@demo.test"),
        )
    lead = people.get("lead@demo.test")
    if lead is None:
        return None
    invitation = CandidateInvitation.objects.filter(
        email=DEMO_CANDIDATE, quiz=quizzes["lead-readiness"], revoked_at__isnull=True
    ).first()
    if invitation is None or invitation.expires_at < timezone.now() + timedelta(days=1):
        invitation = services.candidate_invitation_create(
            invited_by=lead,
            email=DEMO_CANDIDATE,
            name="Casey Candidate",
            quiz_id=quizzes["lead-readiness"].pk,
            team_id=demo_team().pk,
            expires_at=timezone.now() + timedelta(days=30),
        )
    return candidate_invitation_url(invitation)
