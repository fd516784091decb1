"""Writes for accounts. Every change to users, teams, invitations and tokens goes through here."""

from __future__ import annotations

import json
import logging
import math
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

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
from accounts.hooks import AccountAction, AccountChanged, account_changed
from accounts.models import (
    EMAIL_MAX_LENGTH,
    EMAIL_TOO_LONG,
    ApiToken,
    ExternalIdentity,
    Invitation,
    Membership,
    Team,
    User,
    Viewer,
    validate_time_zone,
)
from accounts.selectors import (
    api_token_hash,
    invitation_token,
    password_login_allowed,
    teams_led_by,
    user_is_admin,
)
from core.email import email_send
from core.errors import Conflict, DomainError, NotFound, TooManyAttempts, ValidationFailed
from core.tasks import enqueue_on_commit
from core.timezones import zone_canonical
from core.types import RawUuid

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
    user.locale_chosen = True
    user.save(
        update_fields=["name", "time_zone", "language", "email_notifications", "locale_chosen"]
    )
    return user


def user_language_set(*, user: User, language: str) -> User:
    """Store the language picked from a language switcher; ``ValidationFailed`` unless offered."""
    if language not in dict(settings.LANGUAGES):
        message = _("Choose one of the offered languages.")
        raise ValidationFailed(message, field_errors={"language": [message]})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def user_locale_default(*, user: User, language: str | None, time_zone: str | None) -> bool:
    """On a login before the person has chosen (``locale_chosen`` is false): take the zone the
    browser reports and, unless someone set another language for them than the site's
    default, the language it asked for, when offered and valid; and remember that this was
    done, so the defaults are taken once. Returns whether anything was stored.

    The conditional update makes two logins at once store the defaults once.
    """
    if user.locale_chosen:
        return False
    fields: dict[str, bool | str] = {"locale_chosen": True}
    if language in dict(settings.LANGUAGES) and user.language == settings.LANGUAGE_CODE:
        fields["language"] = language  # a language someone set for them (the demo's Zofia) stays
    if time_zone:
        time_zone = zone_canonical(time_zone)
        try:
            validate_time_zone(time_zone)
        except ValidationError:
            pass  # a zone we don't offer (an alias, a typo): keep the person's current one
        else:
            fields["time_zone"] = time_zone
    if len(fields) == 1:  # the browser told us nothing: wait for a login where it does
        return False
    updated = User.objects.filter(pk=user.pk, locale_chosen=False).update(**fields)
    if updated:
        for name, value in fields.items():
            setattr(user, name, value)
    return bool(updated)


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


def _announce(
    action: AccountAction,
    obj: Team | Membership | User | ApiToken | ExternalIdentity,
    *,
    label: str = "",
    changes: Mapping[str, object] | None = None,
    actor: User | None = None,
) -> None:
    """Tell the apps above (the audit trail) about a change, in its transaction."""
    account_changed.send(
        AccountChanged(action=action, obj=obj, label=label, changes=changes or {}, actor=actor)
    )


def team_create(*, name: str) -> Team:
    name = name.strip()
    if not name:
        raise ValidationFailed(
            _("Enter a team name."), field_errors={"name": [_("Enter a team name.")]}
        )
    with transaction.atomic(savepoint=False):
        team, created = Team.objects.get_or_create(name=name)
        if created:
            _announce("team.created", team, changes={"name": [None, name]})
    return team


def membership_set(
    *, team: Team, user: User, role: str = Membership.Role.MEMBER, by: User | None = None
) -> Membership:
    """Put ``user`` in ``team`` with ``role`` (idempotent; changes the role if it differs).
    ``by``: who did it, for the audit trail (default: whoever is signed in on the request)."""
    label = f"{user.email} · {team.name}"
    with transaction.atomic(savepoint=False):
        membership, created = Membership.objects.get_or_create(
            team=team, user=user, defaults={"role": role}
        )
        if created:
            _announce(
                "membership.added",
                membership,
                label=label,
                changes={"role": [None, role]},
                actor=by,
            )
        elif membership.role != role:
            before, membership.role = membership.role, role
            membership.save(update_fields=["role"])
            _announce(
                "membership.role_changed",
                membership,
                label=label,
                changes={"role": [before, role]},
                actor=by,
            )
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
    if not password_login_allowed(email=email):
        # Refused before any password is checked, whether the account exists or not.
        raise ValidationFailed(
            _("Password login is turned off. Sign in with %(provider)s instead.")
            % {"provider": settings.OIDC_PROVIDER_NAME}
        )
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


