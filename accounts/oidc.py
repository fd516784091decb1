"""Single sign-on with OpenID Connect, on mozilla-django-oidc (docs/sso.md).

mozilla-django-oidc runs the authorization-code flow: the ``state`` (one use, kept in the
session), the ``nonce``, PKCE (``OIDC_USE_PKCE``), the code exchange, the userinfo request and the
ID token's signature. What it leaves out is added here:

- the endpoints and keys come from the issuer's discovery document, so only ``OIDC_ISSUER`` is
  configured; the document must name that issuer (OpenID Connect Discovery 1.0, 4.3);
- the ID token's ``iss``, ``aud`` (and ``azp`` when there are several audiences), ``exp``,
  ``iat`` and ``sub`` are required and checked (the library checks no issuer and no audience);
- the signing key is looked up by ``kid`` in the provider's JWKS, kept in memory, and fetched
  again when a token names a key not seen yet (key rotation); only ``OIDC_SIGN_ALGORITHMS`` are
  accepted (never ``none`` or a shared-secret algorithm unless configured);
- every failure becomes ``SsoRefused`` with a reason, which ``accounts.sso_views`` shows as a
  page that says what happened, instead of the library's silent redirect or a 400/500.

The discovery document and the JWKS are kept per process (no Redis needed, so a down cache
never stops a login); a stale copy keeps serving while the provider's discovery is unreachable.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import checks
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts import services
from accounts.models import User
from accounts.selectors import sso_enabled
from accounts.services import SsoRefused

logger = logging.getLogger(__name__)

# A token naming a key that the JWKS lacked even after fetching it again is refused without
# fetching again for this long (a flood of such tokens can't become a flood of fetches).
JWKS_MISS_SECONDS = 60


@dataclass(frozen=True)
class ProviderMetadata:
    """What the discovery document says about the provider."""

    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""
    end_session_endpoint: str = ""


_lock = threading.Lock()
_discovery: dict[str, tuple[float, ProviderMetadata]] = {}
_jwks: dict[str, tuple[float, list[dict[str, Any]]]] = {}
_jwks_misses: dict[tuple[str, str], float] = {}


def caches_clear() -> None:
    """Forget every discovery document and key set (tests; a changed issuer)."""
    with _lock:
        _discovery.clear()
        _jwks.clear()
        _jwks_misses.clear()


def _get_json(url: str) -> Any:
    response = requests.get(
        url, timeout=settings.OIDC_TIMEOUT, headers={"Accept": "application/json"}
    )
    response.raise_for_status()
    return response.json()


def provider_metadata() -> ProviderMetadata:
    """The provider's endpoints from ``{OIDC_ISSUER}/.well-known/openid-configuration``, read
    when first needed and kept ``OIDC_DISCOVERY_CACHE_SECONDS``.

    ``SsoRefused("unavailable")`` if it can't be read and no earlier copy is kept;
    ``SsoRefused("misconfigured")`` if it names another issuer or lacks an endpoint.
    """
    issuer = settings.OIDC_ISSUER
    now = time.monotonic()
    cached = _discovery.get(issuer)
    if cached and now - cached[0] < settings.OIDC_DISCOVERY_CACHE_SECONDS:
        return cached[1]
    try:
        document = _get_json(f"{issuer}/.well-known/openid-configuration")
    except (requests.RequestException, ValueError) as exc:
        if cached:
            logger.warning("OpenID discovery failed (%s); using the copy read earlier", exc)
            return cached[1]
        logger.warning("OpenID discovery at %s failed: %s", issuer, exc)
        raise SsoRefused("unavailable", str(exc)) from exc
    if not isinstance(document, dict) or document.get("issuer") != issuer:
        found = document.get("issuer") if isinstance(document, dict) else None
        raise SsoRefused(
            "misconfigured",
            _("The discovery document names the issuer %(found)s, not %(issuer)s.")
            % {"found": found, "issuer": issuer},
        )
    try:
        metadata = ProviderMetadata(
            issuer=issuer,
            authorization_endpoint=str(document["authorization_endpoint"]),
            token_endpoint=str(document["token_endpoint"]),
            jwks_uri=str(document["jwks_uri"]),
            userinfo_endpoint=str(document.get("userinfo_endpoint") or ""),
            end_session_endpoint=str(document.get("end_session_endpoint") or ""),
        )
    except KeyError as exc:
        raise SsoRefused(
            "misconfigured",
            _("The discovery document has no %(field)s.") % {"field": exc.args[0]},
        ) from exc
    with _lock:
        _discovery[issuer] = (now, metadata)
    return metadata


def _jwks_keys(uri: str, *, refresh: bool = False) -> list[dict[str, Any]]:
    now = time.monotonic()
    cached = _jwks.get(uri)
    if cached and not refresh and now - cached[0] < settings.OIDC_DISCOVERY_CACHE_SECONDS:
        return cached[1]
    try:
        document = _get_json(uri)
        keys = [key for key in document["keys"] if isinstance(key, dict)]
    except (requests.RequestException, ValueError, KeyError, TypeError) as exc:
        if cached:
            logger.warning("Fetching the JWKS failed (%s); using the keys read earlier", exc)
            return cached[1]
        raise SsoRefused("unavailable", str(exc)) from exc
    with _lock:
        _jwks[uri] = (now, keys)
    return keys


_KEY_TYPES = {"RS": "RSA", "PS": "RSA", "ES": "EC", "Ed": "OKP"}


def _matching_key(keys: list[dict[str, Any]], kid: str | None, alg: str) -> dict[str, Any] | None:
    candidates = [
        key
        for key in keys
        if key.get("use", "sig") == "sig"
        and key.get("kty") == _KEY_TYPES.get(alg[:2])
        and key.get("alg", alg) == alg
        and (kid is None or key.get("kid") == kid)
    ]
    # Without a kid a token is only accepted when exactly one key could have signed it.
    return candidates[0] if len(candidates) == 1 else None


def signing_key(header: dict[str, Any]) -> jwt.PyJWK:
    """The provider's public key for a token with this header, by ``kid``; the JWKS is fetched
    again once when the kid is new (the provider rotated its keys)."""
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in settings.OIDC_SIGN_ALGORITHMS:
        raise SsoRefused(
            "invalid_token",
            _("The ID token is signed with %(alg)s, which is not accepted.") % {"alg": alg},
        )
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise SsoRefused("invalid_token", _("The ID token's key id is not a string."))
    uri = provider_metadata().jwks_uri
    key = _matching_key(_jwks_keys(uri), kid, alg)
    if key is None:
        missed_at = _jwks_misses.get((uri, kid or ""))
        if missed_at is None or time.monotonic() - missed_at > JWKS_MISS_SECONDS:
            key = _matching_key(_jwks_keys(uri, refresh=True), kid, alg)
        if key is None:
            with _lock:
                _jwks_misses[(uri, kid or "")] = time.monotonic()
            raise SsoRefused(
                "invalid_token",
                _("The provider publishes no key %(kid)s for %(alg)s.") % {"kid": kid, "alg": alg},
            )
    try:
        return jwt.PyJWK(key, algorithm=alg)
    except jwt.PyJWTError as exc:
        raise SsoRefused(
            "invalid_token",
            _("The provider's key %(kid)s can't be used: %(error)s") % {"kid": kid, "error": exc},
        ) from exc


def id_token_verify(token: str, *, nonce: str | None, userinfo: bool = False) -> dict[str, Any]:
    """The claims of an ID token after every check of OpenID Connect Core 3.1.3.7: signature by
    a key of the provider, ``iss`` = the issuer, ``aud`` contains the client id (``azp`` = the
    client id when there are several), ``exp`` not passed and ``iat`` not ahead (with
    ``OIDC_CLOCK_SKEW_SECONDS``), ``nonce`` = the one sent. A signed userinfo answer
    (``userinfo=True``) has no nonce and may have no ``exp``.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise SsoRefused("invalid_token", _("The ID token is not a signed JWT.")) from exc
    key = signing_key(header)
    metadata = provider_metadata()
    required = ["iss", "sub", "aud"] if userinfo else ["iss", "sub", "aud", "exp", "iat"]
    try:
        claims = jwt.decode(
            token,
            key=key,
            algorithms=[header["alg"]],
            audience=settings.OIDC_CLIENT_ID,
            issuer=metadata.issuer,
            leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
            options={"require": required},
        )
    except jwt.ExpiredSignatureError as exc:
        raise SsoRefused("expired", _("The ID token has expired.")) from exc
    except jwt.InvalidAudienceError as exc:
        raise SsoRefused(
            "invalid_token", _("The ID token was issued for another application (aud).")
        ) from exc
    except jwt.InvalidIssuerError as exc:
        raise SsoRefused("invalid_token", _("The ID token comes from another issuer.")) from exc
    except jwt.InvalidSignatureError as exc:
        raise SsoRefused("invalid_token", _("The ID token's signature is not valid.")) from exc
    except jwt.PyJWTError as exc:
        raise SsoRefused(
            "invalid_token", _("The ID token is not valid: %(error)s") % {"error": exc}
        ) from exc
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if len(audiences) > 1 and claims.get("azp") != settings.OIDC_CLIENT_ID:
        raise SsoRefused(
            "invalid_token", _("The ID token has several audiences and is not for us (azp).")
        )
    if not userinfo and not (
        isinstance(nonce, str)
        and isinstance(claims.get("nonce"), str)
        and hmac.compare_digest(claims["nonce"], nonce)
    ):
        raise SsoRefused("invalid_token", _("The ID token's nonce is not the one we sent."))
    return claims


class OidcBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with the endpoints from discovery, the checks above, and
    the accounts' rules (``accounts.services.sso_sign_in``). It is called by
    ``accounts.sso_views.SsoCallbackView`` only, never by ``django.contrib.auth.authenticate``
    (so a password login never reaches it). It raises ``SsoRefused`` rather than returning
    ``None``, so the page can say why."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads the endpoints from settings here; they come from discovery instead.
        self.UserModel = get_user_model()
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID
        self.OIDC_RP_CLIENT_SECRET = settings.OIDC_CLIENT_SECRET

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # the library's name
        return provider_metadata().token_endpoint

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:  # the library's name
        return provider_metadata().userinfo_endpoint

    def get_token(self, payload: dict[str, Any]) -> dict[str, Any]:
        try:
            answer = super().get_token(payload)
        except requests.HTTPError as exc:
            response = exc.response
            status = response.status_code if response is not None else 0
            error = ""
            if response is not None:
                try:
                    error = str(response.json().get("error", ""))
                except (ValueError, AttributeError):
                    error = ""
            if status >= 500 or status == 0:
                raise SsoRefused("unavailable", f"token endpoint answered {status}") from exc
            if error == "invalid_grant":  # the code was used, or expired, or is not ours
                raise SsoRefused("expired", _("The provider no longer accepts this code.")) from exc
            raise SsoRefused(
                "misconfigured",
                _("The token endpoint refused the request: %(error)s") % {"error": error or status},
            ) from exc
        except (requests.RequestException, ValueError) as exc:
            raise SsoRefused("unavailable", str(exc)) from exc
        if not isinstance(answer, dict) or not isinstance(answer.get("id_token"), str):
            raise SsoRefused("invalid_token", _("The token endpoint sent no ID token."))
        return answer

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        return id_token_verify(token, nonce=kwargs.get("nonce"))

    def get_userinfo(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> dict[str, Any]:
        """The userinfo endpoint's claims (none if the provider has no such endpoint); its
        ``sub`` must be the ID token's (OpenID Connect Core 5.3.4)."""
        endpoint = self.OIDC_OP_USER_ENDPOINT
        if not endpoint or not access_token:
            return {}
        try:
            response = requests.get(
                endpoint,
                headers={"Authorization": f"Bearer {access_token}"},
                timeout=settings.OIDC_TIMEOUT,
            )
            response.raise_for_status()
            if response.headers.get("content-type", "").lower().startswith("application/jwt"):
                info = id_token_verify(response.text, nonce=None, userinfo=True)
            else:
                info = response.json()
        except requests.HTTPError as exc:
            raise SsoRefused("unavailable", f"userinfo answered {exc.response}") from exc
        except (requests.RequestException, ValueError) as exc:
            raise SsoRefused("unavailable", str(exc)) from exc
        if not isinstance(info, dict) or info.get("sub") != payload.get("sub"):
            raise SsoRefused("invalid_token", _("The userinfo answer is about someone else."))
        return info

    def get_or_create_user(self, access_token: str, id_token: str, payload: dict[str, Any]) -> User:
        userinfo = self.get_userinfo(access_token, id_token, payload)
        # The ID token's own claims win: they are the ones whose signature was checked.
        claims = {**userinfo, **payload}
        return services.sso_sign_in(issuer=payload["iss"], claims=claims)


def end_session_url(request: HttpRequest, id_token: str) -> str | None:
    """Where to send someone who logs out of a single sign-on session so that the provider's
    session ends too (RP-Initiated Logout 1.0), or ``None`` if the provider offers no
    end-session endpoint (or can't be reached: the local logout happens anyway)."""
    try:
        endpoint = provider_metadata().end_session_endpoint
    except SsoRefused:
        return None
    if not endpoint:
        return None
    parts = urlsplit(endpoint)
    query = urlencode(
        {
            "id_token_hint": id_token,
            "client_id": settings.OIDC_CLIENT_ID,
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("accounts:login")),
        }
    )
    query = f"{parts.query}&{query}" if parts.query else query
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))


