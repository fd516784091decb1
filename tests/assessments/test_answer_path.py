"""The quiz-day path stays lean: an answer save in at most 4 SQL statements, a start in at
most 8, counted as Django's query capture counts them (SAVEPOINTs included; inside a test's
transaction BEGIN/COMMIT show as SAVEPOINT/RELEASE), on SQLite and on PostgreSQL. The lean
path must answer exactly as the full one: these tests also prove the refusals."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import Answer, Attempt, Question
from core.errors import Conflict
from tests import factories
from tests.assessments.test_typed_answers import typed_quiz

pytestmark = pytest.mark.django_db

# The pinned counts (docs/operations.md quotes them).
ANSWER_SAVE_API = 2  # token, the conditional upsert
START_API_UNLIMITED = 5  # token, quiz+version, insert, questions, choices
START_API_LIMITED = 8  # … plus SAVEPOINT, lock on the taker, RELEASE
SUBMIT_API = 2  # token, the conditional update (it commits, then the task is sent)


@pytest.fixture
def taker(member, api_as):
    client = api_as(member)
    client.get("/api/v1/me/")  # the token's first use is recorded once; later calls don't write
    return client


def start(client, quiz):
    response = client.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert response.status_code == 201, response.content
    return response.json()


def answer_url(attempt_id, question_id):
    return f"/api/v1/attempts/{attempt_id}/answers/{question_id}/"


@pytest.mark.parametrize(
    ("rules", "expected"),
    [({"attempts_allowed": 0}, START_API_UNLIMITED), ({"attempts_allowed": 3}, START_API_LIMITED)],
    ids=["unlimited", "limited"],
)
def test_a_start_costs_at_most_eight_statements(taker, assert_queries, rules, expected):
    quiz = factories.quiz_published(**rules)
    with assert_queries(expected):
        body = start(taker, quiz)
    assert len(body["questions"]) == 3
    assert expected <= 8


@pytest.mark.parametrize("questions", [1, 3], ids=["first-answer", "third-answer"])
def test_an_answer_save_costs_two_statements(taker, assert_queries, questions):
    quiz = factories.quiz_published()
    body = start(taker, quiz)
    for question in body["questions"][:questions]:
        choice = question["choices"][0]["id"]
        with assert_queries(ANSWER_SAVE_API):
            response = taker.put(
                answer_url(body["id"], question["id"]), {"choices": [choice]}, format="json"
            )
        assert response.status_code == 200, response.content
        assert response.json()["choices"] == [choice]
    assert Answer.objects.filter(attempt_id=body["id"]).count() == questions


def test_revisiting_an_answer_replaces_it_in_two_statements(taker, assert_queries):
    quiz = factories.quiz_published()
    body = start(taker, quiz)
    question = body["questions"][0]
    first, second = (c["id"] for c in question["choices"][:2])
    taker.put(answer_url(body["id"], question["id"]), {"choices": [first]}, format="json")
    with assert_queries(ANSWER_SAVE_API):
        response = taker.put(
            answer_url(body["id"], question["id"]), {"choices": [second]}, format="json"
        )
    assert response.json()["choices"] == [second]
    answer = Answer.objects.get(attempt_id=body["id"], question_id=question["id"])
    assert answer.choice_ids == [second]


def test_typed_answers_take_the_lean_path_too(taker, assert_queries):
    quiz = typed_quiz(review_when="immediately")
    body = start(taker, quiz)
    kinds = {question["kind"]: question for question in body["questions"]}
    short, numerical = kinds["short_answer"], kinds["numerical"]
    with assert_queries(ANSWER_SAVE_API):
        response = taker.put(
            answer_url(body["id"], short["id"]), {"text": "  a   refund "}, format="json"
        )
    assert response.json()["text"] == "a refund"
    with assert_queries(ANSWER_SAVE_API):
        response = taker.put(
            answer_url(body["id"], numerical["id"]), {"text": "1,5"}, format="json"
        )
    assert response.json()["text"] == "1,5"
    # not a number: the full path explains, nothing saved
    response = taker.put(answer_url(body["id"], numerical["id"]), {"text": "twelve"}, format="json")
    assert response.status_code == 400
    assert "text" in str(response.json())
    saved = Answer.objects.get(attempt_id=body["id"], question_id=numerical["id"])
    assert saved.response_text == "1,5"


def test_refusals_are_unchanged_and_save_nothing(taker, member, api_as):
    quiz = factories.quiz_published()
    body = start(taker, quiz)
    first, second = body["questions"][:2]
    url = answer_url(body["id"], first["id"])
    other_choice = second["choices"][0]["id"]
    # a choice of another question
    response = taker.put(url, {"choices": [other_choice]}, format="json")
    assert response.status_code == 400
    assert "choices" in str(response.json())
    # two choices on a single-choice question
    both = [c["id"] for c in first["choices"][:2]]
    assert taker.put(url, {"choices": both}, format="json").status_code == 400
    # a question of another quiz
    stranger = Question.objects.exclude(version__quiz=quiz).first()
    if stranger is None:
        stranger_quiz = factories.quiz_published()
        stranger = Question.objects.filter(version__quiz=stranger_quiz).first()
    assert (
        taker.put(answer_url(body["id"], stranger.pk), {"choices": []}, format="json").status_code
        == 404
    )
    # someone else's attempt: 404, as if it did not exist
    intruder = api_as(factories.UserFactory.create())
    choice = first["choices"][0]["id"]
    assert intruder.put(url, {"choices": [choice]}, format="json").status_code == 404
    assert (
        taker.put(answer_url("not-a-uuid", first["id"]), {"choices": []}, format="json").status_code
        == 404
    )
    assert not Answer.objects.filter(attempt_id=body["id"]).exists()


def test_no_answer_after_submit_or_past_the_deadline(taker, member):
    quiz = factories.quiz_published(time_limit_minutes=5, grace_seconds=10)
    body = start(taker, quiz)
    question = body["questions"][0]
    choice = question["choices"][0]["id"]
    url = answer_url(body["id"], question["id"])
    attempt = Attempt.objects.get(pk=body["id"])
    # within the grace period: still saved
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=5))
    assert taker.put(url, {"choices": [choice]}, format="json").status_code == 200
    # past deadline plus grace: 409, and the attempt is submitted for scoring
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() - timedelta(seconds=11))
    assert taker.put(url, {"choices": []}, format="json").status_code == 409
    assert Answer.objects.get(attempt_id=attempt.pk).choice_ids == [choice]
    second = factories.quiz_published()
    body = start(taker, second)
    question = body["questions"][0]
    assert taker.post(f"/api/v1/attempts/{body['id']}/submit/").status_code == 202
    url = answer_url(body["id"], question["id"])
    assert (
        taker.put(url, {"choices": [question["choices"][0]["id"]]}, format="json").status_code
        == 409
    )
    assert not Answer.objects.filter(attempt_id=body["id"]).exists()


def test_a_closed_quiz_or_withdrawn_invitation_takes_no_answer(lead, team):
    quiz = factories.quiz_published()
    invitation = services.candidate_invitation_create(
        invited_by=lead,
        email="cand@example.test",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=1),
        team=team,
    )
    attempt = services.attempt_start(quiz=quiz, invitation=invitation)
    question = Question.objects.filter(version=attempt.quiz_version).first()
    right = factories.right_choice_ids(question)
    assert services.answer_save(attempt=attempt, question_id=question.pk, choice_ids=right)
    services.candidate_invitation_revoke(invitation=invitation)
    attempt.refresh_from_db()
    with pytest.raises(Conflict):
        services.answer_save(attempt=attempt, question_id=question.pk, choice_ids=[])
    assert Answer.objects.get(attempt=attempt).choice_ids == right


def test_starting_again_is_a_409_with_the_open_attempt(taker):
    quiz = factories.quiz_published(attempts_allowed=2)
    body = start(taker, quiz)
    response = taker.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert response.status_code == 409
    assert response.json()["id"] == body["id"]
    taker.post(f"/api/v1/attempts/{body['id']}/submit/")
    start(taker, quiz)  # the second of two
    Attempt.objects.filter(quiz=quiz, status="in_progress").update(status="submitted")
    response = taker.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert response.status_code == 409
    assert response.json()["code"] == "no_attempts_left"
    assert Attempt.objects.filter(quiz=quiz).count() == 2


def test_an_expired_open_attempt_is_closed_and_a_new_one_started(taker):
    quiz = factories.quiz_published(time_limit_minutes=1, grace_seconds=0)
    body = start(taker, quiz)
    Attempt.objects.filter(pk=body["id"]).update(deadline=timezone.now() - timedelta(minutes=5))
    again = start(taker, quiz)
    assert again["id"] != body["id"]
    assert Attempt.objects.get(pk=body["id"]).status == "submitted"


def test_the_page_autosave_uses_the_lean_path(client, member, assert_queries):
    quiz = factories.quiz_published()
    attempt = services.attempt_start(quiz=quiz, user=member)
    question = Question.objects.filter(version=attempt.quiz_version).first()
    client.force_login(member)
    url = f"/attempts/{attempt.pk}/answers/{question.pk}/"
    right = factories.right_choice_ids(question)
    # session, user, attempt, the upsert; then the status fragment's page context (teams led,
    # unread notifications)
    with assert_queries(6) as captured:
        response = client.post(url, {f"q{question.pk}": right[0]}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    writes = [q["sql"] for q in captured.captured_queries if not q["sql"].startswith("SELECT")]
    assert len(writes) == 1
    assert writes[0].startswith("INSERT INTO assessments_answer")
    assert Answer.objects.get(attempt=attempt).choice_ids == right


def test_a_submit_costs_six_statements_and_enqueues_scoring_once(
    taker, assert_queries, django_capture_on_commit_callbacks
):
    quiz = factories.quiz_published()
    body = start(taker, quiz)
    with django_capture_on_commit_callbacks() as callbacks, assert_queries(SUBMIT_API):
        response = taker.post(f"/api/v1/attempts/{body['id']}/submit/")
    assert response.status_code == 202
    assert len(callbacks) == 1  # the scoring task, after commit
    with django_capture_on_commit_callbacks() as again:
        assert taker.post(f"/api/v1/attempts/{body['id']}/submit/").status_code == 202
    assert again == []


def test_the_poll_while_waiting_for_the_score_costs_two_statements_and_answers_as_the_full_path(
    taker, member, lead, api_as, assert_queries
):
    """The result page polls every 2 s after submitting: its own fast path (token, one
    compiled statement, no serializer) says exactly what the full path says, for a taker in
    another zone too; anyone else's attempt goes the full way (a lead still sees it, others
    get 404)."""
    member.time_zone = "Europe/Warsaw"
    member.save(update_fields=["time_zone"])
    quiz = factories.quiz_published(time_limit_minutes=30)
    body = start(taker, quiz)
    taker.post(f"/api/v1/attempts/{body['id']}/submit/")
    Attempt.objects.filter(pk=body["id"]).update(status=Attempt.Status.SUBMITTED)  # not scored
    url = f"/api/v1/attempts/{body['id']}/"
    with assert_queries(2):
        polled = taker.get(url)
    assert polled.status_code == 200
    with mock.patch("assessments.selectors.attempt_own_row", return_value=None):
        full = taker.get(url)  # the full path: a six-table join and the serializer
    assert polled.json() == full.json()
    assert polled.json()["status"] == "submitted"
    assert polled.json()["deadline"] is not None
    assert api_as(lead).get(url).json() == full.json()  # the lead's way: the full path
    stranger = factories.UserFactory()
    assert api_as(stranger).get(url).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"choices": [3, 1]},
        {"choices": []},
        {"choices": ["3"]},  # a string id: the serializer's way, same result
        {"choices": [True]},
        {"choices": [0]},
        {"choices": list(range(1, 52))},
        {"choices": [1], "text": "x"},
        {"text": " 42 "},
        {"choices": "1"},
        [1, 2],
        {},
    ],
)
def test_the_lean_answer_input_accepts_and_refuses_exactly_as_the_serializer(body):
    from assessments.api import answer_input
    from assessments.serializers import AnswerInput

    serializer = AnswerInput(data=body)
    if serializer.is_valid():
        assert answer_input(body) == serializer.validated_data
    else:
        from rest_framework.exceptions import ValidationError

        with pytest.raises(ValidationError) as refused:
            answer_input(body)
        assert refused.value.detail == serializer.errors


def test_the_lean_answer_output_says_what_the_serializer_says(taker):
    from assessments.api import answer_output
    from assessments.serializers import AnswerOutput

    quiz = typed_quiz()
    body = start(taker, quiz)
    for question in body["questions"]:
        payload: dict[str, object] = (
            {"choices": [question["choices"][0]["id"]]} if question["choices"] else {"text": "7"}
        )
        response = taker.put(answer_url(body["id"], question["id"]), payload, format="json")
        assert response.status_code == 200, response.content
    answers = list(Answer.objects.filter(attempt_id=body["id"]))
    assert {bool(a.response_text) for a in answers} == {True, False}  # both kinds
    for answer in answers:
        assert answer_output(answer) == AnswerOutput(answer).data


def test_a_submit_sends_scoring_scoring_delay_seconds_later(
    taker, settings, django_capture_on_commit_callbacks
):
    """Attempts submitted within ``SCORING_DELAY`` of each other are scored in one batch:
    the task is sent after commit with that countdown (run at once in eager mode)."""
    from assessments.tasks import score_attempt_task

    settings.SCORING_DELAY = 1.5
    quiz = factories.quiz_published()
    body = start(taker, quiz)
    with django_capture_on_commit_callbacks() as callbacks:
        taker.post(f"/api/v1/attempts/{body['id']}/submit/")
    assert len(callbacks) == 1
    conf = score_attempt_task.app.conf
    eager = conf.task_always_eager
    conf.task_always_eager = False  # as in a real deployment: sent to the broker
    try:
        with mock.patch.object(score_attempt_task, "apply_async") as sent:
            callbacks[0]()
    finally:
        conf.task_always_eager = eager
    sent.assert_called_once_with(args=(body["id"],), kwargs={}, countdown=1.5)
    assert Attempt.objects.get(pk=body["id"]).status == Attempt.Status.SUBMITTED


def test_submitting_someone_elses_attempt_is_404_and_changes_nothing(taker, api_as, assert_queries):
    quiz = factories.quiz_published()
    body = start(taker, quiz)
    stranger = api_as(factories.UserFactory())
    response = stranger.post(f"/api/v1/attempts/{body['id']}/submit/")
    assert response.status_code == 404
    assert Attempt.objects.get(pk=body["id"]).status == Attempt.Status.IN_PROGRESS
    assert stranger.post("/api/v1/attempts/not-a-uuid/submit/").status_code == 404
    assert taker.post(f"/api/v1/attempts/{body['id']}/submit/").json() == {"status": "submitted"}
