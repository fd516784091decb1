"""Answer keys and explanations reach a quiz-taker only as the review policy allows."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments.models import Attempt, Choice, QuizVersion
from assessments.selectors import candidate_invitation_url, review_visibility
from assessments.services import candidate_invitation_create
from tests import factories

pytestmark = pytest.mark.django_db


def scored_attempt(api, quiz, capture):
    attempt_id = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/").json()["id"]
    for question in quiz.versions.get().questions.all():
        api.put(
            f"/api/v1/attempts/{attempt_id}/answers/{question.pk}/",
            {"choices": factories.right_choice_ids(question)},
            format="json",
        )
    with capture(execute=True):
        api.post(f"/api/v1/attempts/{attempt_id}/submit/")
    return attempt_id


@pytest.mark.parametrize(
    ("when", "closes", "flags", "expected"),
    [
        ("immediately", None, (True, True, True), (True, True, True)),
        ("immediately", None, (True, False, False), (True, False, False)),
        ("immediately", None, (False, True, False), (False, True, False)),
        ("immediately", None, (True, True, False), (True, True, False)),
        ("after_close", "future", (True, True, True), (False, False, False)),
        ("after_close", "past", (True, True, True), (True, True, True)),
        ("after_close", None, (True, True, True), (False, False, False)),
        ("never", None, (True, True, True), (False, False, False)),
    ],
    ids=[
        "immediately-all",
        "immediately-score-only",
        "immediately-correctness-only",
        "immediately-no-explanations",
        "after-close-before",
        "after-close-after",
        "after-close-no-date",
        "never",
    ],
)
def test_the_policy_matrix_for_the_taker(
    api_as,
    member,
    lead,
    quiz_published,
    django_capture_on_commit_callbacks,
    when,
    closes,
    flags,
    expected,
):
    closes_at = {
        None: None,
        "future": timezone.now() + timedelta(days=1),
        "past": timezone.now() - timedelta(minutes=1),
    }[closes]
    quiz = quiz_published()
    attempt_id = scored_attempt(api_as(member), quiz, django_capture_on_commit_callbacks)
    # the policy as it stands when the result is read (a quiz closes after it was taken)
    QuizVersion.objects.filter(quiz=quiz).update(
        review_when=when,
        closes_at=closes_at,
        review_score=flags[0],
        review_correctness=flags[1],
        review_explanations=flags[2],
    )
    body = api_as(member).get(f"/api/v1/attempts/{attempt_id}/").json()
    show_score, show_correctness, show_explanations = expected
    assert (body["score"] is not None) == show_score
    assert (body["band"] is not None) == show_score
    assert bool(body["review"]) == (show_correctness or show_explanations)
    for item in body["review"]:
        assert ("correct" in item) == show_correctness
        for choice in item["choices"]:
            assert ("is_correct" in choice) == show_correctness
            assert ("explanation" in choice) == show_explanations

    # the lead of the taker's team always sees everything
    lead_view = api_as(lead).get(f"/api/v1/attempts/{attempt_id}/").json()
    assert lead_view["score"] == 3.0
    assert all("explanation" in c for item in lead_view["review"] for c in item["choices"])


def test_nothing_shows_before_scoring(member, quiz):
    attempt = Attempt(status="submitted", quiz_version=quiz.versions.get())
    assert review_visibility(attempt) == review_visibility(attempt, reviewer=True)
    assert not review_visibility(attempt, reviewer=True).score


def secrets_of(quiz) -> list[str]:
    """Text that only the answer key contains: the explanations."""
    return list(
        Choice.objects.filter(question__version__quiz=quiz).values_list("explanation", flat=True)
    )


def assert_no_key(body: str, quiz) -> None:
    for secret in secrets_of(quiz):
        assert secret not in body, secret
    assert "is_correct" not in body
    assert not re.search(r'"correct"\s*:', body)
    assert "correct answer" not in body


def test_no_response_of_an_open_attempt_leaks_the_key(client, api_as, member, lead, quiz_published):
    quiz = quiz_published(review_when="immediately")
    api = api_as(member)
    bodies = []

    def record(response):
        bodies.append(response.content.decode())
        return response

    record(api.get("/api/v1/quizzes/"))
    record(api.get(f"/api/v1/quizzes/{quiz.pk}/"))
    started = record(api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")).json()
    attempt_id = started["id"]
    record(api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/"))  # 409
    for question in started["questions"]:
        record(
            api.put(
                f"/api/v1/attempts/{attempt_id}/answers/{question['id']}/",
                {"choices": [question["choices"][0]["id"]]},
                format="json",
            )
        )
    record(api.get(f"/api/v1/attempts/{attempt_id}/"))
    record(api.get("/api/v1/attempts/"))
    record(api.get(f"/api/v1/quizzes/{quiz.pk}/attempts/"))
    client.force_login(member)
    for page in [
        "/quizzes/",
        f"/quizzes/{quiz.slug}/",
        f"/attempts/{attempt_id}/",
        f"/attempts/{attempt_id}/review/",
    ]:
        record(client.get(page))
    record(client.get(f"/attempts/{attempt_id}/result/", follow=True))
    question = started["questions"][0]
    record(
        client.post(
            f"/attempts/{attempt_id}/answers/{question['id']}/",
            {f"q{question['id']}": question["choices"][1]["id"]},
            HTTP_HX_REQUEST="true",
        )
    )
    assert len(bodies) >= 14
    for body in bodies:
        assert_no_key(body, quiz)


def test_no_page_of_an_open_candidate_attempt_leaks_the_key(client, lead, quiz_published):
    quiz = quiz_published(review_when="immediately")
    invitation = candidate_invitation_create(
        invited_by=lead,
        email="cand@example.test",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=3),
    )
    url = candidate_invitation_url(invitation)
    pages = [client.get(url)]
    start = client.post(url)
    attempt_url = start.url
    pages += [
        client.get(attempt_url),
        client.get(f"{attempt_url}review/"),
        client.get(f"{attempt_url}result/", follow=True),
    ]
    for response in pages:
        assert_no_key(response.content.decode(), quiz)


def test_after_scoring_the_explanations_do_appear(
    api_as, member, quiz, django_capture_on_commit_callbacks
):
    attempt_id = scored_attempt(api_as(member), quiz, django_capture_on_commit_callbacks)
    body = json.dumps(api_as(member).get(f"/api/v1/attempts/{attempt_id}/").json())
    assert all(secret in body for secret in secrets_of(quiz))


def test_policy_comes_from_the_attempts_version(member, quiz):
    version = quiz.versions.get()
    attempt = Attempt(status="scored", quiz_version=version)
    QuizVersion.objects.filter(pk=version.pk).update(review_when="never")
    attempt.quiz_version.refresh_from_db()
    assert not review_visibility(attempt).any_review
