from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone

from accounts.models import Invitation, Membership, Team, User
from assessments.models import Quiz
from courses import services as courses_services
from courses.models import SOP, Lesson, Module
from skills.models import Skill

TEST_PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    name = factory.Faker("name")
    password = factory.django.Password(TEST_PASSWORD)


class TeamFactory(factory.django.DjangoModelFactory[Team]):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    team = factory.SubFactory(TeamFactory)
    role = Membership.Role.MEMBER


class InvitationFactory(factory.django.DjangoModelFactory[Invitation]):
    class Meta:
        model = Invitation

    email = factory.Sequence(lambda n: f"newhire{n}@example.test")
    team = factory.SubFactory(TeamFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))


class SkillFactory(factory.django.DjangoModelFactory[Skill]):
    class Meta:
        model = Skill
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"skill-{n}")
    name = factory.LazyAttribute(lambda o: o.slug.replace("-", " ").title())


class SOPFactory(factory.django.DjangoModelFactory[SOP]):
    class Meta:
        model = SOP

    slug = factory.Sequence(lambda n: f"sop-{n}")
    title = factory.Sequence(lambda n: f"SOP {n}")


class ModuleFactory(factory.django.DjangoModelFactory[Module]):
    class Meta:
        model = Module

    slug = factory.Sequence(lambda n: f"module-{n}")
    title = factory.Sequence(lambda n: f"Module {n}")
    summary = "What this module teaches."


def sop_published(*bodies: str, title: str = "", requires_reack: bool = False) -> SOP:
    """An SOP with one published version per body (v1, v2, …)."""
    sop = SOPFactory.create(**({"title": title} if title else {}))
    for number, body in enumerate(bodies, start=1):
        draft = courses_services.sop_draft_save(
            sop=sop,
            body=body,
            change_summary="First version." if number == 1 else f"Change {number}",
            requires_reack=requires_reack and number > 1,
        )
        courses_services.sop_version_publish(version=draft)
    return sop


def module_with_lessons(lessons: int = 3, **fields: object) -> Module:
    module = ModuleFactory.create(**fields)
    for position in range(1, lessons + 1):
        courses_services.lesson_save(
            lesson=Lesson(
                module=module,
                position=position,
                title=f"Lesson {position}",
                body=f"## Part {position}\n\nText.",
            )
        )
    return module


def quiz_published(
    *,
    slug: str = "",
    questions: list[dict[str, Any]] | None = None,
    bands: list[tuple[float, float, str]] | None = None,
    module: Module | None = None,
    **rules: Any,
) -> Quiz:
    """A published quiz. ``questions`` are dicts with ``kind``, ``weight``, ``skills`` and
    ``choices``: a list of (text, is_correct, explanation) or of ``Choice`` fields as dicts
    (a fraction, a numerical value). Default: three single-choice questions with choices A
    (right) and B, C (wrong), and bands from 0, 1.5 and 2.5. ``purpose="practice"``: a
    practice bank."""
    from assessments import services as assessments_services
    from assessments.models import Choice, Question, Quiz, ResultBand

    global _quiz_counter
    _quiz_counter += 1
    quiz = Quiz.objects.create(
        slug=slug or f"quiz-{_quiz_counter}",
        title=f"Quiz {_quiz_counter}",
        purpose=rules.pop("purpose", Quiz.Purpose.ASSESSMENT),
    )
    if module is not None:  # the module's completion quiz
        module.completion_quiz = quiz
        module.save(update_fields=["completion_quiz"])
    rules.setdefault("attempts_allowed", 0)
    # tests of the review itself want it at once; the model's default waits for the last attempt
    rules.setdefault("review_when", "immediately")
    version = assessments_services.quiz_version_create(quiz=quiz, **rules)
    if questions is None:
        questions = [
            {
                "kind": "single",
                "choices": [
                    (f"Q{n} right", True, f"Q{n} A is right because of reason {n}."),
                    (f"Q{n} wrong one", False, f"Q{n} B explanation {n}."),
                    (f"Q{n} wrong two", False, f"Q{n} C explanation {n}."),
                ],
            }
            for n in range(1, 4)
        ]
    for position, item in enumerate(questions, start=1):
        question = assessments_services.question_save(
            question=Question(
                version=version,
                position=position,
                text=f"Scenario **{position}**",
                kind=item.get("kind", "single"),
                weight=item.get("weight", 1.0),
            )
        )
        question.skills.set(item.get("skills", []))
        for number, choice in enumerate(item["choices"], start=1):
            fields = (
                choice
                if isinstance(choice, dict)
                else dict(zip(("text", "is_correct", "explanation"), choice, strict=True))
            )
            Choice.objects.create(question=question, position=number, **fields)
    for low, high, label in (
        bands if bands is not None else [(0, 1.49, "Low"), (1.5, 2.49, "Mid"), (2.5, 3, "High")]
    ):
        ResultBand.objects.create(
            version=version, min_score=low, max_score=high, label=label, message=f"{label} message"
        )
    assessments_services.quiz_version_publish(version=version)
    return quiz


_quiz_counter = 0


def right_choice_ids(question: Any) -> list[int]:
    return [c.pk for c in question.choices.all() if c.is_correct]


def attempts_answered_right(quiz: Any, users: list[Any]) -> list[Any]:
    """One started attempt per user with every question answered right (not submitted)."""
    from assessments import services as assessments_services
    from assessments.models import Question

    attempts = []
    for user in users:
        attempt = assessments_services.attempt_start(quiz=quiz, user=user)
        for question in Question.objects.filter(version=attempt.quiz_version):
            assessments_services.answer_save(
                attempt=attempt, question_id=question.pk, choice_ids=right_choice_ids(question)
            )
        attempts.append(attempt)
    return attempts


def wrong_choice_ids(question: Any) -> list[int]:
    return [c.pk for c in question.choices.all() if not c.is_correct][:1]


def checklist(*steps: tuple[int, str, Any], name: str = "") -> Any:
    """A checklist template from (offset days, kind, linked object or title) steps."""
    from onboarding.models import ChecklistItemTemplate, ChecklistTemplate

    global _checklist_counter
    _checklist_counter += 1
    template = ChecklistTemplate.objects.create(name=name or f"Checklist {_checklist_counter}")
    for position, (offset, kind, target) in enumerate(steps):
        ChecklistItemTemplate.objects.create(
            template=template,
            position=position,
            due_offset_days=offset,
            kind=kind,
            title=target if isinstance(target, str) else f"{STEP_VERBS[kind]} {target}",
            sop=target if kind == "read_sop" else None,
            module=target if kind == "module" else None,
            quiz=target if kind == "quiz" else None,
        )
    return template


_checklist_counter = 0
STEP_VERBS = {"read_sop": "Read", "module": "Complete", "quiz": "Pass"}


def assign_by_ids(
    *,
    assigned_by: Any,
    user_ids: list[Any],
    module_id: Any = None,
    sop_id: Any = None,
    quiz_id: Any = None,
    due_on: Any = None,
    reason: str = "",
) -> Any:
    """What the assign page and API do: parse the ids with the selectors, then assign."""
    from courses import selectors as courses_selectors
    from courses import services as courses_services

    return courses_services.assignments_assign(
        assigned_by=assigned_by,
        users=courses_selectors.assignees_get(lead=assigned_by, user_ids=user_ids),
        target=courses_selectors.assignment_target_get(
            module_id=module_id, sop_id=sop_id, quiz_id=quiz_id
        ),
        due_on=due_on,
        reason=reason,
    )
