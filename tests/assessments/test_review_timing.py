"""When the review opens: a retake can't be answered from an earlier attempt's review.

"After the last attempt" (the default) shows the score after each attempt, and which answers
were right and the explanations once the taker has no attempt left and none in progress, or
the quiz has closed. "After the quiz closes" waits for the closing time. The page and the API
hold the same line, and say when the answers will be shown.
"""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from assessments import selectors, services
from assessments.models import Choice, Quiz, QuizVersion
from assessments.selectors import candidate_invitation_url, quiz_version_review_warnings
from home.demo.assessments import demo_quizzes_load
from tests import factories

pytestmark = pytest.mark.django_db

AFTER_LAST = QuizVersion.ReviewWhen.AFTER_LAST_ATTEMPT


def explanations_of(quiz: Quiz) -> list[str]:
    """Text only the answer key holds."""
    texts = Choice.objects.filter(question__version__quiz=quiz).values_list(
        "explanation", flat=True
    )
    return [text for text in texts if text]


def assert_no_key(body: str, quiz: Quiz) -> None:
    for secret in explanations_of(quiz):
        assert secret not in body, secret
    assert "is_correct" not in body
    assert '"correct":' not in body.replace(" ", "")
    assert "correct answer" not in body


def assert_key(body: str, quiz: Quiz) -> None:
    assert explanations_of(quiz)
    for secret in explanations_of(quiz):
        assert secret in body, secret


def take(quiz: Quiz, *, user=None, invitation=None, right: bool = False):
    """Start, answer every question (all right or all wrong), submit and score."""
    attempt = services.attempt_start(quiz=quiz, user=user, invitation=invitation)
    for question in attempt.quiz_version.questions.all():
        pick = factories.right_choice_ids if right else factories.wrong_choice_ids
        services.answer_save(attempt=attempt, question_id=question.pk, choice_ids=pick(question))
    services.attempt_submit(attempt=attempt)
    assert services.attempt_score(attempt_id=attempt.pk)
    return attempt


def seen_by(member, attempt, *, client, api_as) -> tuple[dict, str, str]:
    """The API's payload (parsed and raw) and the result page, as the taker gets them."""
    response = api_as(member).get(f"/api/v1/attempts/{attempt.pk}/")
    assert response.status_code == 200
    client.force_login(member)
    page = client.get(f"/attempts/{attempt.pk}/result/")
    assert page.status_code == 200
    return response.json(), response.content.decode(), page.content.decode()


