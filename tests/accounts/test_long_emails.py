"""Email addresses longer than the column (254 characters) are a field error at every entry
point, never a 500: Django's validator allows up to 320, and PostgreSQL refuses to store more
than 254 in a varchar(254) ("value too long"). SQLite stores anything, so there the same field
error proves the check happens before the write."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.validators import validate_email

from accounts import services
from accounts.models import ApiToken, Invitation, User
from assessments.models import CandidateInvitation
from core.errors import ValidationFailed

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

TOO_LONG = "Enter an email address of at most 254 characters."
TOO_LONG_LENGTHS = pytest.mark.parametrize("length", [255, 320], ids=["255", "320"])


def long_email(length: int) -> str:
    """A valid address of exactly ``length`` characters (64-character local part)."""
    local = "n" * 64
    labels_length = length - len(local) - len("@") - len(".test")
    labels = [
        "d" * min(63, labels_length - start) for start in range(0, labels_length, 64)
    ]  # 63 letters and a dot per label
    email = f"{local}@{'.'.join(labels)}.test"
    assert len(email) == length
    validate_email(email)
    return email


def test_the_limit_is_the_size_of_every_email_column():
    columns = {
        model._meta.get_field("email").max_length
        for model in (User, Invitation, CandidateInvitation)
    }
    assert columns == {254}


@TOO_LONG_LENGTHS
def test_the_team_page_refuses_a_too_long_new_hire_email(client, lead, team, length):
    client.force_login(lead)
    response = client.post(f"/teams/{team.pk}/", {"email": long_email(length), "name": "Nia"})
    assert response.status_code == 200
    assert response.context["form"].errors == {"email": [TOO_LONG]}
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_the_team_page_accepts_an_email_of_exactly_254_characters(
    client, lead, team, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    email = long_email(254)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/teams/{team.pk}/", {"email": email})
    assert response.status_code == 302
    assert Invitation.objects.get().email == email
    assert mail.outbox[0].to == [email]


@TOO_LONG_LENGTHS
def test_the_invitation_service_refuses_a_too_long_email(lead, team, length):
    with pytest.raises(ValidationFailed) as refused:
        services.invitation_create(invited_by=lead, team=team, email=long_email(length))
    assert refused.value.field_errors == {"email": [TOO_LONG]}
    assert not Invitation.objects.exists()


@TOO_LONG_LENGTHS
def test_user_create_refuses_a_too_long_email(db, length):
    with pytest.raises(ValidationFailed) as refused:
        services.user_create(email=long_email(length), name="Long")
    assert refused.value.field_errors == {"email": [TOO_LONG]}
    assert not User.objects.exists()


def test_an_address_beyond_what_any_validator_allows_is_too_long_not_a_crash(lead, team):
    with pytest.raises(ValidationFailed) as refused:
        services.invitation_create(invited_by=lead, team=team, email="a" * 400 + "@example.test")
    assert refused.value.field_errors == {"email": [TOO_LONG]}


@TOO_LONG_LENGTHS
def test_a_too_long_email_at_login_is_the_usual_failed_login(client, member, password, length):
    response = client.post("/accounts/login/", {"email": long_email(length), "password": password})
    assert response.status_code == 200
    assert response.context["form"].errors == {"__all__": ["The email or password is not correct."]}
    assert not response.context["user"].is_authenticated


@TOO_LONG_LENGTHS
def test_a_too_long_email_at_the_token_api_is_a_field_error(api_client, member, password, length):
    response = api_client.post(
        "/api/v1/auth/token/",
        {"email": long_email(length), "password": password},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"] == {
        "email": ["Ensure this field has no more than 254 characters."]
    }
    assert not ApiToken.objects.exists()


@TOO_LONG_LENGTHS
def test_a_too_long_email_for_a_password_reset_is_a_field_error(client, db, length):
    response = client.post("/accounts/password/reset/", {"email": long_email(length)})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["email"]
    assert mail.outbox == []


@TOO_LONG_LENGTHS
def test_the_admin_refuses_a_too_long_email_for_a_new_user(client, admin_user, length):
    client.force_login(admin_user)
    response = client.post(
        "/admin/accounts/user/add/",
        {
            "email": long_email(length),
            "name": "Long",
            "password1": "a-new-secret-77",
            "password2": "a-new-secret-77",
        },
    )
    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["email"]
    assert User.objects.count() == 1


@TOO_LONG_LENGTHS
def test_the_profile_has_no_email_to_change(client, api_as, member, length):
    email = member.email
    response = api_as(member).patch("/api/v1/me/", {"email": long_email(length)}, format="json")
    assert response.status_code == 200
    client.force_login(member)
    response = client.post(
        "/accounts/profile/",
        {"name": member.name, "time_zone": "UTC", "language": "en", "email": long_email(length)},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.email == email
