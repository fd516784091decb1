"""A new quiz version is a copy of everything the version it replaces owns.

The field-by-field test walks the models' ``_meta``: every concrete field and many-to-many of a
version, its questions, choices and bands gets a value that differs from the field's default,
and the copy must carry each one. A field added later that the copy forgets fails here
(including the way it failed before: questions lost their skills). Not compared: ids, the
version's number, publication and creation time, and the foreign key to the new parent.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.validators import MaxValueValidator
from django.db import models

from assessments import services
from assessments.models import (
    Attempt,
    Choice,
    ChoiceTranslation,
    Question,
    QuestionTranslation,
    Quiz,
    QuizVersion,
    QuizVersionTranslation,
    ResultBand,
    ResultBandTranslation,
)
from skills.models import Skill, SkillEvidence
from tests import factories

pytestmark = pytest.mark.django_db

# field names never copied, per model: the row's identity and its place in the history
NOT_COPIED: dict[type[models.Model], set[str]] = {
    QuizVersion: {"id", "quiz", "number", "published_at", "created_at"},
    Question: {"id", "version"},
    Choice: {"id", "question"},
    ResultBand: {"id", "version"},
    QuizVersionTranslation: {"id", "version"},
    QuestionTranslation: {"id", "question"},
    ChoiceTranslation: {"id", "choice"},
    ResultBandTranslation: {"id", "band"},
}
# what a version owns (copied), and what hangs off it but is not content (never copied)
OWNED = {
    QuizVersion: {"questions", "bands", "translations"},
    Question: {"choices", "translations"},
    Choice: {"translations"},
    ResultBand: {"translations"},
}
NOT_OWNED = {QuizVersion: {"attempts"}, Question: {"answers", "statistic"}}
# the translation model of each owned relation called "translations", and its parent field
TRANSLATIONS = {
    QuizVersion: (QuizVersionTranslation, "version"),
    Question: (QuestionTranslation, "question"),
    Choice: (ChoiceTranslation, "choice"),
    ResultBand: (ResultBandTranslation, "band"),
}

WHEN = datetime(2031, 5, 6, 7, 8, tzinfo=UTC)


def distinct_value(field: models.Field, salt: int) -> Any:
    """A value for ``field`` that is not its default, so a copy that forgets it shows."""
    default = field.get_default()
    if field.choices:
        values = [value for value, _label in field.flatchoices if value != default]
        return values[salt % len(values)]
    if isinstance(field, models.BooleanField):
        return not default
    if isinstance(field, models.IntegerField):
        return (default or 0) + 7 + salt
    if isinstance(field, models.FloatField):
        value = (default or 0) + 2.5 + salt
        limits = [v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)]
        if limits and value > min(limits):  # e.g. a choice's weight, −1 … 1
            value = min(limits) / (2 + salt)
        return value
    if isinstance(field, models.DateTimeField):
        return WHEN
    if isinstance(field, models.JSONField):
        return {"copied": field.name, "salt": salt}
    if isinstance(field, models.CharField | models.TextField):
        return f"{field.name} {salt}"[: field.max_length or None]
    raise AssertionError(f"Teach this test a value for {field!r}")


def fill(instance: models.Model, salt: int = 0) -> None:
    """Give every copied concrete field of ``instance`` a distinct, non-default value."""
    for field in type(instance)._meta.concrete_fields:
        if field.name in NOT_COPIED[type(instance)]:
            continue
        value = distinct_value(field, salt)
        assert value != field.get_default(), field
        setattr(instance, field.attname, value)


def many_to_many_values(field: models.ManyToManyField, salt: int) -> list[models.Model]:
    if field.related_model is Skill:
        return [factories.SkillFactory.create(slug=f"copied-{salt}-{n}") for n in range(2)]
    raise AssertionError(f"Teach this test to fill {field!r}")


def assert_copied(original: models.Model, copy: models.Model) -> int:
    """Every concrete field and many-to-many of ``original`` equals the copy's. Returns how
    many were compared."""
    model = type(original)
    assert type(copy) is model
    assert copy.pk != original.pk
    compared = 0
    for field in model._meta.concrete_fields:
        if field.name in NOT_COPIED[model]:
            continue
        assert getattr(copy, field.attname) == getattr(original, field.attname), (
            f"{model.__name__}.{field.name} was not copied"
        )
        compared += 1
    for m2m in model._meta.many_to_many:
        before = set(getattr(original, m2m.name).values_list("pk", flat=True))
        after = set(getattr(copy, m2m.name).values_list("pk", flat=True))
        assert before, f"the original has no {m2m.name}: the test would prove nothing"
        assert after == before, f"{model.__name__}.{m2m.name} was not copied"
        compared += 1
    return compared


def children(model: type[models.Model]) -> set[str]:
    return {
        relation.get_accessor_name()
        for relation in model._meta.related_objects
        if not relation.many_to_many
    }


def test_every_relation_of_a_version_is_either_copied_or_known_not_to_be():
    """A new model hanging off versions or questions must be classified here (and copied by
    ``quiz_version_for_editing`` if the version owns it)."""
    assert children(QuizVersion) == OWNED[QuizVersion] | NOT_OWNED[QuizVersion]
    assert children(Question) == OWNED[Question] | NOT_OWNED[Question]
    assert children(Choice) == OWNED[Choice]
    assert children(ResultBand) == OWNED[ResultBand]
    for model, (translation, _parent) in TRANSLATIONS.items():
        assert children(translation) == set(), model
    for model in NOT_COPIED:
        # a new many-to-many would need a way to fill it in many_to_many_values
        for m2m in model._meta.many_to_many:
            assert m2m.related_model is Skill, m2m


def translate(row: models.Model, salt: int) -> int:
    """Two filled translations of ``row`` (each field distinct); returns how many rows."""
    model, parent = TRANSLATIONS[type(row)]
    for language in range(2):
        translation = model(**{parent: row})
        fill(translation, salt * 10 + language)
        # "language 1x" would be cut to 10 characters: the same for both
        setattr(translation, "language", f"l{salt}-{language}")  # noqa: B010
        translation.save()
    return 2


def assert_tree_copied(original: models.Model, copy: models.Model) -> tuple[int, int]:
    """``assert_copied`` on a row and, recursively, on everything it owns (in the models' order).
    Returns (fields compared, rows compared)."""
    compared, rows = assert_copied(original, copy), 1
    for relation in sorted(OWNED.get(type(original), set())):
        old_rows = list(getattr(original, relation).all())
        new_rows = list(getattr(copy, relation).all())
        assert old_rows, f"the original has no {relation}: the test would prove nothing"
        assert len(new_rows) == len(old_rows), f"{type(original).__name__}.{relation}"
        for old_row, new_row in zip(old_rows, new_rows, strict=True):
            fields, n = assert_tree_copied(old_row, new_row)
            compared += fields
            rows += n
    return compared, rows


def test_a_new_version_copies_every_field_of_the_version_questions_choices_and_bands(member):
    quiz = Quiz.objects.create(slug="copied", title="Copied")
    original = services.quiz_version_create(quiz=quiz)
    fill(original)
    original.save()
    made = 1 + translate(original, 0)
    for salt in range(2):
        question = Question(version=original)
        fill(question, salt)
        question.save()
        made += 1 + translate(question, salt)
        for m2m in Question._meta.many_to_many:
            getattr(question, m2m.name).set(many_to_many_values(m2m, salt))
        for position in range(3):
            choice = Choice(question=question)
            fill(choice, salt * 10 + position)
            choice.save()
            made += 1 + translate(choice, salt * 10 + position)
    for salt in range(2):
        band = ResultBand(version=original)
        fill(band, salt)
        band.save()
        made += 1 + translate(band, salt)
    Attempt.objects.create(quiz=quiz, quiz_version=original, user=member, seed=1)  # locks it

    copy = services.quiz_version_for_editing(quiz=quiz)

    assert copy.pk != original.pk
    assert (copy.number, copy.published_at) == (original.number + 1, None)
    original.refresh_from_db()
    compared, rows = assert_tree_copied(original, copy)
    # the whole surface was compared: version, 2 questions, 6 choices, 2 bands, and two
    # translations of each
    assert rows == made == 11 * 3
    fields = {
        model: len(model._meta.concrete_fields)
        - len(NOT_COPIED[model])
        + len(model._meta.many_to_many)
        for model in NOT_COPIED
    }
    per_row = {model: fields[model] + 2 * fields[TRANSLATIONS[model][0]] for model in TRANSLATIONS}
    assert compared == (
        per_row[QuizVersion] + 2 * per_row[Question] + 6 * per_row[Choice] + 2 * per_row[ResultBand]
    )


def test_the_copy_keeps_skill_tags_so_scoring_it_records_skill_evidence(
    client, admin_user, member, django_capture_on_commit_callbacks
):
    kpi = factories.SkillFactory.create(slug="kpi-literacy", name="Service metrics")
    quiz = factories.quiz_published(
        questions=[
            {"kind": "single", "skills": [kpi], "choices": [("a", True, ""), ("b", False, "")]}
        ]
    )
    v1 = quiz.versions.get()
    Attempt.objects.create(quiz=quiz, quiz_version=v1, user=member, seed=1)
    client.force_login(admin_user)

    # Admin → Quiz → Edit questions → "Create the new version"
    response = client.post(f"/admin/assessments/quiz/{quiz.pk}/edit-questions/")

    v2 = quiz.versions.get(number=2)
    assert response.status_code == 302
    assert response.url == f"/admin/assessments/quizversion/{v2.pk}/change/"
    assert list(v2.questions.get().skills.all()) == [kpi]
    services.quiz_version_publish(version=v2)
    taker = factories.UserFactory.create()
    attempt = services.attempt_start(quiz=quiz, user=taker)
    question = v2.questions.get()
    services.answer_save(
        attempt=attempt, question_id=question.pk, choice_ids=factories.right_choice_ids(question)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.attempt_submit(attempt=attempt)
    evidence = SkillEvidence.objects.get(user=taker)
    assert (evidence.skill, evidence.outcome) == (kpi, 1.0)
