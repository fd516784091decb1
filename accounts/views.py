"""Account pages: login, password flows, preferences, API tokens, invitations and teams."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import selectors, services
from accounts.forms import (
    AcceptInvitationForm,
    InvitationForm,
    LoginForm,
    PasswordChangeForm,
    PasswordResetSetForm,
    ProfileForm,
    TokenCreateForm,
)
from accounts.http import request_user
from accounts.middleware import browser_time_zone
from core.errors import Conflict, DomainError, NotFound
from core.forms import form_add_domain_error


class LoginView(auth_views.LoginView):
    form_class = LoginForm  # type: ignore[assignment]
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """Plus the "Sign in with …" link when single sign-on is on (docs/sso.md)."""
        context = super().get_context_data(**kwargs)
        context["sso_enabled"] = selectors.sso_enabled()
        context["sso_provider_name"] = settings.OIDC_PROVIDER_NAME
        context["password_login_all"] = settings.PASSWORD_LOGIN == "all"  # noqa: S105
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        locale_default_from_browser(request=self.request, user=form.get_user())
        return response


def locale_default_from_browser(*, request: HttpRequest, user: Any) -> None:
    """Before someone chooses, their language is the one the page was shown in, when the
    browser asked for one (the language cookie or Accept-Language), and their zone the
    browser's (zone_picker.js's cookie). Called after each way of signing in: the login form,
    accepting an invitation, and single sign-on (``accounts.sso_views``)."""
    asked = settings.LANGUAGE_COOKIE_NAME in request.COOKIES or request.headers.get(
        "Accept-Language"
    )
    services.user_locale_default(
        user=user,
        language=getattr(request, "LANGUAGE_CODE", None) if asked else None,
        time_zone=browser_time_zone(request),
    )


def _set_language_cookie(response: HttpResponse, language: str) -> HttpResponse:
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,  # type: ignore[arg-type]
    )
    return response


@require_POST
def language_set(request: HttpRequest) -> HttpResponse:
    """The language switcher (login, password and candidate pages): remember the choice in the
    language cookie and, for someone logged in, in their profile; then go back."""
    language = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    if language not in dict(settings.LANGUAGES):
        messages.error(request, _("Choose one of the offered languages."))
        return redirect(target)
    if request.user.is_authenticated:
        services.user_language_set(user=request_user(request), language=language)
    return _set_language_cookie(redirect(target), language)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Changing the password also revokes the user's API tokens (see the form)."""

    form_class = PasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Setting a new password revokes the user's API tokens and lifts the login limit."""

    form_class = PasswordResetSetForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.login_limit_lift(user=form.user)
        return response


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = ProfileForm(
        request.POST or None,
        current_time_zone=user.time_zone,
        initial={
            "name": user.name,
            "time_zone": user.time_zone,
            "language": user.language,
            "email_notifications": user.email_notifications,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update_preferences(user=user, **form.cleaned_data)
        except DomainError as exc:
            form_add_domain_error(form, exc)
        else:
            # Activated here so the message is in the language just chosen.
            translation.activate(user.language)
            messages.success(request, _("Your preferences were saved."))
            # The login page (after logging out) keeps the chosen language.
            return _set_language_cookie(redirect("accounts:profile"), user.language)
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def tokens(request: HttpRequest) -> HttpResponse:
    form = TokenCreateForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        _token, new_key = services.api_token_create(
            user=request_user(request), name=form.cleaned_data["name"]
        )
        form = TokenCreateForm()
    return render(
        request,
        "accounts/tokens.html",
        {
            "form": form,
            "tokens": selectors.api_tokens_of(user=request_user(request)),
            "new_key": new_key,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    try:
        token = selectors.api_token_get_own(user=request_user(request), token_id=token_id)
    except NotFound as exc:
        raise Http404 from exc
    if request.method == "POST":
        services.api_token_revoke(token=token)
        messages.success(request, _("The token “%(name)s” was revoked.") % {"name": token.name})
        return redirect("accounts:tokens")
    return render(
        request,
        "core/confirm.html",
        {
            "title": _("Revoke this API token?"),
            "body": _(
                "Programs using “%(name)s” (%(prefix)s…) will stop working at once. "
                "This can't be undone."
            )
            % {"name": token.name, "prefix": token.prefix},
            "action": _("Revoke token"),
            "cancel_url": reverse("accounts:tokens"),
        },
    )


@require_http_methods(["GET", "POST"])
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    try:
        invitation = selectors.invitation_from_token(token)
        services.invitation_check_usable(invitation)
    except (NotFound, Conflict) as exc:
        return render(
            request,
            "accounts/invitation_unusable.html",
            {"message": exc.message},
            status=404 if isinstance(exc, NotFound) else 410,
        )
    existing = selectors.user_exists_with_email(email=invitation.email)
    signed_in_as_invitee = (
        request.user.is_authenticated
        and request_user(request).email.lower() == invitation.email.lower()
    )
    form: AcceptInvitationForm | None = None
    if not existing:
        form = AcceptInvitationForm(request.POST or None, initial={"name": invitation.name})
    if request.method == "POST" and (form is None or form.is_valid()):
        try:
            user, created = services.invitation_accept(
                invitation=invitation,
                name=form.cleaned_data["name"] if form else "",
                password=form.cleaned_data["password1"] if form else "",
                acting_user=request.user if request.user.is_authenticated else None,
            )
        except Conflict as exc:
            if existing and not signed_in_as_invitee:
                messages.error(request, exc.message)
                return redirect(f"{reverse('accounts:login')}?next={request.path}")
            return render(
                request, "accounts/invitation_unusable.html", {"message": exc.message}, status=410
            )
        except DomainError as exc:
            if form is None:
                raise
            form_add_domain_error(form, exc, field_map={"password": "password1"})
        else:
            if created:
                auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                locale_default_from_browser(request=request, user=user)
                messages.success(
                    request, _("Welcome to %(team)s!") % {"team": invitation.team.name}
                )
                return redirect("home:home")
            messages.success(request, _("You joined %(team)s.") % {"team": invitation.team.name})
            return redirect("home:home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {
            "invitation": invitation,
            "form": form,
            "existing": existing,
            "signed_in_as_invitee": signed_in_as_invitee,
        },
    )


@login_required
def team_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "accounts/team_list.html",
        {"teams": selectors.teams_visible_to(request_user(request))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_detail(request: HttpRequest, team_id: int) -> HttpResponse:
    try:
        team = selectors.team_get_visible(user=request_user(request), team_id=team_id)
    except NotFound as exc:
        raise Http404 from exc
    can_manage = selectors.user_is_admin(request.user) or team.pk in selectors.user_lead_team_ids(
        request.user
    )
    form = (
        InvitationForm(request.POST or None, allow_leads=selectors.user_is_admin(request.user))
        if can_manage
        else None
    )
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    invited_by=request_user(request), team=team, **form.cleaned_data
                )
            except DomainError as exc:
                form_add_domain_error(form, exc)
            else:
                messages.success(
                    request,
                    _("An invitation is on its way to %(email)s.") % {"email": invitation.email},
                )
                return redirect("accounts:team_detail", team_id=team.pk)
    context: dict[str, Any] = {
        "team": team,
        "memberships": selectors.team_memberships(team=team),
        "can_manage": can_manage,
        "form": form,
        "invitations": selectors.invitations_pending_for_team(team=team) if can_manage else [],
        "invitation_days": settings.INVITATION_EXPIRY.days,
    }
    return render(request, "accounts/team_detail.html", context)


def _managed_invitation(request: HttpRequest, invitation_id: Any) -> Any:
    try:
        return selectors.invitation_get_managed(
            user=request_user(request), invitation_id=invitation_id
        )
    except NotFound as exc:
        raise Http404 from exc


@login_required
@require_http_methods(["GET", "POST"])
def invitation_revoke(request: HttpRequest, invitation_id: str) -> HttpResponse:
    invitation = _managed_invitation(request, invitation_id)
    back = reverse("accounts:team_detail", args=[invitation.team_id])
    if request.method == "POST":
        services.invitation_revoke(invitation=invitation)
        messages.success(
            request, _("The invitation for %(email)s was withdrawn.") % {"email": invitation.email}
        )
        return redirect(back)
    return render(
        request,
        "core/confirm.html",
        {
            "title": _("Withdraw this invitation?"),
            "body": _("The link sent to %(email)s will stop working.")
            % {"email": invitation.email},
            "action": _("Withdraw invitation"),
            "cancel_url": back,
        },
    )


@login_required
@require_POST
def invitation_resend(request: HttpRequest, invitation_id: str) -> HttpResponse:
    invitation = _managed_invitation(request, invitation_id)
    try:
        services.invitation_resend(invitation=invitation)
    except Conflict as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The invitation was sent again to %(email)s.") % {"email": invitation.email}
        )
    return redirect("accounts:team_detail", team_id=invitation.team_id)
