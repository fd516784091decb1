"""Assessment lists and pages keep their query counts as the data grows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import services as assessments_services
from assessments.models import Question, Quiz
from tests import factories

pytestmark = pytest.mark.django_db


def grow(n, *, lead, member, team):
    for _ in range(n):
        quiz = factories.quiz_published()
        mate = factories.UserFactory.create()
        factories.MembershipFactory.create(user=mate, team=team)
        for user in (member, mate):
            attempt = assessments_services.attempt_start(quiz=quiz, user=user)
            question = Question.objects.filter(version=attempt.quiz_version).first()
            assessments_services.answer_save(
                attempt=attempt,
                question_id=question.pk,
                choice_ids=factories.right_choice_ids(question),
            )
            assessments_services.attempt_submit(attempt=attempt)
            assessments_services.attempt_score(attempt_id=attempt.pk)
        invitation = assessments_services.candidate_invitation_create(
            invited_by=lead,
            email=f"c{quiz.pk}@example.test",
            quiz=quiz,
            expires_at=timezone.now() + timedelta(days=3),
        )
        assessments_services.attempt_start(quiz=quiz, invitation=invitation)


@pytest.fixture
def world(lead, member, team):
    grow(1, lead=lead, member=member, team=team)
    return {"lead": lead, "member": member, "team": team}


# The last number is the exact query count of the request, at both data sizes.
PAGES = {
    "quiz-list": ("member", "/quizzes/", 5),
    "team-candidates": ("lead", "/teams/{team}/candidates/", 11),
    "team-results": ("lead", "/teams/{team}/results/", 9),
}
APIS = {
    "quizzes": ("member", "/api/v1/quizzes/", 3),
    "attempts-own": ("member", "/api/v1/attempts/", 3),
    "attempts-team": ("lead", "/api/v1/attempts/?team={team}", 4),
    "invitations": ("lead", "/api/v1/invitations/", 3),
}


@pytest.mark.parametrize(("who", "url", "expected"), PAGES.values(), ids=PAGES.keys())
def test_pages(client, world, who, url, expected, assert_queries):
    client.force_login(world[who])
    url = url.format(team=world["team"].pk)
    with assert_queries(expected):
        assert client.get(url).status_code == 200
    grow(6, **world)
    assert Quiz.objects.count() == 7
    with assert_queries(expected):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(("who", "url", "expected"), APIS.values(), ids=APIS.keys())
def test_apis(api_as, world, who, url, expected, assert_queries):
    api = api_as(world[who])
    url = url.format(team=world["team"].pk)
    api.get(url)
    with assert_queries(expected):
        assert api.get(url).status_code == 200
    grow(6, **world)
    with assert_queries(expected):
        assert api.get(url).status_code == 200


def attempt_on(quiz, user, *, scored):
    attempt = assessments_services.attempt_start(quiz=quiz, user=user)
    if scored:
        assessments_services.attempt_submit(attempt=attempt)
        assessments_services.attempt_score(attempt_id=attempt.pk)
    return attempt


def many_questions(n):
    return [
        {
            "kind": "multiple" if i % 2 else "single",
            "choices": [("a", True, "x"), ("b", i % 2 == 1, "y"), ("c", False, "z")],
        }
        for i in range(n)
    ]


# (page, scored, exact query count with 2 questions and with 12)
@pytest.mark.parametrize(
    ("page", "scored", "expected"),
    [
        ("", False, 8),
        ("review/", False, 8),
        # + the next steps: the module the quiz completes, an open onboarding plan
        ("result/", True, 10),
        # + the poll's check first (one's own attempt waiting to be scored: then it is all)
        ("api", False, 6),
        ("api", True, 6),
    ],
    ids=["take", "review", "result", "api-open", "api-scored"],
)
def test_attempt_pages_do_not_grow_with_the_number_of_questions(
    client, api_as, member, page, scored, expected, assert_queries
):
    client.force_login(member)
    api = api_as(member)
    api.get("/api/v1/me/")

    def fetch(attempt):
        if page == "api":
            return api.get(f"/api/v1/attempts/{attempt.pk}/")
        return client.get(f"/attempts/{attempt.pk}/{page}")

    small = attempt_on(factories.quiz_published(questions=many_questions(2)), member, scored=scored)
    large = attempt_on(
        factories.quiz_published(questions=many_questions(12)), member, scored=scored
    )
    with assert_queries(expected):
        assert fetch(small).status_code == 200
    with assert_queries(expected):
        assert fetch(large).status_code == 200
