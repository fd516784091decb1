"""core/compiled.py: a statement built once and run with new values answers exactly what the
ORM would — the API token lookup every call pays is the first user — on SQLite (where dates
need the ORM's converters) and on PostgreSQL."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.utils import timezone

from accounts.models import ApiToken, User
from accounts.selectors import api_token_for_key, api_token_hash
from accounts.services import api_token_create
from core.compiled import CompiledQuery

pytestmark = pytest.mark.django_db


def test_the_token_lookup_answers_what_the_orm_answers_in_one_statement(
    member, outsider, assert_queries
):
    token, key = api_token_create(user=member, name="phone")
    api_token_create(user=outsider, name="other")
    with assert_queries(1):
        found = api_token_for_key(key)
    assert found is not None
    expected = ApiToken.objects.select_related("user").get(pk=token.pk)
    for field in ApiToken._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    with assert_queries(0):  # the user came with the token, as with select_related
        user = found.user
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(expected.user, field.attname), field.name
    assert isinstance(user.date_joined, datetime)
    assert timezone.is_aware(user.date_joined)  # SQLite's text went through the converters
    assert user.email == member.email
    assert not found._state.adding  # a saved row: saving it updates, never inserts
    found.name = "renamed"
    found.save(update_fields=["name"])
    assert ApiToken.objects.get(pk=token.pk).name == "renamed"


def test_a_revoked_or_unknown_key_finds_nothing(member):
    token, key = api_token_create(user=member)
    assert api_token_for_key("rdy_not-a-key") is None
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    assert api_token_for_key(key) is None


def test_the_statement_is_built_once_and_each_call_runs_with_its_own_values(member, outsider):
    built = []

    def make(key_hash: str):
        built.append(key_hash)
        return ApiToken.objects.filter(key_hash=key_hash).values_list("user_id", "name")[:1]

    query = CompiledQuery(make, key_hash=ApiToken._meta.get_field("key_hash"))
    _t1, first = api_token_create(user=member, name="one")
    _t2, second = api_token_create(user=outsider, name="two")
    assert query.first(key_hash=api_token_hash(first)) == (member.pk, "one")
    assert query.first(key_hash=api_token_hash(second)) == (outsider.pk, "two")
    assert query.first(key_hash=api_token_hash("nobody")) is None
    assert len(built) == 1  # compiled once, then only run


def test_a_value_the_statement_does_not_use_is_refused_when_compiling():
    query = CompiledQuery(
        lambda key_hash: ApiToken.objects.all()[:1],
        key_hash=ApiToken._meta.get_field("key_hash"),
    )
    with pytest.raises(ValueError, match="key_hash"):
        query.first(key_hash="x")


def test_the_version_a_start_reads_is_the_newest_published_with_its_quiz(member, assert_queries):
    """The start's statement (built once): the newest published version, with its quiz,
    exactly as the ORM reads it; a draft newer than it, an unpublished quiz or a practice
    bank is not found."""
    from assessments.models import Quiz, QuizVersion
    from assessments.selectors import quiz_version_for_start
    from core.errors import NotFound
    from tests import factories

    quiz = factories.quiz_published()
    first = QuizVersion.objects.get(quiz=quiz)
    second = QuizVersion.objects.create(
        quiz=quiz, number=first.number + 1, published_at=timezone.now(), language=first.language
    )
    QuizVersion.objects.create(quiz=quiz, number=first.number + 2, language=first.language)
    with assert_queries(1):
        found = quiz_version_for_start(user=member, quiz_id=quiz.pk)
    expected = QuizVersion.objects.select_related("quiz").get(pk=second.pk)
    for field in QuizVersion._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(expected, field.attname), field.name
    with assert_queries(0):
        assert found.quiz.title == quiz.title
    assert found.quiz.created_at == expected.quiz.created_at  # a datetime, converted
    Quiz.objects.filter(pk=quiz.pk).update(is_published=False)
    with pytest.raises(NotFound):
        quiz_version_for_start(user=member, quiz_id=quiz.pk)
    with pytest.raises(NotFound):
        quiz_version_for_start(user=member, quiz_id="x")
