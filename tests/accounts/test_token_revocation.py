"""API tokens die with the proof behind them: a new password (changed on the page, reset by
email, set by an admin) or a deactivated account revokes every token of that user, and only
theirs. Tokens made afterwards work."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from accounts import services
from accounts.models import ApiToken, Membership, User

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
TOKEN_URL = "/api/v1/auth/token/"
NEW_PASSWORD = "a-new-secret-77"
NOTICE = "Changing your password signs out your API tokens"


def change_password_on_the_page(client: Client, user: User, admin: User, password: str) -> None:
    client.force_login(user)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.context["form"].errors


def reset_password_by_email(client: Client, user: User, admin: User, password: str) -> None:
    client.post("/accounts/password/reset/", {"email": user.email})
    match = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[-1].body)
    assert match, mail.outbox[-1].body
    form_url = client.get(match.group(1))["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302, response.context["form"].errors


def set_password_in_the_admin(client: Client, user: User, admin: User, password: str) -> None:
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.context["form"].errors


def change_password_with_the_command(
    client: Client, user: User, admin: User, password: str
) -> None:
    with mock.patch("getpass.getpass", return_value=NEW_PASSWORD):  # what the operator types
        call_command("changepassword", user.email.upper(), stdout=io.StringIO())


def admin_user_form(user: User, **changes: Any) -> dict[str, Any]:
    """What the admin's change form posts for ``user`` (membership rows left as they are)."""
    data = {
        "email": user.email,
        "name": user.name,
        "time_zone": user.time_zone,
        "language": user.language,
        "email_notifications": "on" if user.email_notifications else "",
        "is_active": "on" if user.is_active else "",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
        "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        # the single sign-on links (read-only rows)
        "external_identities-TOTAL_FORMS": "0",
        "external_identities-INITIAL_FORMS": "0",
        "external_identities-MIN_NUM_FORMS": "0",
        "external_identities-MAX_NUM_FORMS": "1000",
        **changes,
    }
    return {key: value for key, value in data.items() if value != ""}


