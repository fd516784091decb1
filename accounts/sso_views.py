"""Single sign-on pages: start the login, the provider's callback, logout (docs/sso.md).

The protocol is ``accounts.oidc``; the account rules are ``accounts.services.sso_sign_in``.
Every refusal answers a page that says what happened and what to do, and creates nothing.
"""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.translation import gettext as _
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from accounts import oidc
from accounts.selectors import sso_enabled
from accounts.services import SsoRefusal, SsoRefused
from accounts.views import locale_default_from_browser

logger = logging.getLogger(__name__)

# Refusals that starting again may cure; the others need an administrator.
RETRYABLE = {"unavailable", "expired", "invalid_token", "cancelled", "conflict"}

# The session key where mozilla-django-oidc keeps the ID token (OIDC_STORE_ID_TOKEN).
ID_TOKEN_SESSION_KEY = "oidc_id_token"  # noqa: S105 (a key name)


def _refusal_page(request: HttpRequest, reason: SsoRefusal) -> tuple[str, str, int]:
    """The title, explanation and status of the page for a refusal."""
    provider = settings.OIDC_PROVIDER_NAME
    pages: dict[str, tuple[str, str, int]] = {
        "unavailable": (
            _("The identity provider is unreachable"),
            _(
                "We couldn't reach %(provider)s to sign you in. Nothing was changed; "
                "try again in a few minutes."
            ),
            503,
        ),
        "misconfigured": (
            _("Single sign-on is not set up correctly"),
            _(
                "%(provider)s and Readiness don't agree on their settings, so nobody can "
                "sign in this way right now. Please tell an administrator."
            ),
            502,
        ),
        "expired": (
            _("The sign-in link expired"),
            _(
                "Each sign-in link works once and for a few minutes, in the browser that "
                "started it. Start again and it will work."
            ),
            400,
        ),
        "invalid_token": (
            _("The sign-in could not be verified"),
            _(
                "The answer from %(provider)s did not pass our security checks, so you were "
                "not signed in. Try again; if it keeps happening, tell an administrator."
            ),
            400,
        ),
        "cancelled": (
            _("The sign-in was cancelled"),
            _("%(provider)s did not sign you in. You can start again when you are ready."),
            400,
        ),
        "no_email": (
            _("Your account has no email address"),
            _(
                "%(provider)s did not tell us your email address, which your account here "
                "needs. Ask an administrator to add one to your account there."
            ),
            403,
        ),
        "email_unverified": (
            _("Your email address isn't verified"),
            _(
                "%(provider)s did not confirm that your email address is yours, so we can't "
                "use it to create or link an account. Verify it there, then try again."
            ),
            403,
        ),
        "domain_not_allowed": (
            _("Your email domain isn't allowed"),
            _(
                "Readiness accepts sign-ins from its organisation's email domains only. "
                "Sign in with your work account, or ask an administrator for access."
            ),
            403,
        ),
        "inactive": (
            _("Your account is deactivated"),
            _("Your account here is switched off. Ask an administrator to switch it back on."),
            403,
        ),
        "linked_elsewhere": (
            _("This account is linked to someone else"),
            _(
                "An account with your email address is already linked to another person at "
                "%(provider)s. Ask an administrator to check the account."
            ),
            409,
        ),
        "conflict": (
            _("You are being signed in twice"),
            _("Another sign-in of yours is going on at the same moment. Try again."),
            409,
        ),
    }
    title, message, status = pages[reason]
    return title, message % {"provider": provider}, status


def sso_refused_response(request: HttpRequest, exc: SsoRefused) -> HttpResponse:
    title, message, status = _refusal_page(request, exc.reason)
    logger.warning("Single sign-on refused (%s): %s", exc.reason, exc.detail or "-")
    next_url = request.session.get("oidc_login_next") or ""
    retry = reverse("accounts:sso_login")
    if next_url:
        retry = f"{retry}?{urlencode({'next': next_url})}"
    return render(
        request,
        "accounts/sso_error.html",
        {
            "title": title,
            "message": message,
            "detail": exc.detail if exc.reason not in ("unavailable",) else "",
            "reason": exc.reason,
            "retry_url": retry,
            "retry": exc.reason in RETRYABLE,
            "provider_name": settings.OIDC_PROVIDER_NAME,
        },
        status=status,
    )