class TestAfterTheLastAttempt:
    def test_attempt_one_shows_the_score_but_no_key_while_attempts_remain(
        self, client, api_as, member, quiz_published
    ):
        quiz = quiz_published(attempts_allowed=3, review_when=AFTER_LAST)
        first = take(quiz, user=member)

        payload, raw, page = seen_by(member, first, client=client, api_as=api_as)

        assert_no_key(raw, quiz)
        assert_no_key(page, quiz)
        assert payload["review"] == []
        assert (payload["review_withheld"], payload["review_opens_at"]) == ("after_last", None)
        assert (payload["score"], payload["max_score"]) == (0.0, 3.0)  # the score still shows
        assert "Answers are shown after your last attempt. You have 2 attempts left." in page
        assert '0 <span class="muted">/ 3</span>' in page

    def test_a_retake_in_progress_keeps_the_key_hidden_even_with_no_attempt_left(
        self, client, api_as, member, quiz_published
    ):
        quiz = quiz_published(attempts_allowed=2, review_when=AFTER_LAST)
        first = take(quiz, user=member)
        services.attempt_start(quiz=quiz, user=member)  # the last one, open in another tab

        payload, raw, page = seen_by(member, first, client=client, api_as=api_as)

        assert_no_key(raw, quiz)
        assert_no_key(page, quiz)
        assert payload["review_withheld"] == "after_last"
        assert "Answers are shown once your last attempt is submitted." in page

    def test_after_the_last_attempt_every_attempt_shows_the_key(
        self, client, api_as, member, quiz_published
    ):
        quiz = quiz_published(attempts_allowed=2, review_when=AFTER_LAST)
        first = take(quiz, user=member)
        last = take(quiz, user=member, right=True)

        for attempt in (first, last):
            payload, raw, page = seen_by(member, attempt, client=client, api_as=api_as)
            assert_key(raw, quiz)
            assert_key(page, quiz)
            assert payload["review_withheld"] is None
            assert all("is_correct" in c for item in payload["review"] for c in item["choices"])
            assert "correct answer" in page
            assert 'id="review-notice"' not in page
        first.refresh_from_db()
        assert selectors.review_visibility(first) == selectors.EVERYTHING

    def test_passing_early_does_not_open_the_key(self, api_as, member, quiz_published):
        """The attempts left would still score (and record skill evidence)."""
        quiz = quiz_published(attempts_allowed=3, review_when=AFTER_LAST)
        passed = take(quiz, user=member, right=True)
        passed.refresh_from_db()
        assert passed.passed is True

        raw = api_as(member).get(f"/api/v1/attempts/{passed.pk}/").content.decode()

        assert_no_key(raw, quiz)

    def test_unlimited_attempts_never_show_the_key_while_open(
        self, client, api_as, member, quiz_published
    ):
        quiz = quiz_published(attempts_allowed=0, review_when=AFTER_LAST)
        attempt = take(quiz, user=member)

        payload, raw, page = seen_by(member, attempt, client=client, api_as=api_as)

        assert_no_key(raw, quiz)
        assert payload["score"] == 0.0
        assert "not shown while you can take this quiz again" in page

    def test_a_closed_quiz_opens_the_key_with_attempts_left(
        self, client, api_as, member, quiz_published
    ):
        closes_at = timezone.now() + timedelta(hours=2)
        quiz = quiz_published(attempts_allowed=3, review_when=AFTER_LAST, closes_at=closes_at)
        attempt = take(quiz, user=member)
        payload, raw, page = seen_by(member, attempt, client=client, api_as=api_as)
        assert_no_key(raw, quiz)
        assert payload["review_opens_at"] is not None
        assert "At the latest, they are shown when the quiz closes" in page

        QuizVersion.objects.filter(quiz=quiz).update(closes_at=timezone.now())

        payload, raw, page = seen_by(member, attempt, client=client, api_as=api_as)
        assert_key(raw, quiz)
        assert_key(page, quiz)

    def test_the_quiz_list_shows_the_best_score(self, api_as, member, quiz_published):
        quiz = quiz_published(attempts_allowed=3, review_when=AFTER_LAST)
        take(quiz, user=member, right=True)
        listed = api_as(member).get("/api/v1/quizzes/").json()["results"]
        assert [(q["id"], q["best_percent"]) for q in listed] == [(quiz.pk, 100.0)]

    def test_the_intro_says_when_answers_are_shown(self, client, member, quiz_published):
        quiz = quiz_published(attempts_allowed=3, review_when=AFTER_LAST)
        client.force_login(member)
        page = client.get(f"/quizzes/{quiz.slug}/").content.decode()
        assert "Answers are shown after your last attempt." in page


class TestAfterTheQuizCloses:
    def test_before_the_closing_time_nothing_shows_and_the_page_says_when(
        self, client, api_as, member, quiz_published
    ):
        closes_at = timezone.now() + timedelta(days=1)
        quiz = quiz_published(attempts_allowed=3, review_when="after_close", closes_at=closes_at)
        attempt = take(quiz, user=member, right=True)

        payload, raw, page = seen_by(member, attempt, client=client, api_as=api_as)

        assert_no_key(raw, quiz)
        assert_no_key(page, quiz)
        assert payload["review_withheld"] == "after_close"
        assert payload["review_opens_at"] is not None
        assert "Answers are shown after the quiz closes, on" in page

    def test_after_the_closing_time_the_key_shows(self, client, api_as, member, quiz_published):
        closes_at = timezone.now() + timedelta(days=1)
        quiz = quiz_published(attempts_allowed=3, review_when="after_close", closes_at=closes_at)
        attempt = take(quiz, user=member)
        QuizVersion.objects.filter(quiz=quiz).update(closes_at=timezone.now())

        payload, raw, page = seen_by(member, attempt, client=client, api_as=api_as)

        assert_key(raw, quiz)
        assert_key(page, quiz)
        assert payload["review_withheld"] is None


def test_a_never_policy_says_so(client, api_as, member, quiz_published):
    quiz = quiz_published(attempts_allowed=3, review_when="never")
    attempt = take(quiz, user=member)
    payload, raw, page = seen_by(member, attempt, client=client, api_as=api_as)
    assert_no_key(raw, quiz)
    assert payload["review_withheld"] == "never"
    assert "This quiz does not show the answers." in page


