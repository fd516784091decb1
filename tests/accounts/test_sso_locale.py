"""A single sign-on login takes the browser's language and time zone until the person chooses,
as the login form does. No provider: the provider's checked answer is the claims given to
``accounts.services.sso_sign_in``, which the callback's backend would call."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.test import Client

from accounts import oidc
from accounts.middleware import BROWSER_ZONE_COOKIE
from accounts.models import User
from accounts.services import sso_sign_in

pytestmark = pytest.mark.django_db

ISSUER = "https://id.example.com"


@pytest.fixture(autouse=True)
def sso_settings(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.OIDC_ISSUER = ISSUER
    settings.OIDC_CLIENT_ID = "readiness"
    settings.OIDC_PROVIDER_NAME = "Example ID"
    settings.OIDC_GROUP_MAP = {"emea": "Support EMEA"}
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = ["example.com"]

    def authenticate(self: Any, request: Any, **kwargs: Any) -> User:
        claims = {"iss": ISSUER, "sub": "p-1", "email": "pia@example.com", "name": "Pia"}
        return sso_sign_in(issuer=ISSUER, claims={**claims, "email_verified": True})

    monkeypatch.setattr(oidc.OidcBackend, "authenticate", authenticate)


def sso_callback(client: Client, **headers: Any) -> Any:
    """The provider's answer to a login this browser started."""
    session = client.session
    session["oidc_states"] = {"s-1": {"nonce": "n", "code_verifier": "v", "added_on": time.time()}}
    session.save()
    return client.get("/accounts/sso/callback/?code=c&state=s-1", headers=headers)


def test_a_first_single_sign_on_takes_the_browser_s_language_and_zone(client: Client) -> None:
    client.cookies[BROWSER_ZONE_COOKIE] = "Europe/Warsaw"
    response = sso_callback(client, accept_language="pl")

    assert response.status_code == 302
    pia = User.objects.get(email="pia@example.com")
    assert (pia.language, pia.time_zone, pia.locale_chosen) == ("pl", "Europe/Warsaw", True)
    assert '<html lang="pl">' in client.get("/training/").content.decode()


def test_a_chosen_language_and_zone_stay_whatever_the_browser_says(client: Client) -> None:
    sso_callback(Client(), accept_language="en")  # the first login links the account
    User.objects.filter(email="pia@example.com").update(
        language="en", time_zone="Europe/London", locale_chosen=True
    )
    client.cookies[BROWSER_ZONE_COOKIE] = "Europe/Warsaw"
    assert sso_callback(client, accept_language="pl").status_code == 302

    pia = User.objects.get(email="pia@example.com")
    assert (pia.language, pia.time_zone) == ("en", "Europe/London")
