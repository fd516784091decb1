"""New-hire invitations: a lead invites, the new hire sets a password once, before expiry."""

import re
from datetime import timedelta

import pytest
from django.core import mail, signing
from django.utils import timezone

from accounts.models import Invitation, Membership, User
from accounts.selectors import INVITATION_SALT, invitation_from_token, invitation_token
from accounts.services import invitation_send, invitations_send_pending

pytestmark = pytest.mark.django_db


def invite_url(invitation) -> str:
    return f"/invite/{invitation_token(invitation)}/"


def test_a_lead_invites_a_new_hire_who_gets_one_email_with_the_link(
    client, lead, team, django_capture_on_commit_callbacks
):
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/teams/{team.pk}/",
            {"email": "New.Hire@Example.test", "name": "Nia", "role": "member"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.team, invitation.invited_by) == (
        "new.hire@example.test",
        team,
        lead,
    )
    assert invitation.sent_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.hire@example.test"]
    assert "Support EMEA" in message.subject
    assert f"http://testserver{invite_url(invitation)}" in message.body
    assert invite_url(invitation) in message.alternatives[0][0]  # type: ignore[attr-defined]


def test_accepting_creates_the_account_logs_in_and_joins_the_team(client, invitation_factory, team):
    invitation = invitation_factory(team=team, email="nia@example.test", role="member")
    page = client.get(invite_url(invitation))
    assert page.status_code == 200
    assert "nia@example.test" in page.content.decode()

    response = client.post(
        invite_url(invitation),
        {"name": "Nia New", "password1": "long-enough-pass-1", "password2": "long-enough-pass-1"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="nia@example.test")
    assert user.check_password("long-enough-pass-1")
    assert Membership.objects.filter(user=user, team=team, role="member").exists()
    assert client.get("/").context["user"] == user
    invitation.refresh_from_db()
    assert invitation.accepted_by == user


def test_a_used_link_gets_a_clear_page_and_changes_nothing(client, invitation_factory, team):
    invitation = invitation_factory(team=team)
    form = {"name": "N", "password1": "long-enough-pass-1", "password2": "long-enough-pass-1"}
    client.post(invite_url(invitation), form)
    client.post("/accounts/logout/")

    response = client.post(
        invite_url(invitation), {**form, "password1": "other-pass-2", "password2": "other-pass-2"}
    )
    assert response.status_code == 410
    assert "already been used" in response.content.decode()
    assert User.objects.get(email=invitation.email).check_password("long-enough-pass-1")


def test_an_expired_link_gets_a_clear_page(client, invitation_factory):
    invitation = invitation_factory(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.get(invite_url(invitation))
    assert response.status_code == 410
    assert "expired" in response.content.decode()
    assert not User.objects.filter(email=invitation.email).exists()


def test_a_withdrawn_link_gets_a_clear_page(client, invitation_factory):
    invitation = invitation_factory(revoked_at=timezone.now())
    response = client.get(invite_url(invitation))
    assert response.status_code == 410
    assert "withdrawn" in response.content.decode()


@pytest.mark.parametrize("token", ["garbage", "eyJhIjoxfQ:1abc:def"], ids=["garbage", "forged"])
def test_a_tampered_link_is_not_found(client, db, token):
    response = client.get(f"/invite/{token}/")
    assert response.status_code == 404
    assert "not valid" in response.content.decode()


def test_weak_or_mismatched_passwords_are_form_errors_and_create_nothing(
    client, invitation_factory
):
    invitation = invitation_factory()
    response = client.post(
        invite_url(invitation), {"name": "N", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert "This password is too short" in response.context["form"].errors["password1"][0]
    response = client.post(
        invite_url(invitation),
        {"name": "N", "password1": "long-enough-pass-1", "password2": "different-pass-2"},
    )
    assert response.context["form"].errors["password2"] == ["The two passwords differ."]
    invitation.refresh_from_db()
    assert invitation.accepted_at is None
    assert not User.objects.filter(email=invitation.email).exists()


def test_an_existing_account_can_not_be_joined_or_taken_over_by_whoever_has_the_link(
    client, invitation_factory, other_team, admin_user, password
):
    invitation = invitation_factory(team=other_team, email=admin_user.email)
    page = client.get(invite_url(invitation)).content.decode()
    assert "Log in with it to accept this invitation" in page
    response = client.post(
        invite_url(invitation),
        {"name": "x", "password1": "hijack-pass-9", "password2": "hijack-pass-9"},
    )
    assert response.status_code == 302
    assert response.url == f"/accounts/login/?next={invite_url(invitation)}"
    admin_user.refresh_from_db()
    assert admin_user.check_password(password)
    assert not Membership.objects.filter(user=admin_user, team=other_team).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_the_owner_of_an_existing_account_joins_when_logged_in(
    client, invitation_factory, other_team, member, password
):
    invitation = invitation_factory(team=other_team, email=member.email)
    client.force_login(member)
    assert "Join the team" in client.get(invite_url(invitation)).content.decode()
    response = client.post(invite_url(invitation))
    assert response.url == "/"
    assert Membership.objects.filter(user=member, team=other_team, role="member").exists()
    member.refresh_from_db()
    assert member.check_password(password)


def test_another_logged_in_user_can_not_accept_for_an_existing_account(
    client, invitation_factory, other_team, admin_user, member
):
    invitation = invitation_factory(team=other_team, email=admin_user.email)
    client.force_login(member)
    client.post(invite_url(invitation))
    assert not Membership.objects.filter(user=admin_user, team=other_team).exists()


def test_only_an_admin_invites_a_lead(client, lead, admin_user, team):
    client.force_login(lead)
    assert 'name="role"' not in client.get(f"/teams/{team.pk}/").content.decode()
    client.post(f"/teams/{team.pk}/", {"email": "co-lead@example.test", "role": "lead"})
    assert Invitation.objects.get(email="co-lead@example.test").role == "member"
    client.force_login(admin_user)
    client.post(f"/teams/{team.pk}/", {"email": "new-lead@example.test", "role": "lead"})
    assert Invitation.objects.get(email="new-lead@example.test").role == "lead"


def test_the_service_refuses_a_lead_invitation_from_a_lead(lead, team):
    from accounts.services import invitation_create
    from core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="Only an admin can invite a lead"):
        invitation_create(invited_by=lead, team=team, email="x@example.test", role="lead")
    assert not Invitation.objects.exists()


def test_a_lead_of_another_team_cannot_invite_or_manage(client, outsider, team, invitation_factory):
    invitation = invitation_factory(team=team)
    client.force_login(outsider)
    assert (
        client.post(f"/teams/{team.pk}/", {"email": "x@example.test", "role": "member"}).status_code
        == 404
    )
    assert client.post(f"/invitations/{invitation.pk}/revoke/").status_code == 404
    assert client.post(f"/invitations/{invitation.pk}/resend/").status_code == 404
    assert Invitation.objects.count() == 1
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_a_member_sees_the_team_but_cannot_invite(client, member, team):
    client.force_login(member)
    page = client.get(f"/teams/{team.pk}/")
    assert page.status_code == 200
    assert "Invite a new hire" not in page.content.decode()
    assert (
        client.post(f"/teams/{team.pk}/", {"email": "x@example.test", "role": "member"}).status_code
        == 404
    )
    assert not Invitation.objects.exists()


def test_inviting_a_current_member_or_twice_is_a_form_error(client, lead, member, team):
    client.force_login(lead)
    response = client.post(f"/teams/{team.pk}/", {"email": member.email, "role": "member"})
    assert response.context["form"].errors["email"] == ["This person is already in the team."]
    client.post(f"/teams/{team.pk}/", {"email": "twice@example.test", "role": "member"})
    response = client.post(f"/teams/{team.pk}/", {"email": "twice@example.test", "role": "member"})
    assert response.context["form"].errors["email"] == [
        "An invitation is already pending for this address."
    ]
    assert Invitation.objects.filter(email="twice@example.test").count() == 1


def test_withdrawing_asks_first_then_revokes(client, lead, team, invitation_factory):
    invitation = invitation_factory(team=team)
    client.force_login(lead)
    confirm = client.get(f"/invitations/{invitation.pk}/revoke/")
    assert confirm.status_code == 200
    assert "Withdraw this invitation?" in confirm.content.decode()
    invitation.refresh_from_db()
    assert invitation.revoked_at is None
    assert client.post(f"/invitations/{invitation.pk}/revoke/").status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None


def test_resending_renews_the_expiry_and_mails_again(
    client, lead, team, invitation_factory, django_capture_on_commit_callbacks
):
    invitation = invitation_factory(
        team=team,
        expires_at=timezone.now() - timedelta(days=1),
        sent_at=timezone.now() - timedelta(days=8),
    )
    client.force_login(lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/invitations/{invitation.pk}/resend/")
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + timedelta(days=6)
    assert len(mail.outbox) == 1


def test_sending_twice_sends_one_email(invitation_factory):
    invitation = invitation_factory()
    assert invitation_send(invitation_id=invitation.pk) is True
    assert invitation_send(invitation_id=invitation.pk) is False
    assert len(mail.outbox) == 1


def test_a_failed_send_releases_the_claim_for_a_retry(invitation_factory, settings):
    settings.EMAIL_BACKEND = "tests.accounts.test_invitations.BrokenBackend"
    invitation = invitation_factory()
    with pytest.raises(ConnectionRefusedError):
        invitation_send(invitation_id=invitation.pk)
    invitation.refresh_from_db()
    assert invitation.sent_at is None


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP is down")


def test_the_sweep_sends_invitations_whose_first_send_was_lost(invitation_factory):
    stale = invitation_factory(created_at=timezone.now() - timedelta(minutes=10))
    invitation_factory()  # just created: its own task is still on the way
    invitation_factory(created_at=timezone.now() - timedelta(minutes=10), revoked_at=timezone.now())
    assert invitations_send_pending() == 1
    stale.refresh_from_db()
    assert stale.sent_at is not None
    assert re.search(r"/invite/[^/]+/", str(mail.outbox[0].body))


def test_an_invitation_has_one_link_and_links_sent_before_still_open(client, invitation_factory):
    invitation = invitation_factory()
    assert invitation_token(invitation) == invitation_token(invitation)
    old_style = signing.dumps(str(invitation.pk), salt=INVITATION_SALT)
    assert invitation_from_token(old_style) == invitation
    assert client.get(f"/invite/{old_style}/").status_code == 200
    assert client.get(f"/invite/{invitation_token(invitation)}x/").status_code == 404
