"""Attempts through the API: start, autosave, submit, score once, deadlines, the sweep."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import services as assessments_services
from assessments.models import Answer, Attempt
from assessments.services import grading
from assessments.tasks import score_attempt_task
from notifications.models import Notification
from skills.models import SkillEvidence
from tests import factories
from tests.conftest import broker_connections_reset

pytestmark = pytest.mark.django_db


def start(api, quiz):
    response = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert response.status_code == 201, response.content
    return response.json()


def questions_of(quiz):
    return list(quiz.versions.get().questions.prefetch_related("choices").order_by("position"))


def put(api, attempt_id, question_id, choices):
    return api.put(
        f"/api/v1/attempts/{attempt_id}/answers/{question_id}/", {"choices": choices}, format="json"
    )


def test_starting_gives_the_contracted_payload_without_answer_keys(api_as, member, quiz):
    body = start(api_as(member), quiz)
    assert set(body) == {"id", "status", "deadline", "language", "questions"}
    assert body["status"] == "in_progress"
    assert body["deadline"] is None
    assert [set(q) for q in body["questions"]] == [{"id", "text", "kind", "choices"}] * 3
    for question in body["questions"]:
        assert all(set(choice) == {"id", "text"} for choice in question["choices"])


def test_a_time_limit_sets_the_deadline(api_as, member, quiz_published):
    quiz = quiz_published(time_limit_minutes=10)
    before = timezone.now()
    body = start(api_as(member), quiz)
    attempt = Attempt.objects.get(pk=body["id"])
    assert (
        before + timedelta(minutes=10) <= attempt.deadline <= timezone.now() + timedelta(minutes=10)
    )


def test_a_second_start_is_409_with_the_open_attempts_id(api_as, member, quiz):
    api = api_as(member)
    first = start(api, quiz)
    again = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert again.status_code == 409
    assert again.json()["id"] == first["id"]
    assert Attempt.objects.count() == 1


def test_attempts_allowed_are_enforced(
    api_as, member, quiz_published, django_capture_on_commit_callbacks
):
    quiz = quiz_published(attempts_allowed=1)
    api = api_as(member)
    attempt_id = start(api, quiz)["id"]
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/attempts/{attempt_id}/submit/")
    response = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/")
    assert response.status_code == 409
    assert response.json()["detail"] == "No attempts are left for this quiz."


def test_answers_autosave_and_replace(api_as, member, quiz):
    api = api_as(member)
    attempt_id = start(api, quiz)["id"]
    q1 = questions_of(quiz)[0]
    right, wrong = factories.right_choice_ids(q1), factories.wrong_choice_ids(q1)
    response = put(api, attempt_id, q1.pk, wrong)
    assert response.status_code == 200
    assert response.json()["choices"] == wrong
    put(api, attempt_id, q1.pk, right)
    assert Answer.objects.get().choice_ids == right
    resumed = api.get(f"/api/v1/attempts/{attempt_id}/").json()
    assert resumed["answers"] == {str(q1.pk): right}
    assert len(resumed["questions"]) == 3


@pytest.mark.parametrize(
    ("choices", "status", "field"),
    [("not-a-list", 400, "choices"), (["x"], 400, "choices"), ([10**20], 400, "choices")],
    ids=["not-a-list", "not-ids", "huge-id"],
)
def test_malformed_answers_are_400(api_as, member, quiz, choices, status, field):
    api = api_as(member)
    attempt_id = start(api, quiz)["id"]
    response = put(api, attempt_id, questions_of(quiz)[0].pk, choices)
    assert response.status_code == status
    assert field in response.json()["errors"]
    assert not Answer.objects.exists()


def test_choices_of_another_question_or_two_for_single_choice_are_refused(api_as, member, quiz):
    api = api_as(member)
    attempt_id = start(api, quiz)["id"]
    q1, q2, _ = questions_of(quiz)
    response = put(api, attempt_id, q1.pk, factories.right_choice_ids(q2))
    assert response.status_code == 400
    assert response.json()["errors"] == {"choices": ["Choose among this question's choices."]}
    both = [c.pk for c in q1.choices.all()][:2]
    assert put(api, attempt_id, q1.pk, both).json()["errors"] == {"choices": ["Choose one answer."]}
    other_quiz_question = questions_of(factories.quiz_published())[0]
    assert put(api, attempt_id, other_quiz_question.pk, []).status_code == 404
    assert not Answer.objects.exists()


def test_after_submit_answers_are_409_and_nothing_is_lost(
    api_as, member, quiz, django_capture_on_commit_callbacks
):
    api = api_as(member)
    attempt_id = start(api, quiz)["id"]
    q1 = questions_of(quiz)[0]
    put(api, attempt_id, q1.pk, factories.right_choice_ids(q1))
    with django_capture_on_commit_callbacks(execute=False):
        assert api.post(f"/api/v1/attempts/{attempt_id}/submit/").json() == {"status": "submitted"}
    late = put(api, attempt_id, q1.pk, factories.wrong_choice_ids(q1))
    assert late.status_code == 409
    assert Answer.objects.get().choice_ids == factories.right_choice_ids(q1)


def test_within_grace_answers_count_and_after_it_they_are_409(api_as, member, quiz_published):
    quiz = quiz_published(time_limit_minutes=5, grace_seconds=30)
    api = api_as(member)
    attempt_id = start(api, quiz)["id"]
    q1 = questions_of(quiz)[0]
    Attempt.objects.filter(pk=attempt_id).update(deadline=timezone.now() - timedelta(seconds=10))
    assert put(api, attempt_id, q1.pk, factories.right_choice_ids(q1)).status_code == 200
    Attempt.objects.filter(pk=attempt_id).update(deadline=timezone.now() - timedelta(seconds=31))
    response = put(api, attempt_id, q1.pk, factories.wrong_choice_ids(q1))
    assert response.status_code == 409
    assert "Time is up" in response.json()["detail"]
    assert Answer.objects.get().choice_ids == factories.right_choice_ids(q1)


def answer_all(api, attempt_id, quiz, right=(True, True, False)):
    for question, is_right in zip(questions_of(quiz), right, strict=False):
        ids = (
            factories.right_choice_ids(question)
            if is_right
            else factories.wrong_choice_ids(question)
        )
        assert put(api, attempt_id, question.pk, ids).status_code == 200


def test_submit_is_stored_then_scored_after_commit_and_twice_is_harmless(
    api_as, member, quiz, django_capture_on_commit_callbacks
):
    api = api_as(member)
    attempt_id = start(api, quiz)["id"]
    answer_all(api, attempt_id, quiz)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = api.post(f"/api/v1/attempts/{attempt_id}/submit/")
        second = api.post(f"/api/v1/attempts/{attempt_id}/submit/")
    assert (first.status_code, first.json()) == (202, {"status": "submitted"})
    assert (second.status_code, second.json()) == (202, {"status": "submitted"})
    assert len(callbacks) == 1  # only the first submit enqueued scoring
    assert Attempt.objects.get(pk=attempt_id).status == "submitted"

    callbacks[0]()  # the commit happens; the (eager) task scores
    body = api.get(f"/api/v1/attempts/{attempt_id}/").json()
    assert (body["status"], body["score"], body["max_score"], body["band"]) == (
        "scored",
        2.0,
        3.0,
        {"label": "Mid", "message": "Mid message"},
    )
    assert body["passed"] is False  # 66.7% < the default pass mark of 70%


def test_running_the_scoring_task_again_changes_nothing(
    api_as, member, quiz, skill_factory, django_capture_on_commit_callbacks
):
    for question in questions_of(quiz):
        question.skills.add(skill_factory(slug="kpi-literacy"))
    api = api_as(member)
    attempt_id = start(api, quiz)["id"]
    answer_all(api, attempt_id, quiz)
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/attempts/{attempt_id}/submit/")
    before = Attempt.objects.values("score", "scored_at", "band_id", "status").get(pk=attempt_id)
    evidence = list(SkillEvidence.objects.values_list("pk", "outcome"))
    assert len(evidence) == 3
    with django_capture_on_commit_callbacks(execute=True):
        assert score_attempt_task.apply(args=(attempt_id,)).get() == 0
        assert assessments_services.attempt_score(attempt_id=attempt_id) is False
    assert (
        Attempt.objects.values("score", "scored_at", "band_id", "status").get(pk=attempt_id)
        == before
    )
    assert list(SkillEvidence.objects.values_list("pk", "outcome")) == evidence
    assert Notification.objects.filter(user=member, kind="quiz_result").count() == 1


def test_a_worker_dying_mid_scoring_leaves_it_submitted_for_the_retry(
    api_as, member, quiz, monkeypatch, django_capture_on_commit_callbacks
):
    api = api_as(member)
    attempt_id = start(api, quiz)["id"]
    answer_all(api, attempt_id, quiz)

    def die(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr(grading, "notify_many", die)  # the last write before commit
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        api.post(f"/api/v1/attempts/{attempt_id}/submit/")
    with pytest.raises(SystemExit):
        callbacks[0]()
    attempt = Attempt.objects.get(pk=attempt_id)
    assert (attempt.status, attempt.score) == ("submitted", None)
    assert not SkillEvidence.objects.exists()
    assert set(Answer.objects.values_list("credit", flat=True)) == {None}

    monkeypatch.undo()
    assert assessments_services.attempt_score(attempt_id=attempt_id) is True  # the retry
    assert Attempt.objects.get(pk=attempt_id).score == 2.0


def test_the_sweep_submits_expired_attempts_and_scores_stale_ones(
    api_as, member, lead, quiz_published, django_capture_on_commit_callbacks
):
    quiz = quiz_published(time_limit_minutes=1, grace_seconds=5)
    api = api_as(member)
    expired_id = start(api, quiz)["id"]
    q1 = questions_of(quiz)[0]
    put(api, expired_id, q1.pk, factories.right_choice_ids(q1))
    Attempt.objects.filter(pk=expired_id).update(deadline=timezone.now() - timedelta(seconds=6))

    other = factories.quiz_published()
    stale_id = start(api_as(lead), other)["id"]
    with django_capture_on_commit_callbacks(execute=False):  # the broker was down at submit
        api_as(lead).post(f"/api/v1/attempts/{stale_id}/submit/")
    Attempt.objects.filter(pk=stale_id).update(submitted_at=timezone.now() - timedelta(minutes=3))

    with django_capture_on_commit_callbacks(execute=True):
        result = assessments_services.attempts_sweep()
    assert result == {"auto_submitted": 1, "rescored": 1, "item_analysis": 0}
    expired = Attempt.objects.get(pk=expired_id)
    assert (expired.status, expired.auto_submitted, expired.score) == ("scored", True, 1.0)
    assert Attempt.objects.get(pk=stale_id).status == "scored"
    with django_capture_on_commit_callbacks(execute=True):
        assert assessments_services.attempts_sweep() == {
            "auto_submitted": 0,
            "rescored": 0,
            "item_analysis": 0,
        }


def test_a_broker_outage_at_submit_loses_nothing(
    api_as, member, quiz, settings, django_capture_on_commit_callbacks
):
    from config.celery import app

    api = api_as(member)
    attempt_id = start(api, quiz)["id"]
    answer_all(api, attempt_id, quiz)
    app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:1/0")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(f"/api/v1/attempts/{attempt_id}/submit/")
    finally:
        app.conf.update(task_always_eager=True, broker_url=settings.CELERY_BROKER_URL)
        broker_connections_reset()
    assert response.status_code == 202  # the request did not fail
    assert Attempt.objects.get(pk=attempt_id).status == "submitted"
    Attempt.objects.filter(pk=attempt_id).update(submitted_at=timezone.now() - timedelta(minutes=3))
    with django_capture_on_commit_callbacks(execute=True):
        assessments_services.attempts_sweep()
    assert Attempt.objects.get(pk=attempt_id).score == 2.0


def test_deleting_an_attempt_in_the_admin_deletes_its_answers_evidence(
    api_as, client, admin_user, member, quiz, skill_factory, django_capture_on_commit_callbacks
):
    skill = skill_factory(slug="kpi-literacy")
    for question in questions_of(quiz):
        question.skills.add(skill)
    api = api_as(member)
    attempt_id = start(api, quiz)["id"]
    answer_all(api, attempt_id, quiz)
    with django_capture_on_commit_callbacks(execute=True):
        api.post(f"/api/v1/attempts/{attempt_id}/submit/")
    assert SkillEvidence.objects.filter(user=member, source="answer").count() == 3
    client.force_login(admin_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/assessments/attempt/{attempt_id}/delete/", {"post": "yes"}, follow=True
        )
    assert response.status_code == 200
    assert not Attempt.objects.filter(pk=attempt_id).exists()
    assert not SkillEvidence.objects.filter(user=member).exists()
