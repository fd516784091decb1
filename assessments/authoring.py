"""Writes of the one-page question editor (``views_authoring``): add, change, reorder,
duplicate and delete a version's questions, with their choices.

Guarantees (each has a test in ``tests/assessments/test_authoring.py``):
- nothing here changes a version that has attempts (``Conflict``): its results keep their
  meaning; the page offers a new version instead (``services.quiz_version_for_editing``);
- positions stay 1…n in the order shown after every add, move, duplicate and delete;
- a question's text is saved with its sanitised HTML (``services.question_save``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from assessments import services
from assessments.models import Choice, Question, QuizVersion
from core.errors import Conflict, ValidationFailed
from core.markdown import MARKDOWN_MAX_CHARS
from skills.models import Skill

# Kinds the page edits fully; the typed kinds (short answer, numerical) are shown read-only
# with a link to the admin, which has their value and tolerance fields.
EDITABLE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE, Question.Kind.TRUE_FALSE)


@dataclass(frozen=True)
class ChoiceInput:
    """One choice row of the editor's form; ``pk`` None is a new choice, ``delete`` drops it."""

    pk: int | None
    text: str
    is_correct: bool
    explanation: str
    delete: bool = False


def _lock(version: QuizVersion) -> QuizVersion:
    locked = QuizVersion.objects.select_for_update().get(pk=version.pk)
    if services.quiz_version_is_locked(locked):
        raise Conflict(
            _("People have taken this version, so it can't change. Create a new version to edit.")
        )
    return locked


def _renumber(version: QuizVersion, order: list[int] | None = None) -> None:
    ids = order or list(version.questions.order_by("position", "pk").values_list("pk", flat=True))
    questions = [Question(pk=pk, position=n) for n, pk in enumerate(ids, start=1)]
    Question.objects.bulk_update(questions, ["position"])


@transaction.atomic
def question_add(*, version: QuizVersion, kind: str = Question.Kind.SINGLE) -> Question:
    """A new question at the end: a placeholder text and two empty choices to fill in."""
    _lock(version)
    if kind not in EDITABLE_KINDS:
        kind = Question.Kind.SINGLE
    position = version.questions.count() + 1
    question = services.question_save(
        question=Question(version=version, position=position, kind=kind, text=_("New question"))
    )
    labels = (_("True"), _("False")) if kind == Question.Kind.TRUE_FALSE else ("", "")
    Choice.objects.bulk_create(
        Choice(question=question, position=n, text=label, is_correct=n == 1 and bool(label))
        for n, label in enumerate(labels, start=1)
    )
    return question


def _clean_choices(kind: str, choices: list[ChoiceInput]) -> list[str]:
    kept = [c for c in choices if not c.delete and (c.text.strip() or c.pk is not None)]
    errors = []
    if any(not c.text.strip() for c in kept):
        errors.append(_("Every choice needs a text (tick “delete” to drop one)."))
    if any(len(c.text) > 500 for c in kept):
        errors.append(_("A choice's text can be at most 500 characters."))
    correct = sum(c.is_correct for c in kept)
    if kind in (Question.Kind.SINGLE, Question.Kind.TRUE_FALSE) and correct > 1:
        errors.append(_("A single-choice question has one correct choice."))
    return errors


