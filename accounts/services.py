"""Writes for accounts. Every change to users, teams, invitations and tokens goes through here."""

from __future__ import annotations

import logging
import math
import secrets
from datetime import timedelta
from typing import Any, Literal

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import lockout
from accounts.models import (
    EMAIL_MAX_LENGTH,
    EMAIL_TOO_LONG,
    ApiToken,
    Invitation,
    Membership,
    Team,
    User,
    validate_time_zone,
)
from accounts.selectors import (
    api_token_hash,
    invitation_token,
    teams_led_by,
    user_is_admin,
)
from core.email import email_send
from core.errors import Conflict, NotFound, TooManyAttempts, ValidationFailed
from core.tasks import enqueue_on_commit

logger = logging.getLogger(__name__)

TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)

# Why every API token of a user was revoked (logged).
TokensRevokedBecause = Literal[
    "password_changed", "password_reset", "password_set_by_admin", "deactivated"
]


def email_normalize(email: str) -> str:
    """The address as stored: stripped and lower-case.

    ``ValidationFailed`` (field ``email``) unless it is a valid address that fits the column
    (``EMAIL_MAX_LENGTH``), so no caller can reach the database with one that does not.
    """
    email = (email or "").strip().lower()
    if len(email) > EMAIL_MAX_LENGTH:
        message = str(EMAIL_TOO_LONG)
    else:
        try:
            validate_email(email)
        except ValidationError:
            message = _("Enter a valid email address.")
        else:
            return email
    raise ValidationFailed(message, field_errors={"email": [message]})


# --- users and teams -------------------------------------------------------------------------


def user_create(
    *,
    email: str,
    name: str,
    password: str | None = None,
    is_staff: bool = False,
    time_zone: str = "UTC",
    language: str = "en",
) -> User:
    """Create a user; ``ValidationFailed`` if the email is taken or a field is invalid."""
    email = email_normalize(email)
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationFailed(
            _("A user with this email already exists."),
            field_errors={"email": [_("A user with this email already exists.")]},
        )
    try:
        validate_time_zone(time_zone)
    except ValidationError as exc:
        raise ValidationFailed(
            str(exc.messages[0]), field_errors={"time_zone": exc.messages}
        ) from exc
    try:
        with transaction.atomic():
            return User.objects.create_user(
                email=email,
                password=password,
                name=name.strip(),
                is_staff=is_staff,
                is_superuser=is_staff,
                time_zone=time_zone,
                language=language,
            )
    except IntegrityError as exc:  # a parallel request took the address first
        raise ValidationFailed(
            _("A user with this email already exists."),
            field_errors={"email": [_("A user with this email already exists.")]},
        ) from exc


def user_update_preferences(
    *, user: User, name: str, time_zone: str, language: str, email_notifications: bool
) -> User:
    errors: dict[str, list[str]] = {}
    if not name.strip():
        errors["name"] = [_("Enter your name.")]
    try:
        validate_time_zone(time_zone)
    except ValidationError as exc:
        errors["time_zone"] = list(exc.messages)
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose one of the offered languages.")]
    if errors:
        raise ValidationFailed(_("Some fields need attention."), field_errors=errors)
    user.name = name.strip()
    user.time_zone = time_zone
    user.language = language
    user.email_notifications = email_notifications
    user.save(update_fields=["name", "time_zone", "language", "email_notifications"])
    return user


@transaction.atomic
def user_password_set(*, user: User, password: str | None, reason: TokensRevokedBecause) -> User:
    """Give ``user`` a new password (``None``: no usable password) and revoke every API token
    they have, in one transaction: a token made by whoever knew the old password must not
    outlive it.

    The caller has validated the password (Django's password forms run the validators against
    the user). Other sessions end by themselves, since Django's session hash depends on the
    password.
    """
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    api_tokens_revoke_all(user=user, reason=reason)
    return user


def team_create(*, name: str) -> Team:
    name = name.strip()
    if not name:
        raise ValidationFailed(
            _("Enter a team name."), field_errors={"name": [_("Enter a team name.")]}
        )
    team, _created = Team.objects.get_or_create(name=name)
    return team


def membership_set(*, team: Team, user: User, role: str = Membership.Role.MEMBER) -> Membership:
    """Put ``user`` in ``team`` with ``role`` (idempotent; changes the role if it differs)."""
    membership, created = Membership.objects.get_or_create(
        team=team, user=user, defaults={"role": role}
    )
    if not created and membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


