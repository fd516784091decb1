from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.http import HttpRequest
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts import selectors, services
from accounts.fields import email_field
from accounts.models import Membership, User
from core.errors import DomainError
from core.timezones import zone_choices


def _login_request(request: HttpRequest | None) -> HttpRequest:
    """The login limits count per address, so a login form needs the request."""
    if request is None:
        raise TypeError("A login form needs the request (the login limits use its address).")
    return request


class LoginForm(forms.Form):
    """Email and password, checked under the login limits (``accounts.lockout``)."""

    email = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, request: HttpRequest | None = None, *args: Any, **kwargs: Any) -> None:
        self.request = request
        self.user_cache: User | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            self.user_cache = services.login_authenticate(
                request=_login_request(self.request),
                email=cleaned["email"],
                password=cleaned["password"],
            )
        except DomainError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        return cleaned

    def get_user(self) -> User | None:
        return self.user_cache


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        help_text=_("Dates, times and reminders follow this zone."),
        # static/js/zone_picker.js adds a filter box; without JavaScript it is a plain select.
        widget=forms.Select(attrs={"data-zone-picker": ""}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    email_notifications = forms.BooleanField(
        label=_("Email me reminders as well as showing them in the app"), required=False
    )

    def __init__(self, *args: Any, current_time_zone: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The curated list, plus the zone stored today if it is not on it (an old alias).
        cast(forms.ChoiceField, self.fields["time_zone"]).choices = zone_choices(
            extra=current_time_zone
        )


class InvitationForm(forms.Form):
    email = email_field(label=_("Email"))
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, initial=Membership.Role.MEMBER
    )

    def __init__(self, *args: Any, allow_leads: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not allow_leads:  # only admins make leads; a lead invites members
            del self.fields["role"]


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(label=_("Your name"), max_length=150)
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("password1") and cleaned.get("password1") != cleaned.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        return cleaned


class TokenCreateForm(forms.Form):
    name = forms.CharField(
        label=_("What is it for?"), max_length=100, initial=_("API token"), required=False
    )


# Django's password forms, saving through ``services.user_password_set`` so that a new password
# always revokes the user's API tokens. ``save`` always saves: the password and the revocation
# are one write.


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    """The password-change page (the old password, then the new one twice)."""

    def save(self, commit: bool = True) -> User:
        return services.user_password_set(
            user=self.user, password=self.cleaned_data["new_password1"], reason="password_changed"
        )


class PasswordResetSetForm(auth_forms.SetPasswordForm):
    """The last step of a password reset by email."""

    def save(self, commit: bool = True) -> User:
        return services.user_password_set(
            user=self.user, password=self.cleaned_data["new_password1"], reason="password_reset"
        )


# Django's help text of "Password-based authentication", whose second sentence Django leaves
# unmarked and whose first its Polish catalogue lacks: ours carries both.
USABLE_PASSWORD_HELP = format_lazy(
    '{}<ul id="id_unusable_warning" class="messagelist"><li class="warning">{}</li></ul>',
    _(
        "Whether the user will be able to authenticate using a password or not. "
        "If disabled, they may still be able to authenticate using other backends, "
        "such as Single Sign-On or LDAP."
    ),
    _("If disabled, the current password for this user will be lost."),
)


class AdminPasswordForm(auth_forms.AdminPasswordChangeForm):
    """An admin sets someone's password, or disables password login for them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "usable_password" in self.fields:
            self.fields["usable_password"].help_text = USABLE_PASSWORD_HELP

    def save(self, commit: bool = True) -> User:
        usable = self.cleaned_data["set_usable_password"]
        return services.user_password_set(
            user=self.user,
            password=self.cleaned_data["password1"] if usable else None,
            reason="password_set_by_admin",
        )


class AdminLoginForm(AdminAuthenticationForm):
    """The admin's login, under the same login limits as every other login."""

    def clean(self) -> dict[str, Any]:
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email and password:
            try:
                self.user_cache = services.login_authenticate(
                    request=_login_request(self.request), email=email, password=password
                )
            except DomainError as exc:
                raise forms.ValidationError(exc.message, code=exc.code) from exc
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class PasswordResetRequestForm(auth_forms.PasswordResetForm):
    """Django's "forgot your password?" form, which mails no one who may not log in with a
    password (``PASSWORD_LOGIN=break_glass_only``; docs/sso.md). The page answers the same."""

    def get_users(self, email: str) -> Any:
        if not selectors.password_login_allowed(email=email):
            return iter(())
        return super().get_users(email)
