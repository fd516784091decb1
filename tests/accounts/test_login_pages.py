"""Login, logout, password change and reset through the pages, and the per-role home page."""

import re

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def test_logging_in_with_email_and_password_lands_on_home(client, member, password):
    response = client.post(LOGIN, {"email": "AGENT@example.test", "password": password})
    assert response.status_code == 302
    assert response.url == "/"
    assert client.get("/").context["user"] == member


def test_a_wrong_password_is_a_form_error_and_nobody_is_logged_in(client, member):
    response = client.post(LOGIN, {"email": member.email, "password": "wrong"})
    assert response.status_code == 200
    assert "The email or password is not correct." in response.content.decode()
    assert not response.context["user"].is_authenticated


def test_missing_fields_are_named(client, db):
    response = client.post(LOGIN, {"email": "", "password": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "email": ["This field is required."],
        "password": ["This field is required."],
    }


def test_logout_is_a_post_and_ends_the_session(client, member):
    client.force_login(member)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response.url == reverse("accounts:login")
    assert client.get("/").status_code == 302


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/"


def test_after_five_failures_even_the_right_password_is_refused(client, member, password):
    for _ in range(5):
        client.post(LOGIN, {"email": member.email, "password": "wrong"})
    response = client.post(LOGIN, {"email": member.email, "password": password})
    assert response.status_code == 429
    assert response.context["form"].errors == {
        "__all__": ["Too many failed logins. Try again in 15 minutes."]
    }
    assert not response.context["user"].is_authenticated


def test_the_limit_is_per_account(client, member, lead, password):
    for _ in range(5):
        client.post(LOGIN, {"email": member.email, "password": "wrong"})
    response = client.post(LOGIN, {"email": lead.email, "password": password})
    assert response.status_code == 302


def test_a_successful_login_clears_earlier_failures(client, member, password):
    for _ in range(4):
        client.post(LOGIN, {"email": member.email, "password": "wrong"})
    assert AccessAttempt.objects.filter(username=member.email).exists()
    assert client.post(LOGIN, {"email": member.email, "password": password}).status_code == 302
    assert not AccessAttempt.objects.filter(username=member.email).exists()


def test_password_change_needs_the_old_password(client, member, password):
    client.force_login(member)
    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": "nope",
            "new_password1": "a-new-secret-77",
            "new_password2": "a-new-secret-77",
        },
    )
    assert response.status_code == 200
    member.refresh_from_db()
    assert member.check_password(password)

    response = client.post(
        "/accounts/password/change/",
        {
            "old_password": password,
            "new_password1": "a-new-secret-77",
            "new_password2": "a-new-secret-77",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("a-new-secret-77")


def reset_link_from(message) -> str:
    match = re.search(r"http://testserver(/accounts/password/reset/[^/]+/[^/]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_password_reset_by_email_end_to_end(client, member, password):
    # given a locked-out user
    for _ in range(5):
        client.post(LOGIN, {"email": member.email, "password": "wrong"})

    # when they ask for a reset, they get one email with an HTML part and a link
    response = client.post("/accounts/password/reset/", {"email": member.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [member.email]
    assert message.subject == "Reset your Readiness password"
    assert message.alternatives[0][1] == "text/html"

    # and following it lets them choose a new password
    link = reset_link_from(message)
    form_url = client.get(link).url
    response = client.post(
        form_url, {"new_password1": "brand-new-pass-42", "new_password2": "brand-new-pass-42"}
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")

    # then the new password works (the reset also lifted the lock) and the old one does not
    assert client.post(LOGIN, {"email": member.email, "password": password}).status_code == 200
    assert (
        client.post(LOGIN, {"email": member.email, "password": "brand-new-pass-42"}).status_code
        == 302
    )

    # and the link can't be used twice
    client.post("/accounts/logout/")
    response = client.get(link, follow=True)
    assert "This link can't be used" in response.content.decode()


def test_password_reset_for_an_unknown_email_sends_nothing_and_says_the_same(client, db):
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.test"})
    assert response.status_code == 302
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("who", "heading"),
    [("admin_user", "Administrator"), ("lead", "Your teams"), ("member", "Next up")],
    ids=["admin", "lead", "learner"],
)
def test_home_fits_the_role(client, request, who, heading):
    client.force_login(request.getfixturevalue(who))
    response = client.get("/")
    assert response.status_code == 200
    assert heading in response.content.decode()


def test_profile_saves_preferences_and_rejects_an_unknown_time_zone(client, member):
    client.force_login(member)
    response = client.post(
        "/accounts/profile/",
        {
            "name": "Aiko A.",
            "time_zone": "Europe/Berlin",
            "language": "pl",
            "email_notifications": "",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.name, member.time_zone, member.language, member.email_notifications) == (
        "Aiko A.",
        "Europe/Berlin",
        "pl",
        False,
    )
    response = client.post(
        "/accounts/profile/", {"name": "X", "time_zone": "Mars/Olympus", "language": "pl"}
    )
    assert response.status_code == 200
    assert "time_zone" in response.context["form"].errors
    member.refresh_from_db()
    assert member.time_zone == "Europe/Berlin"


def test_the_lead_home_counts_people_and_pending_invitations(
    client, lead, member, team, invitation_factory
):
    invitation_factory(team=team)
    client.force_login(lead)
    page = client.get("/").content.decode()
    assert "2 people" in page  # the lead and the member, as on the team page
    assert "1 pending invitation" in page


def test_the_admin_login_shares_the_limit(client, admin_user, password):
    for _ in range(5):
        client.post("/admin/login/", {"username": admin_user.email, "password": "wrong"})
    response = client.post("/admin/login/", {"username": admin_user.email, "password": password})
    assert response.status_code == 429
    assert "Too many failed logins. Try again in 15 minutes." in response.content.decode()
    assert client.get("/admin/").status_code == 302


def test_the_admin_login_still_works_and_refuses_non_staff(client, admin_user, member, password):
    response = client.post("/admin/login/", {"username": member.email, "password": password})
    assert response.status_code == 200
    response = client.post(
        "/admin/login/?next=/admin/", {"username": admin_user.email, "password": password}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