# --- login ------------------------------------------------------------------------------------


def login_authenticate(*, request: HttpRequest, email: str, password: str) -> User:
    """Check credentials under the login limits (django-axes; see ``accounts.lockout``).

    ``TooManyAttempts`` while this account is locked for the caller's address or the address
    itself is locked (the password is then not checked), and for the failure that reaches a
    limit; ``ValidationFailed`` for wrong credentials. The limits live in the database, so
    logging in works, and is limited, while Redis is down. A success clears the account's
    failures from this address.
    """
    email = (email or "").strip().lower()
    if len(email) > EMAIL_MAX_LENGTH:
        # No account has such an address (nor could axes' column record it): a failed login.
        raise ValidationFailed(_("The email or password is not correct."))
    user = authenticate(request, email=email, password=password)
    if user is None:
        if lockout.locked_out(request):
            minutes = math.ceil(lockout.seconds_until_unlocked(request, email) / 60)
            raise TooManyAttempts(
                ngettext(
                    "Too many failed logins. Try again in %(minutes)d minute.",
                    "Too many failed logins. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes}
            )
        raise ValidationFailed(_("The email or password is not correct."))
    # A page login also clears them through axes' AXES_RESET_ON_SUCCESS (Django's
    # user_logged_in), but the token endpoint logs no session in.
    lockout.login_failures_clear(request, email)
    return user


def login_limit_lift(*, user: User) -> None:
    """Clear every failed login at this account (the owner proved themselves by a password
    reset), so its owner can log in again from an address that was locked out of it."""
    lockout.account_failures_clear(user.email)


# --- invitations ------------------------------------------------------------------------------


def invitation_create(
    *,
    invited_by: User,
    team: Team,
    email: str,
    name: str = "",
    role: str = Membership.Role.MEMBER,
) -> Invitation:
    """Invite a new hire to a team the inviter leads (any team for an admin); email them the link.

    ``NotFound`` if the inviter does not lead the team; ``ValidationFailed`` if the person is
    already in the team or already has a pending invitation to it.
    """
    if not teams_led_by(invited_by).filter(pk=team.pk).exists():
        raise NotFound(_("Team not found."))
    email = email_normalize(email)
    if role not in Membership.Role.values:
        raise ValidationFailed(_("Choose a role."), field_errors={"role": [_("Choose a role.")]})
    if role == Membership.Role.LEAD and not user_is_admin(invited_by):
        raise ValidationFailed(
            _("Only an admin can invite a lead."),
            field_errors={"role": [_("Only an admin can invite a lead.")]},
        )
    if Membership.objects.filter(team=team, user__email__iexact=email).exists():
        raise ValidationFailed(
            _("This person is already in the team."),
            field_errors={"email": [_("This person is already in the team.")]},
        )
    now = timezone.now()
    if Invitation.objects.filter(
        team=team,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
    ).exists():
        raise ValidationFailed(
            _("An invitation to this team is already waiting for this address; resend it instead."),
            field_errors={"email": [_("An invitation is already pending for this address.")]},
        )
    invitation = Invitation.objects.create(
        team=team,
        email=email,
        name=name.strip(),
        role=role,
        invited_by=invited_by,
        expires_at=now + settings.INVITATION_EXPIRY,
    )
    _invitation_dispatch(invitation)
    return invitation


def _invitation_dispatch(invitation: Invitation) -> None:

    enqueue_on_commit("accounts.invitation_send", str(invitation.pk))


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    """Give a pending or expired invitation a fresh expiry and send the link again."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise Conflict(_("This invitation was already used or revoked."))
    invitation.expires_at = timezone.now() + settings.INVITATION_EXPIRY
    invitation.sent_at = None
    invitation.save(update_fields=["expires_at", "sent_at"])
    _invitation_dispatch(invitation)
    return invitation


def invitation_revoke(*, invitation: Invitation) -> Invitation:
    """Revoke a pending invitation (idempotent; an accepted one is left as it is)."""
    Invitation.objects.filter(
        pk=invitation.pk, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    invitation.refresh_from_db()
    return invitation


def invitation_send(*, invitation_id: Any) -> bool:
    """Email the invitation link once. Returns whether this call sent it.

    The send is claimed by a conditional update before mailing, so two workers never both send;
    if mailing fails the claim is released and the error raised for the task to retry.
    """
    claimed = Invitation.objects.filter(
        pk=invitation_id,
        sent_at__isnull=True,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    ).update(sent_at=timezone.now())
    if not claimed:
        return False
    invitation = Invitation.objects.select_related("team", "invited_by").get(pk=invitation_id)
    inviter = invitation.invited_by
    try:
        email_send(
            to=invitation.email,
            template="emails/invitation",
            context={
                "invitation": invitation,
                "inviter_name": inviter.get_full_name() if inviter else _("An admin"),
                "url": f"{settings.SITE_URL}/invite/{invitation_token(invitation)}/",
            },
            language=inviter.language if inviter else None,
            time_zone=inviter.time_zone if inviter else None,
        )
    except Exception:
        Invitation.objects.filter(pk=invitation_id).update(sent_at=None)
        raise
    return True


def invitation_check_usable(invitation: Invitation) -> None:
    state = invitation.state
    if state == "accepted":
        raise Conflict(_("This invitation has already been used. Log in instead."))
    if state == "revoked":
        raise Conflict(_("This invitation was withdrawn. Ask your lead for a new one."))
    if state == "expired":
        raise Conflict(_("This invitation has expired. Ask your lead to send it again."))


@transaction.atomic
def invitation_accept(
    *, invitation: Invitation, name: str, password: str, acting_user: Any = None
) -> tuple[User, bool]:
    """Use an invitation: create the account, or, for an existing account whose owner is
    logged in (``acting_user``), only join the team.

    Returns ``(user, created)``. An existing account's password is never changed here, so an
    invitation can't be used to take over someone's account, and nobody else can add that
    account to a team. ``Conflict`` if the invitation is used, revoked or expired (checked
    under a row lock, so a double click joins once).
    """
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("team")
        .get(pk=invitation.pk)
    )
    invitation_check_usable(invitation)
    user = User.objects.filter(email__iexact=invitation.email).first()
    if user is not None and getattr(acting_user, "pk", None) != user.pk:
        raise Conflict(
            _("This invitation is for an existing account. Log in as %(email)s to accept it.")
            % {"email": invitation.email}
        )
    created = user is None
    if user is None:
        name = name.strip()
        errors: dict[str, list[str]] = {}
        if not name:
            errors["name"] = [_("Enter your name.")]
        try:
            validate_password(password, User(email=invitation.email, name=name))
        except ValidationError as exc:
            errors["password"] = list(exc.messages)
        if errors:
            raise ValidationFailed(_("Some fields need attention."), field_errors=errors)
        user = user_create(email=invitation.email, name=name, password=password)
    membership_set(team=invitation.team, user=user, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user, created


# --- API tokens -------------------------------------------------------------------------------


def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token and return it with its key. The key is shown once and never stored."""
    key = "rdy_" + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=(name or "").strip()[:100] or _("API token"),
        key_hash=api_token_hash(key),
        prefix=key[:12],
    )
    return token, key


def api_token_revoke(*, token: ApiToken) -> None:
    ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())


def api_tokens_revoke_all(*, user: User, reason: TokensRevokedBecause) -> int:
    """Revoke every active API token of ``user``; return how many. Repeating changes nothing.

    Called when the proof behind the tokens goes away: a new password (``user_password_set``)
    or a deactivated account, which would otherwise bring its tokens back when reactivated.
    Tokens revoked earlier keep their date.
    """
    revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    logger.info("Revoked %d API token(s) of user %s: %s", revoked, user.pk, reason)
    return revoked


def api_token_touch(*, token: ApiToken) -> None:
    """Record use, at most one write per token every few minutes."""
    now = timezone.now()
    if token.last_used_at and now - token.last_used_at < TOKEN_TOUCH_INTERVAL:
        return
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


def invitations_send_pending(*, older_than: timedelta = timedelta(minutes=2)) -> int:
    """Send usable invitations still unsent ``older_than`` after creation; return the count."""
    now = timezone.now()
    ids = Invitation.objects.filter(
        sent_at__isnull=True,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=now,
        created_at__lte=now - older_than,
    ).values_list("pk", flat=True)[:500]
    return sum(invitation_send(invitation_id=pk) for pk in ids)