@checks.register(checks.Tags.security)
def sso_settings_check(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse settings that would lock people out or let strangers in."""
    messages: list[checks.CheckMessage] = []
    try:
        services.sso_group_rules()
    except ValueError as exc:
        messages.append(checks.Error(str(exc), id="accounts.E010"))
    if settings.PASSWORD_LOGIN == "break_glass_only" and not sso_enabled():  # noqa: S105
        messages.append(
            checks.Error(
                "PASSWORD_LOGIN=break_glass_only needs single sign-on (OIDC_ISSUER and "
                "OIDC_CLIENT_ID): nobody else could log in.",
                id="accounts.E011",
            )
        )
    if settings.PASSWORD_LOGIN == "break_glass_only" and not settings.BREAK_GLASS_USERS:  # noqa: S105
        messages.append(
            checks.Warning(
                "PASSWORD_LOGIN=break_glass_only with no BREAK_GLASS_USERS: nobody can log in "
                "with a password if the identity provider is down.",
                id="accounts.W012",
            )
        )
    if sso_enabled() and not settings.OIDC_ALLOWED_EMAIL_DOMAINS:
        messages.append(
            checks.Warning(
                "Single sign-on is on with no OIDC_ALLOWED_EMAIL_DOMAINS: anyone the provider "
                "signs in gets an account.",
                hint="List your organisation's domains, or silence accounts.W013 if the "
                "provider only signs in your own people.",
                id="accounts.W013",
            )
        )
    if sso_enabled() and not settings.OIDC_ISSUER.startswith("https://") and not settings.DEBUG:
        messages.append(
            checks.Warning("OIDC_ISSUER should be an https:// URL.", id="accounts.W014")
        )
    if sso_enabled() and not settings.OIDC_EMAIL_VERIFIED_CLAIM:
        messages.append(
            checks.Warning(
                "OIDC_EMAIL_VERIFIED_CLAIM is empty: a first sign-in links to the password "
                "account with the same email even if the provider never verified it.",
                hint="Name the provider's verified-email claim (email_verified; xms_edov for "
                "Entra ID).",
                id="accounts.W015",
            )
        )
    return messages