class TestTheDefault:
    def test_a_new_version_waits_for_the_last_attempt(self):
        quiz = Quiz.objects.create(slug="new", title="New")
        version = services.quiz_version_create(quiz=quiz, attempts_allowed=3)
        assert version.review_when == AFTER_LAST
        assert QuizVersion._meta.get_field("review_when").default == AFTER_LAST

    def test_the_admin_starts_a_quiz_with_the_safe_policy(self, client, admin_user):
        quiz = Quiz.objects.create(slug="fresh", title="Fresh")
        client.force_login(admin_user)
        response = client.post(f"/admin/assessments/quiz/{quiz.pk}/edit-questions/")
        version = quiz.versions.get()
        assert response.url == f"/admin/assessments/quizversion/{version.pk}/change/"
        assert version.review_when == AFTER_LAST

    def test_a_one_attempt_candidate_quiz_shows_the_review_right_after_it(
        self, client, lead, quiz_published
    ):
        """With one attempt, "after the last attempt" is right after it."""
        quiz = quiz_published(attempts_allowed=1, review_when=AFTER_LAST)
        invitation = services.candidate_invitation_create(
            invited_by=lead,
            email="cand@example.test",
            quiz=quiz,
            expires_at=timezone.now() + timedelta(days=3),
        )
        url = candidate_invitation_url(invitation)
        intro = client.get(url).content.decode()
        assert "After you submit, you see which answers were right." in intro
        attempt = take(quiz, invitation=invitation, right=True)

        page = client.get(f"{url}attempts/{attempt.pk}/result/")

        assert page.status_code == 200
        assert_key(page.content.decode(), quiz)
        assert client.get(url).url == f"{url}attempts/{attempt.pk}/result/"  # completed

    def test_a_candidate_with_retakes_waits_too(self, client, lead, quiz_published):
        quiz = quiz_published(attempts_allowed=2, review_when=AFTER_LAST)
        invitation = services.candidate_invitation_create(
            invited_by=lead,
            email="cand@example.test",
            quiz=quiz,
            expires_at=timezone.now() + timedelta(days=3),
        )
        attempt = take(quiz, invitation=invitation)
        url = f"{candidate_invitation_url(invitation)}attempts/{attempt.pk}/result/"
        assert_no_key(client.get(url).content.decode(), quiz)
        take(quiz, invitation=invitation)
        assert_key(client.get(url).content.decode(), quiz)


