"""Candidate invitations (API and pages) and the quiz pages, with and without htmx."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from assessments import services as assessments_services
from assessments.models import Answer, Attempt, CandidateInvitation, Question
from assessments.selectors import candidate_invitation_url
from tests import factories

pytestmark = pytest.mark.django_db

SOON = timezone.now() + timedelta(days=3)


def test_a_lead_invites_a_candidate_through_the_api(
    api_as, lead, team, quiz, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(lead).post(
            "/api/v1/invitations/",
            {"email": "Cand@Example.test", "quiz": quiz.pk, "expires_at": SOON.isoformat()},
            format="json",
        )
    assert response.status_code == 201
    body = response.json()
    invitation = CandidateInvitation.objects.get()
    assert body["id"] == str(invitation.pk)
    assert body["url"] == f"http://testserver{candidate_invitation_url(invitation)}"
    assert (invitation.email, invitation.team, invitation.invited_by) == (
        "cand@example.test",
        team,
        lead,
    )
    assert len(mail.outbox) == 1
    assert body["url"] in mail.outbox[0].body


def test_the_invitation_email_names_the_zone_of_its_expiry(
    api_as, lead, team, quiz, django_capture_on_commit_callbacks
):
    lead.time_zone = "Europe/Warsaw"
    lead.save(update_fields=["time_zone"])
    with django_capture_on_commit_callbacks(execute=True):
        api_as(lead).post(
            "/api/v1/invitations/",
            {"email": "cand@example.test", "quiz": quiz.pk, "expires_at": SOON.isoformat()},
            format="json",
        )
    (message,) = mail.outbox
    # the lead's zone, in which "the end of that day" was meant: CET in winter, CEST in summer
    assert re.search(r"Link valid until: .+ \(CES?T\)", message.body), message.body
    assert re.search(r"Link valid until: .+ \(CES?T\)", str(message.alternatives[0][0]))


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "nope", "quiz": "Q", "expires_at": "F"}, "email"),
        ({"email": "a@example.test", "quiz": 999999, "expires_at": "F"}, "quiz"),
        (
            {"email": "a@example.test", "quiz": "Q", "expires_at": "2001-01-01T00:00:00Z"},
            "expires_at",
        ),
        ({"email": "a@example.test", "quiz": "Q"}, "expires_at"),
    ],
    ids=["bad-email", "unknown-quiz", "past-expiry", "no-expiry"],
)
def test_bad_invitations_are_400_with_the_field(api_as, lead, quiz, payload, field):
    payload = {
        k: (quiz.pk if v == "Q" else SOON.isoformat() if v == "F" else v)
        for k, v in payload.items()
    }
    response = api_as(lead).post("/api/v1/invitations/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not CandidateInvitation.objects.exists()


def test_members_and_other_leads_can_not_invite_or_see_invitations(
    api_as, lead, member, outsider, quiz
):
    invitation = assessments_services.candidate_invitation_create(
        invited_by=lead, email="c@example.test", quiz=quiz, expires_at=SOON
    )
    response = api_as(member).post(
        "/api/v1/invitations/",
        {"email": "x@example.test", "quiz": quiz.pk, "expires_at": SOON.isoformat()},
        format="json",
    )
    assert response.status_code == 400  # a member leads no team
    assert api_as(outsider).get(f"/api/v1/invitations/{invitation.pk}/").status_code == 404
    assert api_as(outsider).get("/api/v1/invitations/").json()["count"] == 0
    assert api_as(outsider).delete(f"/api/v1/invitations/{invitation.pk}/").status_code == 404
    assert api_as(lead).get("/api/v1/invitations/").json()["count"] == 1
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_a_candidate_takes_the_quiz_and_the_lead_sees_the_result(
    client, lead, quiz_published, django_capture_on_commit_callbacks
):
    quiz = quiz_published(attempts_allowed=1)
    invitation = assessments_services.candidate_invitation_create(
        invited_by=lead, email="c@example.test", quiz=quiz, expires_at=SOON
    )
    url = candidate_invitation_url(invitation)
    intro = client.get(url).content.decode()
    assert "3 questions" in intro
    attempt_url = client.post(url).url
    assert re.fullmatch(rf"{re.escape(url)}attempts/[0-9a-f-]{{36}}/", attempt_url)
    questions = list(Question.objects.filter(version__quiz=quiz).order_by("position"))
    form = {f"q{q.pk}": factories.right_choice_ids(q)[0] for q in questions}
    assert client.post(attempt_url, {**form, "review": "1"}).url == f"{attempt_url}review/"
    assert "Every question has an answer." in client.get(f"{attempt_url}review/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{attempt_url}submit/").url == f"{attempt_url}result/"
    result = client.get(f"{attempt_url}result/").content.decode()
    assert "High" in result
    assert "High message" in result
    assert "Q1 A is right because of reason 1." in result
    # coming back to the link shows the result, not a new attempt
    assert client.get(url).url == f"{attempt_url}result/"
    assert Attempt.objects.filter(invitation=invitation).count() == 1

    client.force_login(lead)
    page = client.get(f"/candidates/{invitation.pk}/").content.decode()
    assert '3 <span class="muted">/ 3</span>' in page
    assert "Q2 A is right because of reason 2." in page


@pytest.mark.parametrize("state", ["expired", "revoked"])
def test_expired_and_withdrawn_links_get_a_clear_page(client, lead, quiz, state):
    invitation = assessments_services.candidate_invitation_create(
        invited_by=lead, email="c@example.test", quiz=quiz, expires_at=SOON
    )
    if state == "expired":
        CandidateInvitation.objects.filter(pk=invitation.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
    else:
        assessments_services.candidate_invitation_revoke(invitation=invitation)
    response = client.get(candidate_invitation_url(invitation))
    assert response.status_code == 410
    assert ("expired" if state == "expired" else "withdrawn") in response.content.decode()
    assert client.post(candidate_invitation_url(invitation)).status_code == 410
    assert not Attempt.objects.exists()


def test_a_used_up_link_shows_the_result_page(
    client, lead, quiz_published, django_capture_on_commit_callbacks
):
    quiz = quiz_published(attempts_allowed=1, review_when="never")
    invitation = assessments_services.candidate_invitation_create(
        invited_by=lead, email="c@example.test", quiz=quiz, expires_at=SOON
    )
    attempt = assessments_services.attempt_start(quiz=quiz, invitation=invitation)
    with django_capture_on_commit_callbacks(execute=True):
        assessments_services.attempt_submit(attempt=attempt)
    response = client.get(candidate_invitation_url(invitation), follow=True)
    page = response.content.decode()
    assert "Your answers are submitted" in page
    assert "The results are not shown yet" in page
    assert client.post(candidate_invitation_url(invitation)).status_code == 302
    assert Attempt.objects.count() == 1


def test_a_tampered_link_is_404(client, db):
    assert client.get("/c/not-a-real-token/").status_code == 404


def test_the_lead_pages_invite_and_withdraw(client, lead, team, quiz, outsider):
    client.force_login(lead)
    response = client.post(
        f"/teams/{team.pk}/candidates/",
        {
            "email": "cand@example.test",
            "name": "Cas",
            "quiz": quiz.pk,
            "expires": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
    )
    invitation = CandidateInvitation.objects.get()
    assert response.url == f"/candidates/{invitation.pk}/"
    assert "Cas" in client.get(f"/teams/{team.pk}/candidates/").content.decode()
    assert (
        "Withdraw this invitation?"
        in client.get(f"/candidates/{invitation.pk}/revoke/").content.decode()
    )
    client.post(f"/candidates/{invitation.pk}/revoke/")
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None

    client.force_login(outsider)
    assert client.get(f"/teams/{team.pk}/candidates/").status_code == 404
    assert client.get(f"/candidates/{invitation.pk}/").status_code == 404
    assert client.get(f"/teams/{team.pk}/results/").status_code == 404


def test_a_past_expiry_on_the_page_is_a_form_error(client, lead, team, quiz):
    client.force_login(lead)
    response = client.post(
        f"/teams/{team.pk}/candidates/",
        {"email": "c@example.test", "quiz": quiz.pk, "expires": "2001-01-01"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["expires"] == ["The expiry must be in the future."]


class TestLearnerPages:
    def test_starting_from_the_intro_page_and_resuming(self, client, member, quiz):
        client.force_login(member)
        assert "3 questions" in client.get(f"/quizzes/{quiz.slug}/").content.decode()
        first = client.post(f"/quizzes/{quiz.slug}/")
        again = client.post(f"/quizzes/{quiz.slug}/")
        assert first.url == again.url
        assert (
            "Continue where you left off" in client.get(f"/quizzes/{quiz.slug}/").content.decode()
        )

    def test_htmx_autosave_answers_with_a_status_fragment(self, client, member, quiz):
        client.force_login(member)
        attempt_url = client.post(f"/quizzes/{quiz.slug}/").url
        question = Question.objects.filter(version__quiz=quiz).order_by("position").first()
        response = client.post(
            f"{attempt_url}answers/{question.pk}/",
            {f"q{question.pk}": factories.right_choice_ids(question)[0]},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert "Saved at" in response.content.decode()
        bad = client.post(
            f"{attempt_url}answers/{question.pk}/", {f"q{question.pk}": "x"}, HTTP_HX_REQUEST="true"
        )
        assert bad.status_code == 400
        assert "not one of the choices" in bad.content.decode()
        assert Answer.objects.get().choice_ids == factories.right_choice_ids(question)

    def test_without_javascript_the_save_button_saves_and_an_answer_can_be_cleared(
        self, client, member, quiz_published
    ):
        quiz = quiz_published(
            questions=[
                {
                    "kind": "multiple",
                    "choices": [("a", True, "x"), ("b", True, "y"), ("c", False, "z")],
                }
            ]
        )
        client.force_login(member)
        attempt_url = client.post(f"/quizzes/{quiz.slug}/").url
        question = Question.objects.get(version__quiz=quiz)
        ids = [c.pk for c in question.choices.order_by("position")]
        client.post(attempt_url, {f"q{question.pk}": ids[:2], "save": "1"})
        assert Answer.objects.get().choice_ids == sorted(ids[:2])
        page = client.get(attempt_url).content.decode()
        assert "1 of 1 answered" in page
        client.post(attempt_url, {"save": "1"})
        assert Answer.objects.get().choice_ids == []

    def test_after_time_is_up_the_page_says_so_and_saves_nothing(
        self, client, member, quiz_published
    ):
        quiz = quiz_published(time_limit_minutes=1, grace_seconds=0)
        client.force_login(member)
        attempt_url = client.post(f"/quizzes/{quiz.slug}/").url
        Attempt.objects.update(deadline=timezone.now() - timedelta(seconds=5))
        question = Question.objects.filter(version__quiz=quiz).first()
        page = client.get(attempt_url).content.decode()
        assert "Time is up" in page
        client.post(
            attempt_url, {f"q{question.pk}": factories.right_choice_ids(question)[0], "save": "1"}
        )
        assert not Answer.objects.exists()

    def test_the_result_page_waits_while_scoring(
        self, client, member, quiz, django_capture_on_commit_callbacks
    ):
        client.force_login(member)
        attempt_url = client.post(f"/quizzes/{quiz.slug}/").url
        with django_capture_on_commit_callbacks(execute=False):
            client.post(f"{attempt_url}submit/")
        page = client.get(f"{attempt_url}result/").content.decode()
        assert "We are scoring them now" in page
        assert 'http-equiv="refresh"' in page
        polling = client.get(f"{attempt_url}result/", HTTP_HX_REQUEST="true")
        assert polling.status_code == 200
        assessments_services.attempt_score(attempt_id=attempt_url.split("/")[2])
        done = client.get(f"{attempt_url}result/", HTTP_HX_REQUEST="true")
        assert (done.status_code, done["HX-Refresh"]) == (204, "true")

    def test_quiz_assignments_link_to_the_quiz_from_my_training(self, client, member, quiz):
        from courses import services as courses_services

        courses_services.assignment_ensure(user=member, quiz_id=quiz.pk, source="manual")
        client.force_login(member)
        assert f'href="/quizzes/{quiz.slug}/"' in client.get("/training/").content.decode()
