"""Single sign-on against a real OpenID provider (node's oidc-provider, tests/sso/), driven over
HTTP without a browser: the app's pages through Django's test client, the provider's login page
through ``requests``. Tokens are tampered with or forged (signed with the provider's own key) by
patching what the token endpoint answers: the one piece of the outside world a test changes.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import re
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest
import requests
from django.test import Client

from accounts import oidc
from accounts.models import ExternalIdentity, Membership, Team, User
from tests import factories
from tests.sso.provider import CLIENT_ID, CLIENT_SECRET, SigningKey, TestProvider, callback_params

pytestmark = pytest.mark.django_db

GROUP_MAP = {
    "support-emea": "Support EMEA",
    "support-emea-leads": {"team": "Support EMEA", "role": "lead"},
    "readiness-admins": {"admin": True},
}


@pytest.fixture
def sso(settings: Any, oidc_provider: TestProvider) -> Iterator[TestProvider]:
    settings.OIDC_ISSUER = oidc_provider.issuer
    settings.OIDC_CLIENT_ID = settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_CLIENT_SECRET = settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_PROVIDER_NAME = "Test ID"
    settings.OIDC_SCOPES = settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.OIDC_GROUP_MAP = GROUP_MAP
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = ["example.com"]
    oidc.caches_clear()
    yield oidc_provider
    oidc.caches_clear()


def start(client: Client, next_url: str = "") -> str:
    """Open the app's "Sign in with …" link; return the provider URL it redirects to."""
    response = client.get("/accounts/sso/login/", {"next": next_url} if next_url else {})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def provider_login(client: Client, provider: TestProvider, login: str, next_url: str = "") -> str:
    """Sign in at the provider; return the app's callback URL (path and query)."""
    back = provider.sign_in_at_provider(start(client, next_url), login)
    parts = urlsplit(back)
    assert parts.path == "/accounts/sso/callback/"
    return f"{parts.path}?{parts.query}"


def nonce_of(client: Client, callback: str) -> str:
    state = callback_params(callback)["state"]
    return str(client.session["oidc_states"][state]["nonce"])


def assert_refused(response: Any, status: int, title: str) -> None:
    assert response.status_code == status, response.content.decode()[:800]
    html = response.content.decode()
    assert f"<h1>{title}</h1>" in html
    assert "_auth_user_id" not in response.wsgi_request.session


def test_sign_in_is_offered_only_when_configured(client: Client, settings: Any) -> None:
    settings.OIDC_ISSUER = ""
    assert "Sign in with" not in client.get("/accounts/login/").content.decode()
    assert client.get("/accounts/sso/login/").status_code == 404
    assert client.get("/accounts/sso/callback/?code=x&state=y").status_code == 404

    settings.OIDC_ISSUER = "https://id.example.com"
    settings.OIDC_CLIENT_ID = "readiness"
    settings.OIDC_PROVIDER_NAME = "Example ID"
    html = client.get("/accounts/login/?next=/training/").content.decode()
    assert 'href="/accounts/sso/login/?next=/training/"' in html
    assert "Sign in with Example ID" in html


def test_the_login_request_carries_state_nonce_and_pkce(client: Client, sso: TestProvider) -> None:
    url = start(client)
    assert url.startswith(f"{sso.issuer}/auth?")
    params = dict(parse_qsl(urlsplit(url).query))
    assert params["client_id"] == CLIENT_ID
    assert params["response_type"] == "code"
    assert params["scope"] == "openid email profile groups"
    assert params["redirect_uri"] == "http://testserver/accounts/sso/callback/"
    assert params["code_challenge_method"] == "S256"
    stored = client.session["oidc_states"][params["state"]]
    assert stored["nonce"] == params["nonce"]
    assert len(stored["code_verifier"]) >= 43


def test_a_first_login_creates_the_person_in_their_team(client: Client, sso: TestProvider) -> None:
    # given nobody called Alice here, when she signs in at the provider
    callback = provider_login(client, sso, "alice", next_url="/teams/")
    response = client.get(callback)

    # then she is logged in, lands where she was going, and is a member of Support EMEA
    assert response.status_code == 302
    assert response["Location"] == "/teams/"
    alice = User.objects.get(email="alice@example.com")
    assert client.session["_auth_user_id"] == str(alice.pk)
    assert alice.name == "Alice Agent"
    assert not alice.has_usable_password()
    assert not alice.is_staff
    assert list(alice.memberships.values_list("team__name", "role")) == [
        ("Support EMEA", Membership.Role.MEMBER)
    ]
    identity = ExternalIdentity.objects.get(user=alice)
    assert (identity.issuer, identity.subject) == (sso.issuer, "alice")
    assert client.get("/teams/").status_code == 200


