"""Authoring quiz versions: saving questions, a new version copied from the last, the checks
that stop a version from being published, and publishing it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import scoring
from assessments.models import (
    Choice,
    Question,
    Quiz,
    QuizVersion,
)
from audit import services as audit_services
from core.errors import ValidationFailed
from core.markdown import render_markdown


def question_save(*, question: Question) -> Question:
    question.text_html = render_markdown(question.text)
    question.save()
    return question


def quiz_version_is_locked(version: QuizVersion) -> bool:
    """A version with attempts is frozen: its results must keep their meaning."""
    return version.attempts.exists()


def quiz_version_create(*, quiz: Quiz, **settings_: object) -> QuizVersion:
    number = (quiz.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return QuizVersion.objects.create(quiz=quiz, number=number, **settings_)


# A version's own fields that a copy does not take: its place in the quiz's history.
VERSION_FIELDS_NOT_COPIED = frozenset({"id", "quiz", "number", "published_at", "created_at"})


def _field_values(row: models.Model, *, parent: str) -> dict[str, object]:
    """Every concrete field of ``row`` except its primary key and its ``parent`` foreign key,
    read from the model's ``_meta`` so a field added later is copied too."""
    return {
        field.attname: getattr(row, field.attname)
        for field in type(row)._meta.concrete_fields
        if not field.primary_key and field.name != parent
    }


_Row = TypeVar("_Row", bound=models.Model)


def _copy_rows(rows: Sequence[tuple[_Row, models.Model]], *, parent: str) -> list[_Row]:
    """Copies of ``(row, new parent)`` pairs, one ``bulk_create``, with the rows'
    many-to-many relations (read from ``_meta``; prefetch them on the rows)."""
    if not rows:
        return []
    model = type(rows[0][0])
    # ``_default_manager`` is ``objects`` on every model copied here; it is typed on any model
    copies = model._default_manager.bulk_create(
        [model(**_field_values(row, parent=parent), **{parent: to}) for row, to in rows]
    )
    for (row, _to), copy in zip(rows, copies, strict=True):
        for m2m in model._meta.many_to_many:
            # ``add`` on the fresh copy: ``set`` would read the original's prefetch cache
            getattr(copy, m2m.name).add(*getattr(row, m2m.name).all())
    return copies


@transaction.atomic
def quiz_version_for_editing(*, quiz: Quiz, unpublished: bool = False) -> QuizVersion:
    """The version an author may change: the newest one if nobody took it yet, otherwise a
    fresh copy of it, unpublished. With ``unpublished`` (question-bank imports), a published
    newest version is copied too, so the change waits for someone to publish it.

    The copy takes everything the version owns: its rules and review policy, its questions
    with their skills, their choices, and its result bands, every field and many-to-many as
    the models declare them, and the translations of each (``tests/assessments/
    test_version_copy.py`` checks each one).
    Not copied: attempts, answers and item statistics, which belong to the old version.
    """
    Quiz.objects.select_for_update().get(pk=quiz.pk)
    latest = quiz.versions.order_by("-number").first()
    if latest is None:
        return quiz_version_create(quiz=quiz)
    if not quiz_version_is_locked(latest) and not (unpublished and latest.is_published):
        return latest
    rules = {
        field.attname: getattr(latest, field.attname)
        for field in QuizVersion._meta.concrete_fields
        if field.name not in VERSION_FIELDS_NOT_COPIED
    }
    copy = quiz_version_create(quiz=quiz, **rules)
    question_m2m = [m2m.name for m2m in Question._meta.many_to_many]
    questions = list(
        latest.questions.prefetch_related("translations", "choices__translations", *question_m2m)
    )
    copied = _copy_rows([(question, copy) for question in questions], parent="version")
    choices = [
        (choice, question_copy)
        for question, question_copy in zip(questions, copied, strict=True)
        for choice in question.choices.all()
    ]
    copied_choices = _copy_rows(choices, parent="question")
    bands = list(latest.bands.prefetch_related("translations"))
    copied_bands = _copy_rows([(band, copy) for band in bands], parent="version")
    # the translations of each: same languages, same texts, on the copies
    _copy_rows([(t, copy) for t in latest.translations.all()], parent="version")
    _copy_rows(
        [
            (t, question_copy)
            for question, question_copy in zip(questions, copied, strict=True)
            for t in question.translations.all()
        ],
        parent="question",
    )
    _copy_rows(
        [
            (t, choice_copy)
            for (choice, _q), choice_copy in zip(choices, copied_choices, strict=True)
            for t in choice.translations.all()
        ],
        parent="choice",
    )
    _copy_rows(
        [
            (t, band_copy)
            for band, band_copy in zip(bands, copied_bands, strict=True)
            for t in band.translations.all()
        ],
        parent="band",
    )
    return copy


