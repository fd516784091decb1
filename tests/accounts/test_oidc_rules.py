"""The account rules of single sign-on (``accounts.services.sso_sign_in``) and password login
turned off for all but the break-glass admins. No provider needed: the claims are given as the
provider's checked ID token would give them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from accounts import oidc
from accounts.models import ExternalIdentity, Membership, Team, User
from accounts.services import SsoRefused, sso_group_rules, sso_sign_in
from tests import factories

pytestmark = pytest.mark.django_db

ISSUER = "https://id.example.com"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def sso_settings(settings: Any) -> None:
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_CLIENT_ID = "readiness"
    settings.OIDC_PROVIDER_NAME = "Example ID"
    settings.OIDC_GROUP_MAP = {
        "emea": "Support EMEA",
        "emea-leads": {"team": "Support EMEA", "role": "lead"},
        "apac": "Support APAC",
        "admins": {"admin": True},
    }
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = ["example.com"]


def claims(sub: str = "p-1", email: str = "pia@example.com", **extra: Any) -> dict[str, Any]:
    return {"iss": ISSUER, "sub": sub, "email": email, "email_verified": True, **extra}


def teams_of(user: User) -> list[tuple[str, str]]:
    return sorted(Membership.objects.filter(user=user).values_list("team__name", "role"))


def test_each_login_makes_the_mapped_teams_match_the_groups() -> None:
    pia = sso_sign_in(issuer=ISSUER, claims=claims(groups=["emea", "unmapped"]))
    manual = Team.objects.create(name="Quality circle")  # not in the map: managed by hand
    Membership.objects.create(user=pia, team=manual)
    assert teams_of(pia) == [("Quality circle", "member"), ("Support EMEA", "member")]

    # promoted to lead of EMEA and moved into APAC at the provider
    again = sso_sign_in(issuer=ISSUER, claims=claims(groups=["emea", "emea-leads", "apac"]))
    assert again == pia
    assert teams_of(pia) == [
        ("Quality circle", "member"),
        ("Support APAC", "member"),
        ("Support EMEA", "lead"),
    ]

    # left every mapped group: out of the mapped teams, the hand-made membership stays
    sso_sign_in(issuer=ISSUER, claims=claims(groups=[]))
    assert teams_of(pia) == [("Quality circle", "member")]


def test_a_missing_groups_claim_changes_no_membership() -> None:
    pia = sso_sign_in(issuer=ISSUER, claims=claims(groups=["emea"]))
    sso_sign_in(issuer=ISSUER, claims=claims())
    assert teams_of(pia) == [("Support EMEA", "member")]


def test_the_admin_group_grants_and_removes_admin(settings: Any) -> None:
    pia = sso_sign_in(issuer=ISSUER, claims=claims(groups=["admins"]))
    assert pia.is_staff
    assert pia.is_superuser
    pia = sso_sign_in(issuer=ISSUER, claims=claims(groups=["emea"]))
    assert not pia.is_staff
    assert not pia.is_superuser

    # a break-glass admin is never demoted by the provider
    settings.BREAK_GLASS_USERS = ["root@example.com"]
    root = factories.UserFactory.create(email="root@example.com", is_staff=True, is_superuser=True)
    sso_sign_in(issuer=ISSUER, claims=claims(sub="r-1", email="root@example.com", groups=[]))
    root.refresh_from_db()
    assert root.is_staff


def test_a_known_subject_is_found_whatever_its_email_says_now() -> None:
    pia = sso_sign_in(issuer=ISSUER, claims=claims())
    renamed = sso_sign_in(
        issuer=ISSUER, claims=claims(email="pia.new@example.com", email_verified=False)
    )
    assert renamed == pia
    assert ExternalIdentity.objects.get(user=pia).email == "pia.new@example.com"


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        pytest.param(claims(email="pia@elsewhere.test"), "domain_not_allowed", id="domain"),
        pytest.param(claims(email_verified=False), "email_unverified", id="unverified"),
        pytest.param(claims(email_verified="false"), "email_unverified", id="unverified-str"),
        pytest.param(claims(email=None), "no_email", id="no-email"),
        pytest.param(claims(email="not an address"), "no_email", id="bad-email"),
        pytest.param(claims(sub=""), "invalid_token", id="no-sub"),
    ],
)
def test_a_refused_first_login_creates_nothing(given: dict[str, Any], reason: str) -> None:
    with pytest.raises(SsoRefused) as refused:
        sso_sign_in(issuer=ISSUER, claims=given)
    assert refused.value.reason == reason
    assert not User.objects.exists()
    assert not Team.objects.exists()
    assert not ExternalIdentity.objects.exists()


def test_the_domain_is_checked_on_every_login(settings: Any) -> None:
    sso_sign_in(issuer=ISSUER, claims=claims())
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = ["example.org"]
    with pytest.raises(SsoRefused) as refused:
        sso_sign_in(issuer=ISSUER, claims=claims())
    assert refused.value.reason == "domain_not_allowed"


def test_an_inactive_account_is_neither_linked_nor_signed_in() -> None:
    factories.UserFactory.create(email="pia@example.com", is_active=False)
    with pytest.raises(SsoRefused) as refused:
        sso_sign_in(issuer=ISSUER, claims=claims())
    assert refused.value.reason == "inactive"
    assert not ExternalIdentity.objects.exists()


def test_an_account_linked_to_someone_else_is_not_taken_over() -> None:
    pia = sso_sign_in(issuer=ISSUER, claims=claims(sub="p-1"))
    with pytest.raises(SsoRefused) as refused:
        sso_sign_in(issuer=ISSUER, claims=claims(sub="someone-else"))
    assert refused.value.reason == "linked_elsewhere"
    assert list(ExternalIdentity.objects.values_list("user", "subject")) == [(pia.pk, "p-1")]


def test_without_a_verified_claim_name_every_email_counts_as_verified(settings: Any) -> None:
    settings.OIDC_EMAIL_VERIFIED_CLAIM = ""  # a provider whose addresses are all its own
    assert sso_sign_in(issuer=ISSUER, claims=claims(email_verified=None)).email == (
        "pia@example.com"
    )


@pytest.mark.parametrize(
    "mapping",
    [
        pytest.param([], id="not-an-object"),
        pytest.param({"g": ""}, id="empty-team"),
        pytest.param({"g": {"team": "T", "role": "boss"}}, id="bad-role"),
        pytest.param({"g": {"role": "lead"}}, id="no-team-no-admin"),
        pytest.param({"g": {"team": "T", "colour": "red"}}, id="unknown-key"),
        pytest.param({"g": {"admin": "yes"}}, id="admin-not-bool"),
    ],
)
def test_a_wrong_group_map_stops_the_checks(settings: Any, mapping: Any) -> None:
    settings.OIDC_GROUP_MAP = mapping
    with pytest.raises(ValueError, match="OIDC_GROUP_MAP"):
        sso_group_rules()
    assert [m.id for m in oidc.sso_settings_check()] == ["accounts.E010"]


def test_a_group_map_that_is_not_json_is_a_check_error_not_a_traceback() -> None:
    # given the environment variable as an operator mistyped it
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    env["OIDC_GROUP_MAP"] = "{emea: 1"
    # when the settings load and the checks run
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # then the check names the setting and what is wrong with it, and nothing crashed
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "accounts.E010" in result.stderr
    assert "OIDC_GROUP_MAP is not valid JSON (Expecting property name enclosed in double " in (
        result.stderr
    )


@pytest.mark.parametrize("text", ["{emea: 1", '{"emea": ', "[" * 100_000])
def test_a_group_map_kept_as_text_is_refused_by_the_rules_and_the_checks(
    settings: Any, text: str
) -> None:
    settings.OIDC_GROUP_MAP = text
    with pytest.raises(ValueError, match=r"^OIDC_GROUP_MAP is not valid JSON \("):
        sso_group_rules()
    assert [m.id for m in oidc.sso_settings_check()] == ["accounts.E010"]


def test_a_group_map_given_as_json_text_still_works(settings: Any) -> None:
    settings.OIDC_GROUP_MAP = '{"emea": "Support EMEA"}'
    assert [rule.team for rule in sso_group_rules()] == ["Support EMEA"]


def test_break_glass_only_without_single_sign_on_stops_the_checks(settings: Any) -> None:
    settings.OIDC_ISSUER = ""
    settings.PASSWORD_LOGIN = "break_glass_only"
    settings.BREAK_GLASS_USERS = ["root@example.com"]
    with pytest.raises(SystemCheckError, match=r"accounts\.E011"):
        call_command("check")


def test_no_domain_list_is_a_warning(settings: Any) -> None:
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = []
    settings.OIDC_ISSUER = "https://id.example.com"
    assert [m.id for m in oidc.sso_settings_check()] == ["accounts.W013"]


def test_trusting_unverified_emails_is_a_warning(settings: Any) -> None:
    settings.OIDC_ISSUER = "https://id.example.com"
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = ["example.com"]
    assert oidc.sso_settings_check() == []
    settings.OIDC_EMAIL_VERIFIED_CLAIM = ""
    assert [m.id for m in oidc.sso_settings_check()] == ["accounts.W015"]


# --- password login for the break-glass admins only -------------------------------------------


@pytest.fixture
def break_glass_only(settings: Any) -> None:
    settings.PASSWORD_LOGIN = "break_glass_only"
    settings.BREAK_GLASS_USERS = ["admin@example.test"]


def test_the_login_page_refuses_passwords_but_the_break_glass_admins(
    client: Any, break_glass_only: None, member: User, admin_user: User, password: str
) -> None:
    page = client.get("/accounts/login/").content.decode()
    assert "Sign in with Example ID" in page
    assert "Administrator login with a password" in page

    response = client.post("/accounts/login/", {"email": member.email, "password": password})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "__all__": ["Password login is turned off. Sign in with Example ID instead."]
    }
    assert not AccessAttempt.objects.exists()  # refused before any password was checked

    response = client.post("/accounts/login/", {"email": admin_user.email, "password": password})
    assert response.status_code == 302


def test_the_api_and_the_admin_refuse_passwords_too(
    client: Any, api_client: Any, break_glass_only: None, member: User, password: str
) -> None:
    response = api_client.post(
        "/api/v1/auth/token/", {"email": member.email, "password": password}, format="json"
    )
    assert response.status_code == 400
    assert "Password login is turned off" in response.json()["detail"]
    response = client.post(
        "/admin/login/", {"username": member.email, "password": password, "next": "/admin/"}
    )
    assert response.status_code == 200
    assert "Password login is turned off" in response.content.decode()


def test_no_password_reset_mail_for_who_may_not_use_a_password(
    client: Any, break_glass_only: None, member: User, admin_user: User
) -> None:
    client.post("/accounts/password/reset/", {"email": member.email})
    assert mail.outbox == []
    client.post("/accounts/password/reset/", {"email": admin_user.email})
    assert len(mail.outbox) == 1


def test_passwords_work_for_everyone_by_default(client: Any, member: User, password: str) -> None:
    response = client.post("/accounts/login/", {"email": member.email, "password": password})
    assert response.status_code == 302