def test_groups_make_a_lead_and_an_admin(client: Client, sso: TestProvider) -> None:
    response = client.get(provider_login(client, sso, "lena"))
    assert response.status_code == 302
    lena = User.objects.get(email="lena@example.com")
    assert lena.is_staff
    assert lena.is_superuser
    assert list(lena.memberships.values_list("team__name", "role")) == [
        ("Support EMEA", Membership.Role.LEAD)
    ]


def test_a_password_account_is_linked_by_verified_email(client: Client, sso: TestProvider) -> None:
    pat = factories.UserFactory.create(email="pat@example.com", name="Pat")
    response = client.get(provider_login(client, sso, "pat"))
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(pat.pk)
    assert User.objects.filter(email__iexact="pat@example.com").count() == 1
    assert ExternalIdentity.objects.get(subject="pat").user == pat
    pat.refresh_from_db()
    assert pat.has_usable_password()  # linking changes nothing else


def test_an_unverified_email_never_links_an_account(client: Client, sso: TestProvider) -> None:
    # given Pat's password account, when someone whose address the provider has not verified
    # claims Pat's address
    factories.UserFactory.create(email="pat@example.com")
    response = client.get(provider_login(client, sso, "uma"))

    # then they are refused and nothing is linked
    assert_refused(response, 403, "Your email address isn&#x27;t verified")
    assert not ExternalIdentity.objects.exists()


def test_an_unknown_email_domain_is_refused(client: Client, sso: TestProvider) -> None:
    response = client.get(provider_login(client, sso, "mallory"))
    assert_refused(response, 403, "Your email domain isn&#x27;t allowed")
    assert "elsewhere.test" in response.content.decode()
    assert not User.objects.filter(email="mallory@elsewhere.test").exists()
    assert not ExternalIdentity.objects.exists()


def test_a_replayed_state_is_refused(client: Client, sso: TestProvider) -> None:
    callback = provider_login(client, sso, "alice")
    assert client.get(callback).status_code == 302
    client.post("/accounts/logout/")

    response = client.get(callback)  # the same answer again (a replay, or the back button)

    assert_refused(response, 400, "The sign-in link expired")
    assert 'href="/accounts/sso/login/"' in response.content.decode()
    assert User.objects.count() == 1


def test_a_state_from_another_browser_is_refused(client: Client, sso: TestProvider) -> None:
    callback = provider_login(client, sso, "alice")
    response = Client().get(callback)
    assert_refused(response, 400, "The sign-in link expired")
    assert not User.objects.exists()


def test_an_old_state_is_refused(client: Client, sso: TestProvider, settings: Any) -> None:
    callback = provider_login(client, sso, "alice")
    settings.OIDC_STATE_MAX_AGE_SECONDS = 0
    time.sleep(0.01)
    assert_refused(client.get(callback), 400, "The sign-in link expired")
    assert not User.objects.exists()


def test_an_answer_naming_another_issuer_is_refused(client: Client, sso: TestProvider) -> None:
    callback = re.sub(
        r"iss=[^&]+", "iss=https%3A%2F%2Fevil.test", provider_login(client, sso, "alice")
    )
    assert_refused(client.get(callback), 400, "The sign-in could not be verified")
    assert not User.objects.exists()


def test_an_error_from_the_provider_says_cancelled(client: Client, sso: TestProvider) -> None:
    state = dict(parse_qsl(urlsplit(start(client)).query))["state"]
    response = client.get("/accounts/sso/callback/", {"error": "access_denied", "state": state})
    assert_refused(response, 400, "The sign-in was cancelled")
    assert state not in client.session["oidc_states"]  # used up


# --- the ID token's checks ---------------------------------------------------------------------


def _tampered(real: str, provider: TestProvider, nonce: str) -> str:
    header, _payload, signature = real.split(".")
    claims = jwt.decode(real, options={"verify_signature": False})
    claims["sub"] = "lena"  # become someone else, keeping the provider's signature
    payload = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{payload}.{signature}"


def _signed(**overrides: Any) -> Callable[[str, TestProvider, str], str]:
    def make(real: str, provider: TestProvider, nonce: str) -> str:
        claims = provider.id_claims(nonce=nonce)
        claims.update(overrides)
        return provider.sign({k: v for k, v in claims.items() if v is not None})

    return make


