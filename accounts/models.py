"""Users, teams, memberships, new-hire invitations, API tokens and single sign-on identities."""

from __future__ import annotations

import uuid
import zoneinfo
from typing import Any, ClassVar, TypeAlias

from django.conf import settings
from django.contrib.auth.models import (
    AbstractBaseUser,
    AnonymousUser,
    BaseUserManager,
    PermissionsMixin,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Every email column (User, Invitation, assessments' CandidateInvitation) is an EmailField of the
# default size, varchar(254) on PostgreSQL. Django's address validator allows up to 320
# characters, so every form, serializer and service that takes an address checks this too.
EMAIL_MAX_LENGTH = 254
EMAIL_TOO_LONG = _("Enter an email address of at most 254 characters.")


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields: Any) -> User:
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields: Any) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an email address. ``is_staff`` makes them an admin."""

    email = models.EmailField(_("email"), unique=True)
    name = models.CharField(_("name"), max_length=150)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default="en"
    )
    # False until the person saves their preferences: until then, each login takes the
    # language and time zone from the browser (accounts.services.user_locale_default).
    # db_default: rows inserted by code that predates the column (older migrations' models).
    locale_chosen = models.BooleanField(
        _("language and time zone chosen"), default=False, db_default=False
    )
    email_notifications = models.BooleanField(
        _("email notifications"),
        default=True,
        help_text=_("Send reminders by email as well as in the app."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("admin"), default=False, help_text=_("Admins author content and manage everything.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    erased_at = models.DateTimeField(
        _("personal data erased"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When an admin erased this person's data (the row stays, anonymous)."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["name"]

    # Not a field: accounts.selectors.user_lead_team_ids caches the answer for the request here.
    _lead_team_ids: set[int]

    class Meta:
        ordering = ("name", "email")
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>" if self.name else self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


Viewer: TypeAlias = User
"""The person looking, as public services and selectors take them: a signed-in ``User``.
Visibility follows from them (admin, lead of a team, member); anything they may not see is
``NotFound``. Callers holding ``request.user`` pass ``accounts.http.request_user(request)``."""

MaybeViewer: TypeAlias = User | AnonymousUser
"""A viewer who may be anonymous: only the role checks (``user_is_admin``, ``user_is_lead``)
take one, and answer False for anonymous."""


class Team(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("name",)
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("Member")
        LEAD = "lead", _("Lead")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("person")
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("team")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("team__name", "user__name")
        verbose_name = _("team membership")
        verbose_name_plural = _("team memberships")
        constraints = [
            models.UniqueConstraint(fields=("user", "team"), name="accounts_membership_unique"),
        ]
        indexes = [models.Index(fields=("team", "role"))]

    def __str__(self) -> str:
        return gettext("%(person)s in %(team)s (%(role)s)") % {
            "person": self.user,
            "team": self.team,
            "role": self.get_role_display(),
        }


class Invitation(models.Model):
    """An invitation for a new hire to join a team and set a password.

    The link carries a signature of the id (see ``accounts.services.invitation_token``), so no
    secret is stored. It can be used once, until ``expires_at``, unless revoked.
    """

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("team")
    )
    role = models.CharField(
        _("role"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    invited_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("new-hire invitation")
        verbose_name_plural = _("new-hire invitations")
        indexes = [models.Index(fields=("team", "accepted_at", "revoked_at"))]

    def __str__(self) -> str:
        return gettext("Invitation for %(email)s to %(team)s") % {
            "email": self.email,
            "team": self.team,
        }

    @property
    def state(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "revoked"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class ApiToken(models.Model):
    """A personal API token. Only a SHA-256 hash of the key is stored."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("person")
    )
    name = models.CharField(_("name"), max_length=100, default="API token")
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("prefix"),
        max_length=12,
        editable=False,
        help_text=_("The first characters, to recognise it."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class ExternalIdentity(models.Model):
    """A person's account at the single sign-on provider, linked to their user here.

    Once linked, a login from the provider finds the user by ``(issuer, subject)`` (the
    provider's stable id for the person), never again by email. See docs/sso.md.
    """

    user = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        related_name="external_identities",
        verbose_name=_("person"),
    )
    issuer = models.CharField(_("issuer"), max_length=255)
    subject = models.CharField(_("subject"), max_length=255)
    email = models.EmailField(_("email at the provider"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_login_at = models.DateTimeField(_("last login"), null=True, blank=True)

    class Meta:
        verbose_name = _("single sign-on identity")
        verbose_name_plural = _("single sign-on identities")
        constraints = [
            models.UniqueConstraint(
                fields=("issuer", "subject"), name="accounts_external_identity_unique"
            ),
            # One identity per provider and user: a second person at the provider can't take
            # over an account already linked to someone there.
            models.UniqueConstraint(
                fields=("user", "issuer"), name="accounts_external_identity_one_per_issuer"
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(subject)s at %(issuer)s") % {
            "subject": self.subject,
            "issuer": self.issuer,
        }
