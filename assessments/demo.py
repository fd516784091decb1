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


DEMO_RULES = [
    # name, skill, criterion, module, N, W, C, D, mode
    (
        "Escalation findings → escalation module",
        "escalations",
        "",
        "handling-escalations",
        2,
        30,
        30,
        7,
        "suggest",
    ),
    (
        "Metric mistakes → service metrics",
        "kpi-literacy",
        "",
        "service-metrics",
        3,
        30,
        30,
        7,
        "auto",
    ),
    (
        "Missing empathy statement → escalation module",
        None,
        "Empathy statement",
        "handling-escalations",
        3,
        30,
        30,
        10,
        "suggest",
    ),
]


def demo_qa_load(*, people: dict[str, User]) -> None:
    """Training rules, QA findings and quiz results, so the lead's skills dashboard tells a
    story: a suggestion waiting for agent 2, and agent 3's metrics training that worked."""
    from assessments import qa, skills
    from assessments.models import RuleFiring, TrainingRule

    lead = people.get("lead@demo.test")
    if lead is None or TrainingRule.objects.exists():
        return
    skills_by_slug = {s.slug: s for s in Skill.objects.all()}
    for name, skill, criterion, module, n, w, c, d, mode in DEMO_RULES:
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

    def finding(
        email: str, ref: str, criterion: str, skill: str, severity: str, days_ago: int
    ) -> None:
        qa.finding_record(
            reviewer=lead,
            agent_id=people[email].pk,
            interaction_ref=ref,
            criterion=criterion,
            skill=skill,
            severity=severity,
            note="Demo finding.",
            occurred_at=now - timedelta(days=days_ago),
        )

    # agent 3: three metric mistakes 60 days ago → automatic training, finished 40 days ago …
    for n, days in enumerate((62, 60, 58), start=1):
        finding(
            "agent3@demo.test",
            f"TCK-30{n}",
            "Explains the SLA correctly",
            "kpi-literacy",
            "medium",
            days,
        )
    qa.rules_evaluate(agent_id=people["agent3@demo.test"].pk)
    firing = (
        RuleFiring.objects.filter(agent=people["agent3@demo.test"])
        .select_related("assignment")
        .first()
    )
    if firing is not None and firing.assignment is not None:
        assignment_id = firing.assignment.pk
        completed = now - timedelta(days=40)
        RuleFiring.objects.filter(pk=firing.pk).update(fired_at=now - timedelta(days=57))
        Assignment.objects.filter(pk=assignment_id).update(
            status="completed", completed_at=completed, created_at=now - timedelta(days=57)
        )
    # … and only one such finding since
    finding("agent3@demo.test", "TCK-311", "Explains the SLA correctly", "kpi-literacy", "low", 20)
    # agent 2: two escalation findings this week → a suggestion for the lead
    finding(
        "agent2@demo.test",
        "CHAT-881",
        "Escalated within the response time",
        "escalations",
        "high",
        4,
    )
    finding(
        "agent2@demo.test",
        "CALL-112",
        "Escalated within the response time",
        "escalations",
        "medium",
        2,
    )
    qa.rules_evaluate(agent_id=people["agent2@demo.test"].pk)
    # agent 1: a single communication finding
    finding("agent1@demo.test", "TCK-455", "Empathy statement", "communication", "low", 3)

    # quiz results feed the skill model too: agents 1 and 2 took the knowledge check
    quiz = Quiz.objects.filter(slug="agent-knowledge-check").first()
    if quiz is not None:
        for email, right_every in (("agent1@demo.test", 1), ("agent2@demo.test", 2)):
            attempt = services.attempt_start(quiz=quiz, user=people[email])
            for number, question in enumerate(attempt.quiz_version.questions.order_by("position")):
                correct = [c.pk for c in question.choices.all() if c.is_correct]
                wrong = [c.pk for c in question.choices.all() if not c.is_correct][:1]
                chosen = (
                    correct if number % right_every == 0 or question.kind == "true_false" else wrong
                )
                services.answer_save(attempt=attempt, question_id=question.pk, choice_ids=chosen)
            services.attempt_submit(attempt=attempt)
            services.attempt_score(attempt_id=attempt.pk)
    skills.profiles_rebuild()