@transaction.atomic
def question_update(
    *,
    question: Question,
    text: str,
    kind: str,
    weight: float,
    general_feedback: str,
    choices: list[ChoiceInput],
    skill_ids: list[str] | None = None,
    sop_ref: str | None = None,
) -> Question:
    """Save a question and its choices together. ``ValidationFailed`` with field errors for an
    empty text, an unknown kind, a negative weight or bad choices; nothing is saved then.

    Completeness (two choices, one correct…) is checked when the version is published, so an
    author can save a question half-written."""
    _lock(question.version)
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = [_("Write the question.")]
    elif len(text) > MARKDOWN_MAX_CHARS:
        errors["text"] = [
            _("The question can be at most %(limit)s characters long.")
            % {"limit": number_format(MARKDOWN_MAX_CHARS, force_grouping=True)}
        ]
    if question.kind not in EDITABLE_KINDS or kind not in EDITABLE_KINDS:
        errors["kind"] = [_("Edit this kind of question in the admin.")]
    if weight < 0 or weight > 1000:
        errors["weight"] = [_("The weight is a number from 0 to 1000.")]
    choice_errors = _clean_choices(kind, choices)
    if choice_errors:
        errors["choices"] = choice_errors
    skills = None
    if skill_ids is not None:
        wanted = {int(v) for v in skill_ids if str(v).isdigit()}
        skills = list(Skill.objects.filter(pk__in=wanted))
        if len(skills) != len(wanted) or len(wanted) != len(set(skill_ids)):
            errors["skills"] = [_("Choose among the listed skills.")]
    if sop_ref is not None:
        sop_ref = sop_ref.strip()
        try:
            Question._meta.get_field("sop_ref").run_validators(sop_ref)
        except DjangoValidationError as exc:
            errors["sop_ref"] = list(exc.messages)
    if errors:
        first = next(iter(errors.values()))[0]
        raise ValidationFailed(first, field_errors=errors)
    question.text = text
    question.kind = kind
    question.weight = weight
    question.general_feedback = general_feedback
    if sop_ref is not None:
        question.sop_ref = sop_ref
    services.question_save(question=question)
    if skills is not None:
        question.skills.set(skills)
    # Read after the lock, not from what the view prefetched: a choice another author deleted
    # meanwhile is not saved back.
    existing = {c.pk: c for c in Choice.objects.filter(question=question)}
    position = 0
    for row in choices:
        choice = existing.get(row.pk) if row.pk is not None else None
        if row.delete or not row.text.strip():
            if choice is not None:
                choice.delete()
            continue
        position += 1
        choice = choice or Choice(question=question)
        choice.text = row.text.strip()
        choice.is_correct = row.is_correct
        choice.explanation = row.explanation
        choice.position = position
        if choice.fraction is not None:  # a weight set in the admin follows "correct"
            choice.fraction = abs(choice.fraction) if row.is_correct else min(choice.fraction, 0)
        choice.save()
    return question


@transaction.atomic
def question_move(*, question: Question, by: int) -> None:
    """Move a question up (``by`` −1) or down (+1); at either end nothing changes."""
    version = _lock(question.version)
    order = list(version.questions.order_by("position", "pk").values_list("pk", flat=True))
    index = order.index(question.pk)
    target = index + (1 if by > 0 else -1)
    if 0 <= target < len(order):
        order[index], order[target] = order[target], order[index]
    _renumber(version, order)


def _copy_translations(source: Any, copy: Any, *, parent: str) -> None:
    """Copy the rows of ``source``'s ``translations`` (when its model has them) to ``copy``."""
    related = getattr(source, "translations", None)
    if related is None:
        return
    model = related.model
    fields = [
        f.attname for f in model._meta.concrete_fields if not f.primary_key and f.name != parent
    ]
    model.objects.bulk_create(
        model(**{name: getattr(row, name) for name in fields}, **{parent: copy})
        for row in related.all()
    )


@transaction.atomic
def question_duplicate(*, question: Question) -> Question:
    """A copy of the question (text, kind, weight, skills, choices) right after it."""
    version = _lock(question.version)
    order = list(version.questions.order_by("position", "pk").values_list("pk", flat=True))
    skills = list(question.skills.all())
    original_choices = list(question.choices.all())
    copy = Question.objects.get(pk=question.pk)
    copy.pk = None
    copy.content_hash = ""  # an imported question's hash names the original only
    copy.save()
    copy.skills.set(skills)
    _copy_translations(question, copy, parent="question")
    for choice in original_choices:
        source = Choice.objects.get(pk=choice.pk)
        choice.pk = None
        choice.question = copy
        choice.save()
        _copy_translations(source, choice, parent="choice")
    order.insert(order.index(question.pk) + 1, copy.pk)
    _renumber(version, order)
    copy.refresh_from_db()
    return copy


@transaction.atomic
def question_delete(*, question: Question) -> None:
    """Delete a question and its choices; the others close up."""
    version = _lock(question.version)
    question.delete()
    _renumber(version)
