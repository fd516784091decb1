"""Single sign-on in Chromium against a real OpenID provider (node's oidc-provider on
127.0.0.1, tests/sso/): sign in, land in the right team, log out of both; and a refusal's page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from accounts import oidc
from accounts.models import ExternalIdentity, User
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import shot
from tests.sso.provider import CLIENT_ID, CLIENT_SECRET, TestProvider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def sso(settings: Any, oidc_provider: TestProvider, live_server: Any) -> TestProvider:
    oidc_provider.allow_redirects_to(live_server.url)
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_CLIENT_ID = settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "Test ID"
    settings.OIDC_SCOPES = settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.OIDC_GROUP_MAP = {"support-emea": "Support EMEA"}
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = ["example.com"]
    settings.PASSWORD_LOGIN = "break_glass_only"
    settings.BREAK_GLASS_USERS = ["admin@example.test"]
    oidc.caches_clear()
    return oidc_provider


def sign_in_at_provider(page: Any, login: str) -> None:
    expect(page.get_by_role("heading", name="Sign in to the test provider")).to_be_visible()
    page.get_by_label("Username").fill(login)
    page.get_by_label("Password").fill("anything")
    page.get_by_role("button", name="Sign in").click()


def test_a_person_signs_in_through_the_provider_and_lands_in_their_team(
    page: Any, sso: TestProvider
) -> None:
    # given single sign-on with password login kept for the break-glass admin only
    page.goto("/teams/")
    expect(page.get_by_role("link", name="Sign in with Test ID")).to_be_visible()
    expect(page.get_by_text("Administrator login with a password")).to_be_visible()
    assert_accessible(page, "sso-login-page")

    # when Alice, new here, signs in with the provider
    page.get_by_role("link", name="Sign in with Test ID").click()
    sign_in_at_provider(page, "alice")

    # then she is back where she was going, a member of Support EMEA
    page.wait_for_url(re.compile(r"/teams/$"))
    expect(page.get_by_role("link", name="Support EMEA")).to_be_visible()
    shot(page, "sso-01-teams")
    alice = User.objects.get(email="alice@example.com")
    assert list(alice.memberships.values_list("team__name", flat=True)) == ["Support EMEA"]

    # and logging out ends her session at the provider too, then brings her back to log in
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Sign out of the test provider?")).to_be_visible()
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(re.compile(r"/accounts/login/$"))
    page.goto("/teams/")
    page.wait_for_url(re.compile(r"/accounts/login/\?next=/teams/$"))

    # the provider's keys rotate; she signs in again (the provider asks for her again, since
    # its session ended) and it still works
    sso.rotate_keys()
    page.get_by_role("link", name="Sign in with Test ID").click()
    sign_in_at_provider(page, "alice")
    page.wait_for_url(re.compile(r"/teams/$"))
    assert User.objects.filter(email="alice@example.com").count() == 1


def test_someone_from_another_domain_gets_a_clear_page_and_no_account(
    page: Any, sso: TestProvider
) -> None:
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Sign in with Test ID").click()
    sign_in_at_provider(page, "mallory")

    expect(page.get_by_role("heading", name="Your email domain isn't allowed")).to_be_visible()
    # Chromium logs a page answered with an error status (403 here) as a console error.
    page.browser_errors[:] = [e for e in page.browser_errors if "status of 403" not in e]
    assert_accessible(page, "sso-refused")
    page.get_by_role("link", name="Back to the login page").click()
    page.wait_for_url(re.compile(r"/accounts/login/$"))
    assert not User.objects.exists()
    assert not ExternalIdentity.objects.exists()