def _other_key(real: str, provider: TestProvider, nonce: str) -> str:
    # the provider's key id, but a key the provider never had
    impostor = SigningKey(provider.keys[0].kid)
    return provider.sign(provider.id_claims(nonce=nonce), key=impostor)


def _unsigned(real: str, provider: TestProvider, nonce: str) -> str:
    return jwt.encode(provider.id_claims(nonce=nonce), None, algorithm="none")


def _shared_secret(real: str, provider: TestProvider, nonce: str) -> str:
    return jwt.encode(provider.id_claims(nonce=nonce), CLIENT_SECRET, algorithm="HS256")


@pytest.mark.parametrize(
    ("forge", "status", "title", "detail"),
    [
        pytest.param(_tampered, 400, "could not be verified", "signature", id="tampered-signature"),
        pytest.param(_other_key, 400, "could not be verified", "signature", id="foreign-key"),
        pytest.param(_signed(aud="someone-else"), 400, "could not be verified", "(aud)", id="aud"),
        pytest.param(
            _signed(aud=[CLIENT_ID, "other"]), 400, "could not be verified", "(azp)", id="azp"
        ),
        pytest.param(
            _signed(iss="https://evil.test"), 400, "could not be verified", "issuer", id="issuer"
        ),
        pytest.param(
            _signed(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200),
            400,
            "sign-in link expired",
            "expired",
            id="expired",
        ),
        pytest.param(
            _signed(iat=int(time.time()) + 3600, exp=int(time.time()) + 7200),
            400,
            "could not be verified",
            "iat",
            id="issued-in-the-future",
        ),
        pytest.param(_signed(nonce="another"), 400, "could not be verified", "nonce", id="nonce"),
        pytest.param(_signed(exp=None), 400, "could not be verified", "exp", id="no-exp"),
        pytest.param(_unsigned, 400, "could not be verified", "none", id="alg-none"),
        pytest.param(_shared_secret, 400, "could not be verified", "HS256", id="alg-hs256"),
    ],
)
def test_a_bad_id_token_is_refused_and_makes_no_account(
    client: Client,
    sso: TestProvider,
    monkeypatch: pytest.MonkeyPatch,
    forge: Callable[[str, TestProvider, str], str],
    status: int,
    title: str,
    detail: str,
) -> None:
    callback = provider_login(client, sso, "alice")
    nonce = nonce_of(client, callback)
    real_get_token = oidc.OidcBackend.get_token

    def answer_with_forgery(self: oidc.OidcBackend, payload: dict[str, Any]) -> dict[str, Any]:
        answer = real_get_token(self, payload)  # the real exchange with the provider
        return {**answer, "id_token": forge(answer["id_token"], sso, nonce)}

    monkeypatch.setattr(oidc.OidcBackend, "get_token", answer_with_forgery)
    response = client.get(callback)

    assert response.status_code == status, response.content.decode()[:800]
    html = response.content.decode()
    assert re.search(rf"<h1>[^<]*{re.escape(title)}[^<]*</h1>", html)
    assert detail in html
    assert "_auth_user_id" not in client.session
    assert not User.objects.exists()
    assert not ExternalIdentity.objects.exists()


# --- keys, discovery, outages -------------------------------------------------------------------


def test_login_still_works_after_the_provider_rotates_its_keys(
    client: Client, sso: TestProvider
) -> None:
    assert client.get(provider_login(client, sso, "alice")).status_code == 302
    client.post("/accounts/logout/")

    sso.rotate_keys()  # the old key is gone from the JWKS; the app still has it in memory
    response = client.get(provider_login(client, sso, "alice"))

    assert response.status_code == 302, response.content.decode()[:800]
    assert client.session["_auth_user_id"] == str(User.objects.get(email="alice@example.com").pk)


def test_a_discovery_document_for_another_issuer_is_refused(
    client: Client, sso: TestProvider, settings: Any
) -> None:
    settings.OIDC_ISSUER = sso.issuer.replace("127.0.0.1", "localhost")
    response = client.get("/accounts/sso/login/")
    assert_refused(response, 502, "Single sign-on is not set up correctly")
    assert "names the issuer" in response.content.decode()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_provider_that_is_down_gets_a_clear_page(client: Client, settings: Any) -> None:
    settings.OIDC_ISSUER = f"http://127.0.0.1:{_closed_port()}"
    settings.OIDC_CLIENT_ID = "readiness"
    settings.OIDC_PROVIDER_NAME = "Test ID"
    oidc.caches_clear()
    response = client.get("/accounts/sso/login/?next=/teams/")
    assert_refused(response, 503, "The identity provider is unreachable")
    assert "try again in a few minutes" in response.content.decode()