def quiz_version_problems(version: QuizVersion) -> list[str]:
    """What stops a version from being published (empty when it is ready)."""
    problems = []
    bank = version.quiz.purpose == Quiz.Purpose.PRACTICE
    questions = list(version.questions.prefetch_related("choices", "skills"))
    if not questions:
        problems.append(_("Add at least one question."))
    for number, question in enumerate(questions, start=1):
        choices = list(question.choices.all())
        if bank and not question.skills.all():
            problems.append(
                _(
                    "Question %(n)d needs a skill: practice gives a bank's questions by skill, "
                    "so one without a skill would never be drawn."
                )
                % {"n": number}
            )
        correct = sum(c.is_correct for c in choices)
        problems += _weight_problems(number, question, choices)
        if question.is_text_kind:
            continue
        if len(choices) < 2:
            problems.append(_("Question %(n)d needs at least two choices.") % {"n": number})
        weighted = any(c.fraction is not None for c in choices)  # checked by the weights
        if question.kind in ("single", "true_false") and correct != 1 and not weighted:
            problems.append(_("Question %(n)d needs exactly one correct choice.") % {"n": number})
        if question.kind == "true_false" and len(choices) != 2:
            problems.append(
                _("Question %(n)d (true/false) needs exactly two choices.") % {"n": number}
            )
        if question.kind == "multiple" and correct < 1:
            problems.append(_("Question %(n)d needs at least one correct choice.") % {"n": number})
    if version.review_when == QuizVersion.ReviewWhen.AFTER_CLOSE and version.closes_at is None:
        problems.append(_("“After the quiz closes” needs a closing time."))
    bands = sorted(version.bands.all(), key=lambda b: b.min_score)
    if bands and bands[0].min_score > 0:
        problems.append(_("The lowest result band must start at 0."))
    return problems


def _weight_problems(number: int, question: Question, choices: list[Choice]) -> list[str]:
    """Weights (fractions) that can't give full marks, or accepted answers that are missing."""
    rules = [choice_rule(choice) for choice in choices]
    fractions = scoring.choice_fractions(question.kind, rules)
    if question.is_text_kind:
        scorable = [
            f
            for choice, f in zip(choices, fractions, strict=True)
            if question.kind != Question.Kind.NUMERICAL or choice.value is not None
        ]
        if not any(f > 0 for f in scorable):
            return [_("Question %(n)d needs at least one accepted answer.") % {"n": number}]
        return []
    if not any(choice.fraction is not None for choice in choices):
        return []  # the classic rules: the checks below (exactly one correct, …) apply
    if question.kind == Question.Kind.MULTIPLE:
        positive = sum(f for f in fractions if f > 0)
        if abs(positive - 1) > 0.01:
            return [
                _("Question %(n)d: the positive weights add up to %(total)s%%, not 100%%.")
                % {"n": number, "total": f"{positive * 100:g}"}
            ]
    elif fractions and max(fractions) < 0.999:
        return [_("Question %(n)d: no choice earns the full mark (100%%).") % {"n": number}]
    return []


def choice_rule(choice: Choice) -> scoring.Rule:
    return scoring.Rule(
        id=choice.pk,
        is_correct=choice.is_correct,
        fraction=choice.fraction,
        text=choice.text,
        value=choice.value,
        tolerance=choice.tolerance,
    )


def quiz_version_publish(*, version: QuizVersion) -> QuizVersion:
    problems = quiz_version_problems(version)
    if problems:
        raise ValidationFailed(" ".join(problems), field_errors={"non_field_errors": problems})
    if version.published_at is None:
        with transaction.atomic(savepoint=False):
            version.published_at = timezone.now()
            version.save(update_fields=["published_at"])
            audit_services.record(
                actor=None,
                action="quiz_version.published",
                obj=version,
                # The quiz's title when it is loaded; the audit trail reads nothing.
                label=str(version)
                if QuizVersion.quiz.is_cached(version)
                else f"#{version.quiz_id} v{version.number}",
                changes={"published_at": [None, version.published_at]},
            )
    return version
