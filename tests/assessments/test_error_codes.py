"""The quiz API's refusals carry a code a client can branch on (docs/api.md "Error codes"):
an answer to a submitted attempt is 409 ``attempt_submitted``, past the time 409 ``time_up``,
a choice of another question 400 ``not_in_set``; a second start 409 ``attempt_in_progress``,
a closed quiz 409 ``closed``. Each refusal changes nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Answer, Attempt, QuizVersion
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def taker(member, api_as):
    return api_as(member)


def start(client, quiz):
    response = client.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert response.status_code == 201, response.content
    return response.json()


def answer_url(body, question):
    return f"/api/v1/attempts/{body['id']}/answers/{question['id']}/"


def test_an_answer_to_a_submitted_attempt_is_409_attempt_submitted(taker):
    # given an attempt the taker submitted
    body = start(taker, factories.quiz_published())
    question = body["questions"][0]
    assert taker.post(f"/api/v1/attempts/{body['id']}/submit/").status_code == 202
    # when they save an answer
    response = taker.put(
        answer_url(body, question), {"choices": [question["choices"][0]["id"]]}, format="json"
    )
    # then 409 attempt_submitted, and nothing is saved
    assert (response.status_code, response.json()) == (
        409,
        {
            "detail": "This attempt was submitted; answers can no longer change.",
            "code": "attempt_submitted",
        },
    )
    assert not Answer.objects.filter(attempt_id=body["id"]).exists()


def test_an_answer_past_the_deadline_and_grace_is_409_time_up(taker):
    # given an attempt past its deadline plus grace, with one answer saved in time
    body = start(taker, factories.quiz_published(time_limit_minutes=5, grace_seconds=10))
    question = body["questions"][0]
    first = question["choices"][0]["id"]
    saved = taker.put(answer_url(body, question), {"choices": [first]}, format="json")
    assert saved.status_code == 200
    Attempt.objects.filter(pk=body["id"]).update(deadline=timezone.now() - timedelta(seconds=11))
    # when the taker changes it
    response = taker.put(
        answer_url(body, question), {"choices": [question["choices"][1]["id"]]}, format="json"
    )
    # then 409 time_up, and the answer saved in time stays
    assert (response.status_code, response.json()) == (
        409,
        {
            "detail": "Time is up for this attempt; answers can no longer change.",
            "code": "time_up",
        },
    )
    assert Answer.objects.get(attempt_id=body["id"]).choice_ids == [first]


def test_an_answer_after_the_quiz_closed_is_409_time_up(taker):
    quiz = factories.quiz_published()
    body = start(taker, quiz)
    question = body["questions"][0]
    QuizVersion.objects.filter(quiz=quiz).update(closes_at=timezone.now() - timedelta(minutes=1))
    response = taker.put(
        answer_url(body, question), {"choices": [question["choices"][0]["id"]]}, format="json"
    )
    assert (response.status_code, response.json()["code"]) == (409, "time_up")
    assert not Answer.objects.filter(attempt_id=body["id"]).exists()


def test_a_choice_of_another_question_is_400_not_in_set(taker):
    body = start(taker, factories.quiz_published())
    first, second = body["questions"][:2]
    response = taker.put(
        answer_url(body, first), {"choices": [second["choices"][0]["id"]]}, format="json"
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "detail": "Some choices don't belong to this question.",
            "code": "not_in_set",
            "errors": {"choices": ["Choose among this question's choices."]},
        },
    )
    assert not Answer.objects.filter(attempt_id=body["id"]).exists()


def test_a_second_start_is_409_attempt_in_progress_with_its_id(taker):
    quiz = factories.quiz_published()
    body = start(taker, quiz)
    response = taker.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert (response.status_code, response.json()) == (
        409,
        {
            "detail": "An attempt is already in progress.",
            "code": "attempt_in_progress",
            "id": body["id"],
        },
    )
    assert Attempt.objects.filter(quiz=quiz).count() == 1


def test_a_start_after_the_quiz_closed_is_409_closed(taker):
    quiz = factories.quiz_published()
    QuizVersion.objects.filter(quiz=quiz).update(closes_at=timezone.now() - timedelta(minutes=1))
    response = taker.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert (response.status_code, response.json()) == (
        409,
        {"detail": "This quiz is closed.", "code": "closed"},
    )
    assert not Attempt.objects.filter(quiz=quiz).exists()