def test_a_provider_that_goes_down_mid_login_loses_nothing(
    client: Client, sso: TestProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    callback = provider_login(client, sso, "alice", next_url="/teams/")
    metadata = oidc.provider_metadata()
    down = dataclasses.replace(metadata, token_endpoint=f"http://127.0.0.1:{_closed_port()}/t")
    monkeypatch.setattr(oidc, "provider_metadata", lambda: down)

    response = client.get(callback)

    assert_refused(response, 503, "The identity provider is unreachable")
    assert 'href="/accounts/sso/login/?next=%2Fteams%2F"' in response.content.decode()
    assert not User.objects.exists()
    # and once it is back, starting again works and still goes where they were going
    monkeypatch.undo()
    response = client.get(provider_login(client, sso, "alice", next_url="/teams/"))
    assert response.status_code == 302
    assert response["Location"] == "/teams/"


# --- logout ------------------------------------------------------------------------------------


def test_logout_ends_the_provider_session_too(client: Client, sso: TestProvider) -> None:
    client.get(provider_login(client, sso, "alice"))
    id_token = client.session["oidc_id_token"]

    response = client.post("/accounts/logout/")

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    match = re.search(r'content="0;url=([^"]+)"', response.content.decode())
    assert match
    url = match.group(1).replace("&amp;", "&")
    assert url.startswith(f"{sso.issuer}/session/end?")
    params = dict(parse_qsl(urlsplit(url).query))
    assert params == {
        "id_token_hint": id_token,
        "client_id": CLIENT_ID,
        "post_logout_redirect_uri": "http://testserver/accounts/login/",
    }
    assert client.get("/").status_code == 302  # logged out here


def test_a_password_session_logs_out_as_before(client: Client, sso: TestProvider, member) -> None:
    client.force_login(member)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"


def test_the_team_is_made_when_missing(client: Client, sso: TestProvider) -> None:
    assert not Team.objects.exists()
    client.get(provider_login(client, sso, "alice"))
    assert Team.objects.filter(name="Support EMEA").exists()


def test_an_unknown_key_fetches_the_jwks_again_once_not_on_every_try(
    sso: TestProvider, monkeypatch: pytest.MonkeyPatch
) -> None:
    fetched: list[str] = []
    real_get_json = oidc._get_json

    def counting(url: str) -> Any:
        fetched.append(url)
        return real_get_json(url)

    monkeypatch.setattr(oidc, "_get_json", counting)
    stranger = SigningKey("key-nobody-has")
    token = sso.sign(sso.id_claims(nonce="n"), key=stranger)
    for _ in range(3):
        with pytest.raises(oidc.SsoRefused) as refused:
            oidc.id_token_verify(token, nonce="n")
        assert refused.value.reason == "invalid_token"
    jwks = [url for url in fetched if url.endswith("/jwks")]
    assert len(jwks) == 2  # read once, read again for the new kid, then no more
    assert fetched.count(f"{sso.issuer}/.well-known/openid-configuration") == 1


def test_a_code_is_useless_without_the_verifier_and_works_once(
    client: Client, sso: TestProvider
) -> None:
    callback = provider_login(client, sso, "alice")
    state = callback_params(callback)["state"]
    exchange = {
        "grant_type": "authorization_code",
        "code": callback_params(callback)["code"],
        "redirect_uri": "http://testserver/accounts/sso/callback/",
    }
    token_url = f"{sso.issuer}/token"
    auth = (CLIENT_ID, CLIENT_SECRET)

    # a code that leaked (browser history, logs) is refused without the PKCE verifier
    assert requests.post(token_url, data=exchange, auth=auth, timeout=10).status_code == 400

    # once exchanged (with the verifier), the same code is refused: the page says start again
    verifier = client.session["oidc_states"][state]["code_verifier"]
    used = requests.post(
        token_url, data={**exchange, "code_verifier": verifier}, auth=auth, timeout=10
    )
    assert used.status_code == 200
    response = client.get(callback)
    assert_refused(response, 400, "The sign-in link expired")
    assert "no longer accepts this code" in response.content.decode()
    assert not User.objects.exists()


def test_signing_in_over_another_persons_session_switches_to_the_new_person(
    client: Client, sso: TestProvider, member: User
) -> None:
    client.force_login(member)
    response = client.get(provider_login(client, sso, "alice", next_url="/teams/"))
    assert response["Location"] == "/teams/"
    alice = User.objects.get(email="alice@example.com")
    assert client.session["_auth_user_id"] == str(alice.pk)
    assert client.session["oidc_id_token"]
