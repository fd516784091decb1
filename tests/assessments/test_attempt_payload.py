"""The attempt's JSON is written without the serializer (the result read is every taker's on
quiz day); here it is held equal to what ``AttemptOutput`` writes, for every review policy,
typed and choice questions, bands, the taker and a lead, in progress and scored."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from assessments import selectors, services
from assessments.api import attempt_payload
from assessments.models import Attempt, QuizVersion
from assessments.serializers import AttemptOutput
from tests import factories
from tests.assessments.test_typed_answers import typed_quiz

pytestmark = pytest.mark.django_db


def through_the_serializer(attempt: Attempt, viewer: Any) -> dict[str, Any]:
    """What the API answered before it wrote the JSON itself."""
    reviewer = attempt.user_id != viewer.pk
    visibility = selectors.review_visibility(attempt, reviewer=reviewer)
    selectors.attempt_translate(attempt)
    data: dict[str, Any] = {
        "id": attempt.pk,
        "quiz": attempt.quiz_id,
        "language": attempt.language,
        "status": attempt.status,
        "started_at": attempt.started_at,
        "deadline": attempt.deadline,
        "submitted_at": attempt.submitted_at,
        "score": attempt.score if visibility.score else None,
        "max_score": attempt.max_score if visibility.score else None,
        "percent": attempt.percent if visibility.score else None,
        "passed": attempt.passed if visibility.score else None,
        "band": attempt.band if visibility.score and attempt.band else None,
        "review": selectors.attempt_review(attempt, visibility),
        "review_withheld": visibility.withheld or None,
        "review_opens_at": visibility.opens_at,
    }
    if attempt.status == Attempt.Status.IN_PROGRESS and not reviewer:
        data["questions"] = selectors.attempt_questions(attempt)
        saved = selectors.attempt_answers(attempt).items()
        data["answers"] = {str(q): a.choice_ids for q, a in saved}
        data["answer_texts"] = {str(q): a.response_text for q, a in saved if a.response_text}
    return dict(AttemptOutput(data).data)


def fresh(attempt: Attempt) -> Attempt:
    return Attempt.objects.select_related("quiz", "quiz_version", "band", "user").get(pk=attempt.pk)


def take(quiz, user, *, submit: bool) -> Attempt:
    attempt = services.attempt_start(quiz=quiz, user=user)
    for question in selectors.attempt_questions(attempt):
        choices = list(question.shuffled_choices)  # type: ignore[attr-defined]
        if choices:
            services.answer_save(
                attempt=attempt, question_id=question.pk, choice_ids=[choices[0].pk]
            )
        else:
            services.answer_save(attempt=attempt, question_id=question.pk, text="4.5")
    if submit:
        services.attempt_submit(attempt=attempt)
        services.attempts_score(attempt_id=attempt.pk)
    return fresh(attempt)


POLICIES = [
    {"review_when": "immediately"},
    {"review_when": "immediately", "review_correctness": False, "review_explanations": False},
    {"review_when": QuizVersion.ReviewWhen.AFTER_LAST_ATTEMPT, "attempts_allowed": 3},
    {"review_when": "never"},
    {"review_when": "after_close", "closes_at": timezone.now() + timedelta(days=2)},
]


@pytest.mark.parametrize(
    "rules", POLICIES, ids=["all", "score-only", "after-last", "never", "after-close"]
)
@pytest.mark.parametrize("scored", [False, True], ids=["in-progress", "scored"])
def test_the_json_is_what_the_serializer_writes(member, lead, rules, scored):
    quiz = typed_quiz(**rules)
    attempt = take(quiz, member, submit=scored)
    if scored:
        assert attempt.status == Attempt.Status.SCORED
    for viewer in (member, lead):
        expected = through_the_serializer(fresh(attempt), viewer)
        assert attempt_payload(fresh(attempt), viewer=viewer) == expected


def test_a_band_and_a_time_limit_come_out_the_same(member):
    quiz = factories.quiz_published(
        time_limit_minutes=20, bands=[(0, 50, "Not yet"), (50, 100, "Ready")]
    )
    attempt = take(quiz, member, submit=True)
    payload = attempt_payload(fresh(attempt), viewer=member)
    assert payload["band"] is not None
    assert payload["deadline"] is not None
    assert payload == through_the_serializer(fresh(attempt), member)


def test_the_start_answers_what_the_serializer_writes(member, api_as):
    """The start's JSON (the paper, shuffled per attempt where the author allows) is written
    directly too: the same as ``AttemptStartedOutput``'s, for choice and typed questions."""
    from assessments.serializers import AttemptStartedOutput

    quiz = typed_quiz(time_limit_minutes=15)
    QuizVersion.objects.filter(quiz=quiz).update(shuffle_questions=True, shuffle_choices=True)
    body = api_as(member).post(f"/api/v1/quizzes/{quiz.pk}/attempts/").json()
    attempt = fresh(Attempt.objects.get(pk=body["id"]))
    expected = AttemptStartedOutput(
        {
            "id": attempt.pk,
            "status": attempt.status,
            "deadline": attempt.deadline,
            "language": attempt.language,
            "questions": selectors.attempt_questions(attempt),
        }
    ).data
    assert body == expected
    assert body["deadline"] is not None
    assert {q["kind"] for q in body["questions"]} >= {"single", "numerical"}
