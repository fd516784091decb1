"""Load the demo quizzes, a knowledge-check assignment and a candidate invitation for the
lead-readiness quiz, from ``content/`` through the real services. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from assessments import services as assessments_services
from assessments.models import CandidateInvitation, Choice, Question, Quiz, ResultBand
from assessments.selectors import candidate_invitation_url
from courses.models import Module
from home.demo import content
from home.demo.people import demo_team
from skills.models import Skill

DEMO_CANDIDATE = content.demo_candidate()


def demo_quizzes_load() -> dict[str, Quiz]:
    skills = {skill.slug: skill for skill in Skill.objects.all()}
    quizzes = {}
    for item in content.quizzes():
        quiz, _created = Quiz.objects.update_or_create(
            slug=item["slug"],
            defaults={
                "title": item["title"],
                "description": item["description"],
                "is_published": True,
            },
        )
        if item["module"]:  # the module this quiz completes
            Module.objects.filter(slug=item["module"]).update(completion_quiz=quiz)
        quizzes[item["slug"]] = quiz
        if quiz.versions.exists():
            continue  # versions are the quiz's history: never rewritten
        review = item["review"]
        version = assessments_services.quiz_version_create(
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
            question = assessments_services.question_save(
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
        assessments_services.quiz_version_publish(version=version)
    return quizzes


def demo_assessments_load(*, people: dict[str, User]) -> str | None:
    """The quizzes and the demo candidate's invitation; returns its link (a path)."""
    quizzes = demo_quizzes_load()
    wanted = content.demo_candidate_invitation()
    lead = people.get(wanted["invited_by"])
    if lead is None:
        return None
    quiz = quizzes[wanted["quiz"]]
    invitation = CandidateInvitation.objects.filter(
        email=DEMO_CANDIDATE, quiz=quiz, revoked_at__isnull=True
    ).first()
    if invitation is None or invitation.expires_at < timezone.now() + timedelta(days=1):
        invitation = assessments_services.candidate_invitation_create(
            invited_by=lead,
            email=DEMO_CANDIDATE,
            name=wanted["name"],
            quiz=quiz,
            team=demo_team(),
            expires_at=timezone.now() + timedelta(days=wanted["expires_in_days"]),
        )
    return candidate_invitation_url(invitation)