class TestAuthoringWarning:
    @pytest.mark.parametrize(
        ("attempts", "when", "correctness", "explanations", "closes", "warned"),
        [
            (3, "immediately", True, True, False, "immediately"),
            (0, "immediately", False, True, False, "immediately"),
            (3, "immediately", False, False, False, None),
            (1, "immediately", True, True, False, None),
            (3, "after_last", True, True, False, None),
            (0, "after_last", True, False, False, "never comes"),
            (0, "after_last", True, False, True, None),
            (3, "after_close", True, True, True, None),
            (3, "never", True, True, False, None),
        ],
        ids=[
            "retakes-immediately",
            "unlimited-explanations-immediately",
            "retakes-score-only",
            "one-attempt-immediately",
            "retakes-after-last",
            "unlimited-after-last-no-close",
            "unlimited-after-last-closes",
            "after-close",
            "never",
        ],
    )
    def test_the_warnings(self, attempts, when, correctness, explanations, closes, warned):
        version = QuizVersion(
            attempts_allowed=attempts,
            review_when=when,
            review_correctness=correctness,
            review_explanations=explanations,
            closes_at=timezone.now() if closes else None,
        )
        warnings = quiz_version_review_warnings(version)
        if warned is None:
            assert warnings == []
        else:
            assert len(warnings) == 1
            assert warned in warnings[0]

    def admin_post(self, client, version, **fields):
        data = {
            "time_limit_minutes": "",
            "grace_seconds": "30",
            "attempts_allowed": "3",
            "pass_percent": "70",
            "review_when": "after_last",
            "closes_at_0": "",
            "closes_at_1": "",
            "review_score": "on",
            "review_correctness": "on",
            "review_explanations": "on",
            "_continue": "1",
        }
        for prefix in ("questions", "bands"):
            data |= {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        data |= fields
        return client.post(
            f"/admin/assessments/quizversion/{version.pk}/change/", data, follow=True
        )

    def test_saving_a_retake_quiz_with_an_immediate_key_warns(self, client, admin_user):
        quiz = Quiz.objects.create(slug="authored", title="Authored")
        version = services.quiz_version_create(quiz=quiz)
        client.force_login(admin_user)

        response = self.admin_post(client, version, review_when="immediately")

        version.refresh_from_db()
        assert (version.review_when, version.attempts_allowed) == ("immediately", 3)
        levels = [(m.level_tag, str(m)) for m in response.context["messages"]]
        assert any(
            tag == "warning" and "people can answer their next attempt from it" in text
            for tag, text in levels
        ), levels

    def test_saving_the_safe_policy_does_not_warn(self, client, admin_user):
        quiz = Quiz.objects.create(slug="authored", title="Authored")
        version = services.quiz_version_create(quiz=quiz)
        client.force_login(admin_user)

        response = self.admin_post(client, version)

        version.refresh_from_db()
        assert version.attempts_allowed == 3
        assert [m for m in response.context["messages"] if m.level_tag == "warning"] == []


class TestDemo:
    def test_the_agent_knowledge_check_does_not_leak_the_key(self, client, api_as, member):
        quizzes = demo_quizzes_load()
        check = quizzes["agent-knowledge-check"].versions.get()
        assert (check.attempts_allowed, check.review_when) == (3, AFTER_LAST)
        for quiz in quizzes.values():
            assert quiz_version_review_warnings(quiz.versions.get()) == [], quiz.slug
        attempt = take(quizzes["agent-knowledge-check"], user=member)

        payload, raw, page = seen_by(member, attempt, client=client, api_as=api_as)

        assert_no_key(raw, quizzes["agent-knowledge-check"])
        assert_no_key(page, quizzes["agent-knowledge-check"])
        assert payload["score"] is not None


def test_the_data_migration_switches_retake_quizzes_with_an_immediate_key(quiz_published):
    cases = {
        "three-immediately": (3, "immediately", True, True),
        "unlimited-explanations": (0, "immediately", False, True),
        "one-attempt": (1, "immediately", True, True),
        "three-score-only": (3, "immediately", False, False),
        "three-after-close": (3, "after_close", True, True),
    }
    versions = {}
    for slug, (attempts, when, correctness, explanations) in cases.items():
        quiz = quiz_published(slug=slug)
        QuizVersion.objects.filter(quiz=quiz).update(
            attempts_allowed=attempts,
            review_when=when,
            review_correctness=correctness,
            review_explanations=explanations,
            closes_at=timezone.now(),
        )
        versions[slug] = quiz.versions.get()
    migration = importlib.import_module("assessments.migrations.0004_review_after_last_for_retakes")

    migration.retake_reviews_after_last_attempt(django_apps, None)

    after = {slug: QuizVersion.objects.get(pk=v.pk).review_when for slug, v in versions.items()}
    assert after == {
        "three-immediately": "after_last",
        "unlimited-explanations": "after_last",
        "one-attempt": "immediately",
        "three-score-only": "immediately",
        "three-after-close": "after_close",
    }


def many_questions(n: int) -> list[dict]:
    return [
        {"kind": "single", "choices": [("a", True, f"why a {i}"), ("b", False, f"why b {i}")]}
        for i in range(n)
    ]


@pytest.mark.parametrize(
    ("page", "expected"),
    # the result page adds two for its next steps (module, open onboarding plan)
    # api: + the poll's one-statement check for an attempt waiting to be scored
    [("result", 9), ("api", 5), ("intro", 9)],
    ids=["result-page", "api", "quiz-intro"],
)
def test_the_withheld_review_costs_the_same_queries_however_big(
    client, api_as, member, page, expected, assert_queries
):
    """Two queries for the taker's progress, whatever the questions and attempts."""
    client.force_login(member)
    api = api_as(member)
    api.get("/api/v1/me/")
    small = factories.quiz_published(
        questions=many_questions(2), attempts_allowed=5, review_when=AFTER_LAST
    )
    large = factories.quiz_published(
        questions=many_questions(12), attempts_allowed=5, review_when=AFTER_LAST
    )
    latest = {
        quiz: [take(quiz, user=member) for _ in range(n)][-1]
        for quiz, n in ((small, 1), (large, 4))
    }

    def fetch(quiz):
        attempt = latest[quiz]
        if page == "api":
            response = api.get(f"/api/v1/attempts/{attempt.pk}/")
            assert response.json()["review_withheld"] == "after_last"
            return response
        if page == "intro":
            return client.get(f"/quizzes/{quiz.slug}/")
        return client.get(f"/attempts/{attempt.pk}/result/")

    for quiz in (small, large):
        with assert_queries(expected):
            assert fetch(quiz).status_code == 200
