"""Regression tests for problems found in review: closing times, withdrawn links, hidden
scores, leads as candidates, stuck scoring, item analysis and invitation state."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import services as assessments_services
from assessments.models import (
    Answer,
    Attempt,
    CandidateInvitation,
    ItemStatistic,
    Question,
    QuizVersion,
)
from assessments.selectors import (
    candidate_invitation_url,
    candidate_invitations_for,
    invitation_state_from_annotations,
)
from core.errors import Conflict, ValidationFailed
from courses.models import Assignment
from tests import factories

pytestmark = pytest.mark.django_db
SOON = timezone.now() + timedelta(days=3)


def right(question):
    return factories.right_choice_ids(question)


class TestClosing:
    def test_no_start_or_answer_after_the_quiz_closes_and_the_sweep_submits(
        self, member, quiz_published, django_capture_on_commit_callbacks
    ):
        quiz = quiz_published()
        attempt = assessments_services.attempt_start(quiz=quiz, user=member)
        question = Question.objects.filter(version__quiz=quiz).first()
        assessments_services.answer_save(
            attempt=attempt, question_id=question.pk, choice_ids=right(question)
        )
        QuizVersion.objects.filter(quiz=quiz).update(
            closes_at=timezone.now() - timedelta(seconds=1)
        )
        with pytest.raises(Conflict, match="Time is up"):
            assessments_services.answer_save(
                attempt=attempt, question_id=question.pk, choice_ids=[]
            )
        with pytest.raises(Conflict, match="closed"):
            assessments_services.attempt_start(quiz=quiz, user=factories.UserFactory.create())
        with django_capture_on_commit_callbacks(execute=True):
            assessments_services.attempts_sweep()
        attempt.refresh_from_db()
        assert (attempt.status, attempt.auto_submitted, attempt.score) == ("scored", True, 1.0)

    def test_after_close_needs_a_closing_time_to_publish(self, quiz):
        draft = assessments_services.quiz_version_for_editing(quiz=quiz)
        QuizVersion.objects.filter(pk=draft.pk).update(review_when="after_close")
        draft.refresh_from_db()
        with pytest.raises(ValidationFailed, match="needs a closing time"):
            assessments_services.quiz_version_publish(version=draft)


class TestHiddenScores:
    def test_best_percent_and_the_follow_up_reason_respect_the_policy(
        self, api_as, member, module_with_lessons, django_capture_on_commit_callbacks
    ):
        module = module_with_lessons(lessons=0)
        quiz = factories.quiz_published(module=module, review_when="never")
        attempt = assessments_services.attempt_start(quiz=quiz, user=member)
        with django_capture_on_commit_callbacks(execute=True):
            assessments_services.attempt_submit(attempt=attempt)
        [item] = api_as(member).get("/api/v1/quizzes/").json()["results"]
        assert item["best_percent"] is None
        reason = Assignment.objects.get(user=member, source="quiz_result").reason
        assert "%" not in reason
        assert reason == f"Review this before trying “{quiz.title}” again."


class TestCandidates:
    @pytest.mark.parametrize("who", ["lead", "outsider", "admin_user"])
    def test_leads_and_admins_can_not_be_candidates(self, request, lead, quiz, who):
        email = request.getfixturevalue(who).email
        with pytest.raises(ValidationFailed) as error:
            assessments_services.candidate_invitation_create(
                invited_by=lead, email=email.upper(), quiz=quiz, expires_at=SOON
            )
        assert error.value.field_errors["email"] == [
            "Leads and admins can't be invited as candidates."
        ]
        assert not CandidateInvitation.objects.exists()

    def test_a_withdrawn_link_stops_at_once_even_mid_attempt(self, client, lead, quiz):
        invitation = assessments_services.candidate_invitation_create(
            invited_by=lead, email="c@example.test", quiz=quiz, expires_at=SOON
        )
        url = candidate_invitation_url(invitation)
        attempt_url = client.post(url).url
        question = Question.objects.filter(version__quiz=quiz).first()
        assessments_services.candidate_invitation_revoke(invitation=invitation)
        for response in [
            client.get(attempt_url),
            client.post(
                f"{attempt_url}answers/{question.pk}/",
                {f"q{question.pk}": right(question)[0]},
                HTTP_HX_REQUEST="true",
            ),
            client.get(f"{attempt_url}review/"),
            client.post(f"{attempt_url}submit/"),
            client.get(f"{attempt_url}result/"),
        ]:
            assert response.status_code == 410
            assert "withdrawn" in response.content.decode()
        assert not Answer.objects.exists()
        assert Attempt.objects.get().status == "in_progress"

    def test_an_expired_link_refuses_answers_but_shows_a_finished_result(
        self, client, lead, quiz, django_capture_on_commit_callbacks
    ):
        invitation = assessments_services.candidate_invitation_create(
            invited_by=lead, email="c@example.test", quiz=quiz, expires_at=SOON
        )
        attempt_url = client.post(candidate_invitation_url(invitation)).url
        with django_capture_on_commit_callbacks(execute=True):
            client.post(f"{attempt_url}submit/")
        CandidateInvitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
        assert client.get(attempt_url).status_code == 410
        assert client.get(f"{attempt_url}result/").status_code == 200

    def test_a_service_refuses_answers_on_a_withdrawn_invitation(self, lead, quiz):
        invitation = assessments_services.candidate_invitation_create(
            invited_by=lead, email="c@example.test", quiz=quiz, expires_at=SOON
        )
        attempt = assessments_services.attempt_start(quiz=quiz, invitation=invitation)
        assessments_services.candidate_invitation_revoke(invitation=invitation)
        question = Question.objects.filter(version__quiz=quiz).first()
        with pytest.raises(Conflict):
            assessments_services.answer_save(
                attempt=attempt, question_id=question.pk, choice_ids=right(question)
            )

    def test_starting_an_unpublished_quiz_from_a_link_is_a_clear_page(self, client, lead, quiz):
        invitation = assessments_services.candidate_invitation_create(
            invited_by=lead, email="c@example.test", quiz=quiz, expires_at=SOON
        )
        quiz.is_published = False
        quiz.save()
        response = client.post(candidate_invitation_url(invitation))
        assert response.status_code == 410
        assert "not available any more" in response.content.decode()

    def test_the_state_is_pending_while_attempts_remain(
        self, lead, quiz_published, django_capture_on_commit_callbacks
    ):
        quiz = quiz_published(attempts_allowed=2)
        invitation = assessments_services.candidate_invitation_create(
            invited_by=lead, email="c@example.test", quiz=quiz, expires_at=SOON
        )
        attempt = assessments_services.attempt_start(quiz=quiz, invitation=invitation)
        with django_capture_on_commit_callbacks(execute=True):
            assessments_services.attempt_submit(attempt=attempt)
        [listed] = candidate_invitations_for(user=lead)
        assert invitation_state_from_annotations(listed) == "pending"
        second = assessments_services.attempt_start(quiz=quiz, invitation=invitation)
        with django_capture_on_commit_callbacks(execute=True):
            assessments_services.attempt_submit(attempt=second)
        [listed] = candidate_invitations_for(user=lead)
        assert invitation_state_from_annotations(listed) == "completed"


def test_scoring_completes_when_the_modules_quiz_module_was_unpublished(
    member, module_with_lessons, django_capture_on_commit_callbacks
):
    module = module_with_lessons(lessons=0)
    quiz = factories.quiz_published(module=module, pass_percent=0)
    module.is_published = False
    module.save()
    attempt = assessments_services.attempt_start(quiz=quiz, user=member)
    with django_capture_on_commit_callbacks(execute=True):
        assessments_services.attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    assert attempt.status == "scored"


def test_item_analysis_catches_up_after_a_burst_of_attempts(
    quiz, django_capture_on_commit_callbacks
):
    for _ in range(12):  # all within the one-minute debounce
        attempt = assessments_services.attempt_start(quiz=quiz, user=factories.UserFactory.create())
        with django_capture_on_commit_callbacks(execute=True):
            assessments_services.attempt_submit(attempt=attempt)
    assert not ItemStatistic.objects.exists() or ItemStatistic.objects.first().attempts < 12
    with django_capture_on_commit_callbacks(execute=True):
        result = assessments_services.attempts_sweep()
    assert result["item_analysis"] == 1
    assert set(ItemStatistic.objects.values_list("attempts", flat=True)) == {12}
    with django_capture_on_commit_callbacks(execute=True):
        assert assessments_services.attempts_sweep()["item_analysis"] == 0
