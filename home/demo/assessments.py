"""Load the demo quizzes, a knowledge-check assignment, a candidate invitation for the
lead-readiness quiz, and the QA story (rules, findings, quiz results), from ``content/``
through the real services. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from assessments import services as assessments_services
from assessments.models import CandidateInvitation, Choice, Question, Quiz, ResultBand
from assessments.selectors import candidate_invitation_url
from courses import services as courses_services
from courses.models import Assignment, Module
from home.demo import content
from home.demo.people import demo_team
from skills import services as skills_services
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
        invitation = assessments_services.candidate_invitation_create(
            invited_by=lead,
            email=DEMO_CANDIDATE,
            name="Casey Candidate",
            quiz_id=quizzes["lead-readiness"].pk,
            team_id=demo_team().pk,
            expires_at=timezone.now() + timedelta(days=30),
        )
    return candidate_invitation_url(invitation)


def demo_qa_load(*, people: dict[str, User]) -> None:
    """Training rules, QA findings and quiz results, so the lead's skills dashboard tells a
    story: a suggestion waiting for agent 2, and agent 3's metrics training that worked."""
    from qa import services as qa_services
    from qa.models import RuleFiring, TrainingRule

    lead = people.get("lead@demo.test")
    if lead is None or TrainingRule.objects.exists():
        return
    skills_by_slug = {s.slug: s for s in Skill.objects.all()}
    for name, skill, criterion, module, n, w, c, d, mode in content.demo_rules():
        TrainingRule.objects.create(
            name=name,
            skill=skills_by_slug.get(skill) if skill else None,
            criterion=criterion,
            module=Module.objects.get(slug=module),
            threshold=n,
            window_days=w,
            cooldown_days=c,
            due_days=d,
            mode=mode,
        )
    now = timezone.now()
    for item in content.demo_findings():
        agent = people[item["agent"]]
        qa_services.finding_record(
            reviewer=people[item["reviewer"]],
            agent_id=agent.pk,
            interaction_ref=item["interaction_ref"],
            criterion=item["criterion"],
            skill=item["skill"],
            severity=item["severity"],
            note=item["note"],
            occurred_at=now - timedelta(days=item["days_ago"]),
        )
        if item.get("then") == "evaluate_rules":
            qa_services.rules_evaluate(agent_id=agent.pk)
        if "training_finished_days_ago" in item:  # the training that followed, backdated
            firing = RuleFiring.objects.filter(agent=agent).select_related("assignment").first()
            if firing is not None and firing.assignment is not None:
                fired_at = now - timedelta(days=item["fired_days_ago"])
                RuleFiring.objects.filter(pk=firing.pk).update(fired_at=fired_at)
                Assignment.objects.filter(pk=firing.assignment.pk).update(
                    status=Assignment.Status.COMPLETED,
                    completed_at=now - timedelta(days=item["training_finished_days_ago"]),
                    created_at=fired_at,
                )

    # quiz results feed the skill model too: agents 1 and 2 took the knowledge check
    for taken in content.demo_quiz_attempts():
        quiz = Quiz.objects.filter(slug=taken["quiz"]).first()
        if quiz is not None:
            right_every = taken["correct_every"]
            attempt = assessments_services.attempt_start(quiz=quiz, user=people[taken["agent"]])
            for number, question in enumerate(attempt.quiz_version.questions.order_by("position")):
                correct = [c.pk for c in question.choices.all() if c.is_correct]
                wrong = [c.pk for c in question.choices.all() if not c.is_correct][:1]
                chosen = (
                    correct if number % right_every == 0 or question.kind == "true_false" else wrong
                )
                assessments_services.answer_save(
                    attempt=attempt, question_id=question.pk, choice_ids=chosen
                )
            assessments_services.attempt_submit(attempt=attempt)
            assessments_services.attempt_score(attempt_id=attempt.pk)
    skills_services.profiles_rebuild()
