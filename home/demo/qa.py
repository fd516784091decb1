"""Load the demo QA story: training rules, findings (with the training that followed, backdated)
and quiz results, so the lead's *Skills* page has something to show. Idempotent."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import User
from assessments import services as assessments_services
from assessments.models import Quiz
from courses import services as courses_services
from courses.models import Assignment, LessonProgress, Module, ModuleCompletion
from home.demo import content
from qa import services as qa_services
from qa.models import RuleFiring, TrainingRule
from skills import services as skills_services
from skills.models import Skill, SkillEvidence


def demo_qa_load(*, people: dict[str, User]) -> None:
    """Training rules, QA findings and quiz results, so the lead's skills dashboard tells a
    story: a suggestion waiting for agent 2, and agent 3's metrics training that worked."""
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
            agent=agent,
            interaction_ref=item["interaction_ref"],
            criterion=item["criterion"],
            skill=skills_by_slug[item["skill"]],
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
                Assignment.objects.filter(pk=firing.assignment.pk).update(created_at=fired_at)
                _training_done(
                    agent=agent,
                    assignment=firing.assignment,
                    at=now - timedelta(days=item["training_finished_days_ago"]),
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


def _training_done(*, agent: User, assignment: Assignment, at: datetime) -> None:
    """The agent did the assigned module as a learner does (every lesson read, the module
    completed, its evidence recorded), then everything is dated ``at``. Was: the assignment
    alone was marked done, so the module said "done" with 0 of 4 lessons read."""
    module = assignment.module
    if module is None:
        return
    for lesson in module.lessons.all():
        courses_services.lesson_complete(user=agent, lesson=lesson)
    courses_services.module_complete(
        user=agent, module=module, via_quiz=module.completion_quiz_id is not None
    )
    LessonProgress.objects.filter(user=agent, lesson__module=module).update(completed_at=at)
    ModuleCompletion.objects.filter(user=agent, module=module).update(completed_at=at)
    Assignment.objects.filter(pk=assignment.pk).update(completed_at=at)
    SkillEvidence.objects.filter(
        user=agent, source=SkillEvidence.Source.MODULE, source_id=module.pk
    ).update(occurred_at=at)