class SsoLoginView(OIDCAuthenticationRequestView):
    """Send the browser to the provider with a fresh ``state``, ``nonce`` and PKCE challenge
    (kept in the session by mozilla-django-oidc)."""

    def __init__(self, **kwargs: Any) -> None:
        # The library reads the endpoint from settings here; it comes from discovery instead.
        super(OIDCAuthenticationRequestView, self).__init__(**kwargs)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = oidc.provider_metadata().authorization_endpoint
        except SsoRefused as exc:
            return sso_refused_response(request, exc)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_CLIENT_ID
        return super().get(request)


class SsoCallbackView(OIDCAuthenticationCallbackView):
    """The provider sends the browser back here with a code (or an error).

    The ``state`` is taken out of the session before anything else, so it works once even when
    the login then fails; an unknown, used or old state is refused. Then the code is exchanged,
    the ID token checked and the account found, linked or created (``accounts.oidc``).
    """

    def get(self, request: HttpRequest) -> HttpResponse:
        if not sso_enabled():
            raise Http404
        try:
            return self._sign_in(request)
        except SsoRefused as exc:
            return sso_refused_response(request, exc)

    def _sign_in(self, request: HttpRequest) -> HttpResponse:
        state = request.GET.get("state", "")
        states = request.session.get("oidc_states")
        entry = states.pop(state, None) if isinstance(states, dict) and state else None
        if entry is not None:
            request.session["oidc_states"] = states
            request.session.save()
        if request.GET.get("error"):
            raise SsoRefused(
                "cancelled",
                _("The provider answered %(error)s.") % {"error": request.GET["error"][:100]},
            )
        if not isinstance(entry, dict):
            raise SsoRefused("expired", _("This sign-in's state is unknown or already used."))
        if time.time() - float(entry.get("added_on", 0)) > settings.OIDC_STATE_MAX_AGE_SECONDS:
            raise SsoRefused("expired", _("This sign-in was started too long ago."))
        issuer = request.GET.get("iss")
        if issuer is not None and issuer != settings.OIDC_ISSUER:
            # RFC 9207: the answer names the issuer that sent it (a mix-up attack otherwise).
            raise SsoRefused("invalid_token", _("The answer comes from another issuer (iss)."))
        if not request.GET.get("code"):
            raise SsoRefused("invalid_token", _("The answer has no code."))
        # A fresh session object, loaded when first used after the provider's answers (as the
        # library does), so what other tabs changed meanwhile is not overwritten.
        request.session = request.session.__class__(request.session.session_key)
        backend = oidc.OidcBackend()
        user = backend.authenticate(
            request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
        )
        if user is None or not user.is_active:
            raise SsoRefused("inactive")
        # The session is an ordinary one (ModelBackend loads the user on each request); what
        # marks it as single sign-on is the stored ID token, which logout hands to the provider.
        id_token = request.session.get(ID_TOKEN_SESSION_KEY)
        next_url = request.session.get("oidc_login_next")
        auth.login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        if id_token:  # login() empties the session when someone else was logged in
            request.session[ID_TOKEN_SESSION_KEY] = id_token
        # Until they choose, the language and zone of the browser they signed in with.
        locale_default_from_browser(request=request, user=user)
        self.user = user
        return HttpResponseRedirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))


class LogoutView(auth_views.LogoutView):
    """End the session here, then, for a single sign-on session, the provider's too when it
    offers an end-session endpoint (it sends the browser back to the login page).

    The way to the provider is a page that moves on by itself (a zero-second refresh, plus a
    link), not a redirect: the Content-Security-Policy's ``form-action 'self'`` would stop the
    browser from following a form's redirect to another site.
    """

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        id_token = request.session.get(ID_TOKEN_SESSION_KEY)
        provider_logout = (
            oidc.end_session_url(request, id_token)
            if id_token and sso_enabled() and request.user.is_authenticated
            else None
        )
        response = super().post(request, *args, **kwargs)
        if not provider_logout:
            return response
        return render(
            request,
            "accounts/sso_logout.html",
            {"provider_logout_url": provider_logout, "provider_name": settings.OIDC_PROVIDER_NAME},
        )