def save_in_the_admin(client: Client, admin: User, user: User, **changes: Any) -> None:
    client.force_login(admin)
    response = client.post(
        f"/admin/accounts/user/{user.pk}/change/", admin_user_form(user, **changes)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors


def what_else_the_user_has(user: User) -> dict[str, Any]:
    user.refresh_from_db()
    return {
        "email": user.email,
        "name": user.name,
        "time_zone": user.time_zone,
        "language": user.language,
        "is_staff": user.is_staff,
        "memberships": list(
            Membership.objects.filter(user=user).values_list("team_id", "role").order_by("team_id")
        ),
    }


PasswordEvent = Callable[[Client, User, User, str], None]


@pytest.mark.parametrize(
    "event",
    [
        change_password_on_the_page,
        reset_password_by_email,
        set_password_in_the_admin,
        change_password_with_the_command,
    ],
    ids=["password-change-page", "password-reset", "admin-sets-password", "changepassword"],
)
def test_a_new_password_revokes_every_token_of_that_user_and_only_theirs(
    client, api_client, api_as, member, lead, admin_user, password, event: PasswordEvent
):
    # given two tokens of the member and one of somebody else
    first, second, others = api_as(member), api_as(member), api_as(lead)
    assert first.get(ME).status_code == second.get(ME).status_code == 200
    before = what_else_the_user_has(member)

    # when the member's password changes
    event(client, member, admin_user, password)

    # then both old tokens are refused, and recorded as revoked
    for old in (first, second):
        response = old.get(ME)
        assert response.status_code == 401
        assert response.json()["detail"] == "Invalid or revoked token."
    assert ApiToken.objects.filter(user=member, revoked_at__isnull=True).count() == 0
    # and somebody else's token and the rest of the member's account are untouched
    assert others.get(ME).status_code == 200
    assert what_else_the_user_has(member) == before
    # and a token made with the new password works
    response = api_client.post(
        TOKEN_URL, {"email": member.email, "password": NEW_PASSWORD}, format="json"
    )
    assert response.status_code == 201
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api_client.get(ME).json()["email"] == member.email


def test_an_admin_disabling_the_password_revokes_the_tokens_too(client, api_as, member, admin_user):
    old = api_as(member)
    client.force_login(admin_user)
    response = client.post(
        f"/admin/accounts/user/{member.pk}/password/",
        {"usable_password": "false", "unset-password": "1"},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.has_usable_password()
    assert old.get(ME).status_code == 401


def test_deactivating_revokes_the_tokens_and_reactivating_does_not_bring_them_back(
    client, api_as, member, lead, admin_user
):
    # given a token of the member and one of somebody else
    old, others = api_as(member), api_as(lead)
    before = what_else_the_user_has(member)

    # when an admin deactivates the member
    save_in_the_admin(client, admin_user, member, is_active="")

    # then the token is refused and recorded as revoked
    assert old.get(ME).status_code == 401
    assert ApiToken.objects.get(user=member).revoked_at is not None

    # and when the member is active again, the old token stays dead
    member.refresh_from_db()
    save_in_the_admin(client, admin_user, member, is_active="on")
    assert old.get(ME).status_code == 401
    # while somebody else's token, the rest of the account and a new token work
    assert others.get(ME).status_code == 200
    assert what_else_the_user_has(member) == before
    assert api_as(member).get(ME).status_code == 200


def test_saving_an_active_user_in_the_admin_keeps_their_tokens(client, api_as, member, admin_user):
    old = api_as(member)
    save_in_the_admin(client, admin_user, member, name="Aiko Renamed")
    assert old.get(ME).status_code == 200


def test_a_refused_password_change_revokes_nothing(client, api_as, member):
    old = api_as(member)
    client.force_login(member)
    response = client.post(
        "/accounts/password/change/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert old.get(ME).status_code == 200


def test_the_service_revokes_only_active_tokens_of_that_user_and_is_idempotent(member, lead):
    active, _key = services.api_token_create(user=member, name="active")
    earlier, _key = services.api_token_create(user=member, name="revoked earlier")
    services.api_token_revoke(token=earlier)
    earlier.refresh_from_db()
    others, _key = services.api_token_create(user=lead)

    assert services.api_tokens_revoke_all(user=member, reason="password_changed") == 1
    assert services.api_tokens_revoke_all(user=member, reason="password_changed") == 0

    active.refresh_from_db()
    assert active.revoked_at is not None
    assert ApiToken.objects.get(pk=earlier.pk).revoked_at == earlier.revoked_at
    assert ApiToken.objects.get(pk=others.pk).revoked_at is None


def test_the_password_pages_say_that_tokens_are_signed_out(client, member, password):
    client.force_login(member)
    assert NOTICE in client.get("/accounts/password/change/").content.decode()
    client.post(
        "/accounts/password/change/",
        {
            "old_password": password,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
    )
    done = client.get("/accounts/password/change/done/").content.decode()
    assert "Any API tokens you had were signed out" in done

    client.logout()
    client.post("/accounts/password/reset/", {"email": member.email})
    match = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[-1].body)
    assert match
    response = client.get(match.group(1), follow=True)
    assert NOTICE in response.content.decode()
    complete = client.get("/accounts/password/reset/complete/").content.decode()
    assert "Any API tokens you had were signed out" in complete


@pytest.mark.parametrize(
    ("typed", "error"),
    [
        (["a-new-secret-77", "something-else-88"] * 3, "after 3 attempts"),
        (["short", "short"] * 3, "after 3 attempts"),
        ([""], "aborted"),
    ],
    ids=["mismatch", "too-short", "empty"],
)
def test_changepassword_that_gives_up_changes_nothing(api_as, member, password, typed, error):
    token = api_as(member)
    with (
        mock.patch("getpass.getpass", side_effect=typed),
        pytest.raises(CommandError, match=error),
    ):
        call_command("changepassword", member.email, stdout=io.StringIO(), stderr=io.StringIO())
    member.refresh_from_db()
    assert member.check_password(password)
    assert token.get(ME).status_code == 200


def test_changepassword_names_an_unknown_user(db):
    with pytest.raises(CommandError, match=re.escape("user 'nobody@example.test' does not exist")):
        call_command("changepassword", "nobody@example.test")
