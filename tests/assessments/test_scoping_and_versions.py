"""Who sees which attempt, versioning and follow-ups after scoring (item analysis:
``test_item_analysis.py``)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import services as assessments_services
from assessments.models import Question, QuizVersion
from assessments.selectors import candidate_invitation_url
from core.errors import Conflict, ValidationFailed
from courses import services as courses_services
from courses.models import Assignment, ModuleCompletion
from tests import factories

pytestmark = pytest.mark.django_db


def take(user, quiz, right, capture):
    """Start, answer (right[i] per question) and submit; returns the scored attempt."""
    attempt = assessments_services.attempt_start(quiz=quiz, user=user)
    for question, is_right in zip(
        Question.objects.filter(version=attempt.quiz_version).order_by("position"),
        right,
        strict=False,
    ):
        ids = (
            factories.right_choice_ids(question)
            if is_right
            else factories.wrong_choice_ids(question)
        )
        assessments_services.answer_save(attempt=attempt, question_id=question.pk, choice_ids=ids)
    with capture(execute=True):
        assessments_services.attempt_submit(attempt=attempt)
    attempt.refresh_from_db()
    return attempt


class TestScoping:
    def test_another_teams_lead_and_other_members_get_404(
        self, api_as, client, member, lead, outsider, team, quiz, django_capture_on_commit_callbacks
    ):
        attempt = take(member, quiz, [True], django_capture_on_commit_callbacks)
        teammate = factories.UserFactory.create()
        factories.MembershipFactory.create(user=teammate, team=team)
        for who in (outsider, teammate):
            assert api_as(who).get(f"/api/v1/attempts/{attempt.pk}/").status_code == 404
            client.force_login(who)
            assert client.get(f"/attempts/{attempt.pk}/result/").status_code == 404
        assert api_as(lead).get(f"/api/v1/attempts/{attempt.pk}/").status_code == 200
        client.force_login(lead)
        page = client.get(f"/attempts/{attempt.pk}/result/").content.decode()
        assert "correct answer" in page  # a lead sees the full review

    def test_only_the_taker_writes(self, api_as, member, lead, quiz):
        attempt = assessments_services.attempt_start(quiz=quiz, user=member)
        question = Question.objects.filter(version=attempt.quiz_version).first()
        lead_api = api_as(lead)
        assert (
            lead_api.put(
                f"/api/v1/attempts/{attempt.pk}/answers/{question.pk}/",
                {"choices": []},
                format="json",
            ).status_code
            == 404
        )
        assert lead_api.post(f"/api/v1/attempts/{attempt.pk}/submit/").status_code == 404
        attempt.refresh_from_db()
        assert attempt.status == "in_progress"

    @pytest.mark.parametrize("attempt_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
    def test_unknown_attempt_ids_are_404(self, api_as, member, attempt_id):
        assert api_as(member).get(f"/api/v1/attempts/{attempt_id}/").status_code == 404

    def test_a_candidate_sees_only_their_own_attempt(self, client, lead, quiz):
        expires = timezone.now() + timedelta(days=2)
        mine = assessments_services.candidate_invitation_create(
            invited_by=lead, email="a@example.test", quiz=quiz, expires_at=expires
        )
        theirs = assessments_services.candidate_invitation_create(
            invited_by=lead, email="b@example.test", quiz=quiz, expires_at=expires
        )
        their_attempt = assessments_services.attempt_start(quiz=quiz, invitation=theirs)
        my_url = candidate_invitation_url(mine)
        assert client.get(f"{my_url}attempts/{their_attempt.pk}/").status_code == 404
        assert client.get(f"{my_url}attempts/{their_attempt.pk}/result/").status_code == 404
        assert client.get(f"/attempts/{their_attempt.pk}/result/").status_code == 302  # login


class TestVersions:
    def test_editing_a_taken_quiz_makes_a_new_version_and_old_results_stay(
        self, member, quiz, django_capture_on_commit_callbacks
    ):
        old = take(member, quiz, [True, True, True], django_capture_on_commit_callbacks)
        v1 = quiz.versions.get()
        editable = assessments_services.quiz_version_for_editing(quiz=quiz)
        assert editable.number == 2
        assert editable.published_at is None
        assert editable.questions.count() == 3
        assert editable.bands.count() == 3
        first = editable.questions.order_by("position").first()
        first.choices.update(is_correct=False)  # change the key in the new version only
        first.choices.filter(position=2).update(is_correct=True)
        assessments_services.quiz_version_publish(version=editable)

        old.refresh_from_db()
        assert (old.quiz_version, old.score) == (v1, 3.0)
        assert v1.questions.first().choices.get(position=1).is_correct
        new = assessments_services.attempt_start(quiz=quiz, user=factories.UserFactory.create())
        assert new.quiz_version == editable

    def test_an_untaken_version_is_edited_in_place(self, quiz):
        assert assessments_services.quiz_version_for_editing(quiz=quiz) == quiz.versions.get()

    def test_publishing_checks_the_questions(self, quiz):
        draft = assessments_services.quiz_version_create(quiz=quiz)
        with pytest.raises(ValidationFailed, match="Add at least one question"):
            assessments_services.quiz_version_publish(version=draft)
        question = assessments_services.question_save(
            question=Question(version=draft, text="x", kind="true_false")
        )
        question.choices.create(text="True", is_correct=True)
        question.choices.create(text="False", is_correct=True)
        with pytest.raises(ValidationFailed, match="exactly one correct choice"):
            assessments_services.quiz_version_publish(version=draft)
        draft.refresh_from_db()
        assert draft.published_at is None

    def test_the_admin_can_not_change_a_taken_version(self, client, admin_user, member, quiz):
        assessments_services.attempt_start(quiz=quiz, user=member)
        version = quiz.versions.get()
        client.force_login(admin_user)
        page = client.get(f"/admin/assessments/quizversion/{version.pk}/change/")
        assert page.status_code == 200
        assert 'name="time_limit_minutes"' not in page.content.decode()
        client.post(
            f"/admin/assessments/quizversion/{version.pk}/change/", {"time_limit_minutes": 1}
        )
        version.refresh_from_db()
        assert version.time_limit_minutes is None
        edit_url = f"/admin/assessments/quiz/{quiz.pk}/edit-questions/"
        confirm = client.get(edit_url)  # a GET only asks
        assert "your edits go into a new version" in confirm.content.decode()
        assert QuizVersion.objects.filter(quiz=quiz).count() == 1
        response = client.post(edit_url)
        assert response.status_code == 302
        assert QuizVersion.objects.filter(quiz=quiz).count() == 2


class TestFollowUps:
    def test_passing_a_module_quiz_completes_the_module_and_its_assignment(
        self, member, module_with_lessons, django_capture_on_commit_callbacks
    ):
        module = module_with_lessons(lessons=2)
        quiz = factories.quiz_published(module=module, pass_percent=60)
        assignment, _ = courses_services.assignment_ensure(
            user=member, module=module, source="manual"
        )
        with pytest.raises(Conflict, match="Pass the module quiz"):
            courses_services.module_complete(user=member, module=module)
        attempt = take(member, quiz, [True, True, False], django_capture_on_commit_callbacks)
        assert attempt.passed
        assignment.refresh_from_db()
        assert assignment.status == "completed"
        assert ModuleCompletion.objects.filter(user=member, module=module).exists()

    def test_failing_a_module_quiz_assigns_the_module_again(
        self, member, module_with_lessons, django_capture_on_commit_callbacks
    ):
        module = module_with_lessons(lessons=1)
        quiz = factories.quiz_published(module=module)
        take(member, quiz, [False, True, False], django_capture_on_commit_callbacks)
        assignment = Assignment.objects.get(user=member, module=module)
        assert (assignment.source, assignment.status) == ("quiz_result", "open")
        assert "33%" in assignment.reason
        assert not ModuleCompletion.objects.exists()

    def test_the_follow_up_s_reason_is_in_the_learner_s_language_and_on_the_verdict_s_side(
        self, member, module_with_lessons, django_capture_on_commit_callbacks
    ):
        """2 of 3 is 66.67%: against a pass mark of 67% the reason said "was 67%; the pass
        mark is 67%", in the worker's language."""
        member.language = "pl"
        member.save(update_fields=["language"])
        module = module_with_lessons(lessons=1)
        quiz = factories.quiz_published(module=module, pass_percent=67)
        take(member, quiz, [True, True, False], django_capture_on_commit_callbacks)
        reason = Assignment.objects.get(user=member, module=module).reason
        assert reason == (
            f"Twój wynik w quizie „{quiz.title}” to 66,7%; próg zaliczenia wynosi 67%."
        )

    def test_passing_closes_a_quiz_assignment(
        self, member, quiz, django_capture_on_commit_callbacks
    ):
        assignment, _ = courses_services.assignment_ensure(
            user=member, quiz_id=quiz.pk, source="manual"
        )
        take(member, quiz, [True, True, True], django_capture_on_commit_callbacks)
        assignment.refresh_from_db()
        assert assignment.status == "completed"

    def test_failing_a_knowledge_check_assigns_modules_for_the_weak_skills(
        self, member, skill_factory, module_with_lessons, django_capture_on_commit_callbacks
    ):
        escalations, metrics = skill_factory(slug="escalations"), skill_factory(slug="kpi-literacy")
        teaches_escalations = module_with_lessons(title="Escalations")
        teaches_escalations.skills.add(escalations)
        teaches_metrics = module_with_lessons(title="Metrics")
        teaches_metrics.skills.add(metrics)
        quiz = factories.quiz_published()
        q1, q2, _q3 = Question.objects.filter(version__quiz=quiz).order_by("position")
        q1.skills.add(escalations)
        q2.skills.add(metrics)
        take(member, quiz, [False, True, False], django_capture_on_commit_callbacks)
        assert list(
            Assignment.objects.filter(user=member, source="quiz_result").values_list(
                "module__title", flat=True
            )
        ) == ["Escalations"]
