"""A candidate's email longer than the column (254 characters) is a field error on the API, the
page and in the service, never a 500 (PostgreSQL refuses to store it; see
tests/accounts/test_long_emails.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.validators import validate_email
from django.utils import timezone

from assessments import services
from assessments.models import CandidateInvitation
from core.errors import ValidationFailed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TOO_LONG = "Enter an email address of at most 254 characters."
TOO_LONG_LENGTHS = pytest.mark.parametrize("length", [255, 320], ids=["255", "320"])
SOON = timezone.now() + timedelta(days=3)


def long_email(length: int) -> str:
    """A valid address of exactly ``length`` characters (64-character local part)."""
    local = "c" * 64
    labels_length = length - len(local) - len("@") - len(".test")
    labels = ["d" * min(63, labels_length - start) for start in range(0, labels_length, 64)]
    email = f"{local}@{'.'.join(labels)}.test"
    assert len(email) == length
    validate_email(email)
    return email


@TOO_LONG_LENGTHS
def test_the_api_refuses_a_too_long_candidate_email(api_as, lead, team, quiz, length):
    response = api_as(lead).post(
        "/api/v1/invitations/",
        {"email": long_email(length), "quiz": quiz.pk, "expires_at": SOON.isoformat()},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {"email": [TOO_LONG]}
    assert not CandidateInvitation.objects.exists()
    assert mail.outbox == []


def test_the_api_accepts_a_candidate_email_of_exactly_254_characters(
    api_as, lead, team, quiz, django_capture_on_commit_callbacks
):
    email = long_email(254)
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(lead).post(
            "/api/v1/invitations/",
            {"email": email, "quiz": quiz.pk, "expires_at": SOON.isoformat()},
            format="json",
        )
    assert response.status_code == 201
    assert response.json()["email"] == email
    assert mail.outbox[0].to == [email]


@TOO_LONG_LENGTHS
def test_the_page_refuses_a_too_long_candidate_email(client, lead, team, quiz, length):
    client.force_login(lead)
    response = client.post(
        f"/teams/{team.pk}/candidates/",
        {
            "email": long_email(length),
            "quiz": quiz.pk,
            "expires": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": [TOO_LONG]}
    assert not CandidateInvitation.objects.exists()


@TOO_LONG_LENGTHS
def test_the_service_refuses_a_too_long_candidate_email(lead, team, quiz, length):
    with pytest.raises(ValidationFailed) as refused:
        services.candidate_invitation_create(
            invited_by=lead, email=long_email(length), quiz=quiz, expires_at=SOON, team=team
        )
    assert refused.value.field_errors == {"email": [TOO_LONG]}
    assert not CandidateInvitation.objects.exists()


def test_the_service_names_every_problem_at_once(lead, team, quiz):
    with pytest.raises(ValidationFailed) as refused:
        services.candidate_invitation_create(
            invited_by=lead,
            email="a" * 400 + "@example.test",
            quiz=quiz,
            expires_at=timezone.now() - timedelta(days=1),
            team=team,
        )
    assert refused.value.field_errors == {
        "email": [TOO_LONG],
        "expires_at": ["The expiry must be in the future."],
    }