def invitation_send(*, invitation_id: RawUuid) -> bool:
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
    *, invitation: Invitation, name: str, password: str, acting_user: Viewer | None = None
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
    membership_set(team=invitation.team, user=user, role=invitation.role, by=user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user, created


# --- API tokens -------------------------------------------------------------------------------


def api_token_create(*, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token and return it with its key. The key is shown once and never stored."""
    key = "rdy_" + secrets.token_urlsafe(32)
    with transaction.atomic(savepoint=False):
        token = ApiToken.objects.create(
            user=user,
            name=(name or "").strip()[:100] or _("API token"),
            key_hash=api_token_hash(key),
            prefix=key[:12],
        )
        _announce("token.created", token, changes={"user": user.email}, actor=user)
    return token, key


def api_token_revoke(*, token: ApiToken) -> None:
    with transaction.atomic(savepoint=False):
        revoked = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            _announce("token.revoked", token, changes={"user_id": token.user_id})


def api_tokens_revoke_all(*, user: User, reason: TokensRevokedBecause) -> int:
    """Revoke every active API token of ``user``; return how many. Repeating changes nothing.

    Called when the proof behind the tokens goes away: a new password (``user_password_set``)
    or a deactivated account, which would otherwise bring its tokens back when reactivated.
    Tokens revoked earlier keep their date.
    """
    with transaction.atomic(savepoint=False):
        revoked = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        if revoked:
            _announce("token.revoked_all", user, changes={"tokens": revoked, "reason": reason})
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


# --- single sign-on ---------------------------------------------------------------------------

# Why a single sign-on was refused; accounts.sso_views shows a page for each.
SsoRefusal = Literal[
    "unavailable",  # the provider did not answer (or answered 5xx)
    "misconfigured",  # discovery or the client's credentials are wrong: an admin must act
    "expired",  # the state is unknown, used or old, the code was used, the ID token expired
    "invalid_token",  # a check of the ID token failed: signature, issuer, audience, nonce…
    "cancelled",  # the provider answered with an error (the person cancelled, no access)
    "no_email",
    "email_unverified",
    "domain_not_allowed",
    "inactive",
    "linked_elsewhere",  # the account here is linked to another person at the provider
    "conflict",  # two first logins of the same person at once
]


class SsoRefused(DomainError):
    """A single sign-on was refused; nothing was created or changed. ``detail`` says why, for
    an administrator (it is logged and shown in small print)."""

    status_code = 403
    code = "sso_refused"

    def __init__(self, reason: SsoRefusal, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class SsoGroupRule:
    """One entry of ``OIDC_GROUP_MAP``: membership of ``group`` at the provider puts a person
    in ``team`` with ``role``, and/or makes them an admin."""

    group: str
    team: str | None
    role: str
    admin: bool


def sso_group_rules(mapping: object = None) -> list[SsoGroupRule]:
    """``OIDC_GROUP_MAP`` (or ``mapping``) as rules; ``ValueError`` says what is wrong with it.
    Settings keep a map that is not JSON as its text, read (and refused) here."""
    mapping = settings.OIDC_GROUP_MAP if mapping is None else mapping
    if isinstance(mapping, str):
        try:
            mapping = json.loads(mapping)
        except (ValueError, RecursionError) as exc:
            raise ValueError(
                f"OIDC_GROUP_MAP is not valid JSON ({exc}); write a JSON object of "
                'group → team or rule, e.g. {"support-emea": "Support EMEA"}'
            ) from None
    if not isinstance(mapping, dict):
        raise ValueError("OIDC_GROUP_MAP must be a JSON object of group → team or rule")
    rules = []
    for group, target in mapping.items():
        if isinstance(target, str) and target.strip():
            rules.append(SsoGroupRule(str(group), target.strip(), Membership.Role.MEMBER, False))
            continue
        if not isinstance(target, dict) or set(target) - {"team", "role", "admin"}:
            raise ValueError(
                f"OIDC_GROUP_MAP[{group!r}] must be a team name or an object with "
                '"team", "role" (member or lead) and/or "admin": true'
            )
        team = target.get("team")
        role = target.get("role", Membership.Role.MEMBER)
        admin = target.get("admin", False)
        if team is not None and not (isinstance(team, str) and team.strip()):
            raise ValueError(f"OIDC_GROUP_MAP[{group!r}]: team must be a team name")
        if role not in Membership.Role.values:
            raise ValueError(f"OIDC_GROUP_MAP[{group!r}]: role must be member or lead")
        if not isinstance(admin, bool) or (team is None and not admin):
            raise ValueError(f'OIDC_GROUP_MAP[{group!r}] needs a "team" or "admin": true')
        rules.append(SsoGroupRule(str(group), team.strip() if team else None, role, admin))
    return rules


def _claim_true(value: object) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def _claim_groups(claims: Mapping[str, object]) -> list[str] | None:
    """The groups claim as a list; ``None`` when the provider sent none (memberships are then
    left as they are: a missing claim is no evidence that someone left a group)."""
    value = claims.get(settings.OIDC_GROUPS_CLAIM)
    if isinstance(value, str):
        return [value]
    if isinstance(value, list | tuple):
        return [str(group) for group in value]
    if value is not None:
        logger.warning(
            "The %r claim is not a list; memberships unchanged", settings.OIDC_GROUPS_CLAIM
        )
    return None


def _sso_access_sync(*, user: User, groups: list[str] | None) -> None:
    """Make the teams named in ``OIDC_GROUP_MAP`` match the person's groups: join the mapped
    teams with the highest role any group grants, leave mapped teams no group grants any more,
    and (when a rule names admins) grant or remove admin. Teams not in the map are never
    touched, nor are break-glass accounts ever demoted."""
    rules = sso_group_rules()
    if not rules or groups is None:
        return
    granted = set(groups)
    managed = {rule.team for rule in rules if rule.team}
    wanted: dict[str, str] = {}
    for rule in rules:
        if rule.team and rule.group in granted and wanted.get(rule.team) != Membership.Role.LEAD:
            wanted[rule.team] = rule.role
    teams = {team.name: team for team in Team.objects.filter(name__in=wanted)}
    for name, role in wanted.items():
        membership_set(team=teams.get(name) or team_create(name=name), user=user, role=role)
    gone = list(
        Membership.objects.filter(user=user, team__name__in=managed - set(wanted)).select_related(
            "team"
        )
    )
    if gone:
        Membership.objects.filter(pk__in=[m.pk for m in gone]).delete()
    for membership in gone:
        _announce(
            "membership.removed",
            membership,
            label=f"{user.email} · {membership.team.name}",
            changes={"role": [membership.role, None]},
        )
    if any(rule.admin for rule in rules):
        admin = any(rule.admin and rule.group in granted for rule in rules)
        if not admin and user.email.lower() in settings.BREAK_GLASS_USERS:
            return
        if user.is_staff != admin or user.is_superuser != admin:
            before = user.is_staff
            user.is_staff = user.is_superuser = admin
            user.save(update_fields=["is_staff", "is_superuser"])
            _announce("user.admin_changed", user, changes={"is_staff": [before, admin]})


def sso_sign_in(*, issuer: str, claims: Mapping[str, object]) -> User:
    """The user for a person the provider vouched for (``claims``: the verified ID token's,
    with the userinfo endpoint's), creating or linking the account on the first login.

    - A known ``(issuer, sub)`` is that user, whatever the email says now.
    - Otherwise the email must be verified (``OIDC_EMAIL_VERIFIED_CLAIM``): an account with that
      email is linked (unless it is linked to someone else at this provider), or a new account
      without a password is created.
    - The email's domain must be in ``OIDC_ALLOWED_EMAIL_DOMAINS`` (when set), on every login.
    - Teams and admin follow ``OIDC_GROUP_MAP`` on every login (``_sso_access_sync``).

    ``SsoRefused`` otherwise; a refusal creates and changes nothing (one transaction).
    """
    try:
        with transaction.atomic():
            return _sso_sign_in(issuer=issuer, claims=claims)
    except IntegrityError as exc:  # the same person's first login, twice at once
        raise SsoRefused("conflict", _("A parallel first sign-in made the link.")) from exc


def _sso_sign_in(*, issuer: str, claims: Mapping[str, object]) -> User:
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise SsoRefused("invalid_token", _("The ID token has no usable subject (sub)."))
    raw_email = claims.get("email")
    if not isinstance(raw_email, str) or not raw_email.strip():
        raise SsoRefused("no_email", _("The provider sent no email claim."))
    try:
        email = email_normalize(raw_email)
    except ValidationFailed as exc:
        raise SsoRefused("no_email", _("The provider's email claim is not an address.")) from exc
    domain = email.rsplit("@", 1)[1]
    if settings.OIDC_ALLOWED_EMAIL_DOMAINS and domain not in settings.OIDC_ALLOWED_EMAIL_DOMAINS:
        raise SsoRefused("domain_not_allowed", domain)
    raw_name = claims.get("name")
    name = raw_name.strip()[:150] if isinstance(raw_name, str) else ""
    now = timezone.now()
    identity = (
        ExternalIdentity.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(issuer=issuer, subject=subject)
        .first()
    )
    if identity is not None:
        user = identity.user
        if not user.is_active:
            raise SsoRefused("inactive")
    else:
        verified_claim = settings.OIDC_EMAIL_VERIFIED_CLAIM
        if verified_claim and not _claim_true(claims.get(verified_claim)):
            raise SsoRefused(
                "email_unverified",
                _("The %(claim)s claim is not true.") % {"claim": verified_claim},
            )
        existing = User.objects.select_for_update().filter(email__iexact=email).first()
        if existing is None:
            user = user_create(email=email, name=name or email.split("@", 1)[0])
            logger.info("Single sign-on created user %s for %s at %s", user.pk, subject, issuer)
        else:
            user = existing
            if not user.is_active:
                raise SsoRefused("inactive")
            if ExternalIdentity.objects.filter(user=user, issuer=issuer).exists():
                raise SsoRefused("linked_elsewhere")
            logger.info("Single sign-on linked user %s to %s at %s", user.pk, subject, issuer)
        identity = ExternalIdentity.objects.create(
            user=user, issuer=issuer, subject=subject, email=email
        )
        _announce(
            "sso.linked",
            identity,
            label=f"{subject} at {issuer}",
            changes={"issuer": issuer, "subject": subject, "account_created": existing is None},
            actor=user,
        )
    _sso_access_sync(user=user, groups=_claim_groups(claims))
    identity.email = email
    identity.last_login_at = now
    identity.save(update_fields=["email", "last_login_at"])
    return user
