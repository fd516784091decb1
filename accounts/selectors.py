"""Reads for accounts: who belongs where, and what each user may see.

Visibility rules (DESIGN.md): admins see everything; a lead sees the teams they lead and their
members; a member sees their own teams. Anything else is "not found".
"""

from __future__ import annotations

import hashlib
import uuid
from datetime import timedelta
from typing import TypedDict

from django.conf import settings
from django.core import signing
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import ApiToken, Invitation, MaybeViewer, Membership, Team, User, Viewer
from core.compiled import CompiledQuery, instance_with_related
from core.errors import NotFound
from core.ids import parse_id, parse_uuid
from core.links import link_token, link_value
from core.types import RawId, RawUuid

INVITATION_SALT = "accounts.invitation"


def user_is_admin(user: MaybeViewer) -> bool:
    return bool(user.is_authenticated and (user.is_staff or user.is_superuser))


def user_lead_team_ids(user: MaybeViewer) -> set[int]:
    """Ids of the teams ``user`` leads (cached on the user object for the request)."""
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_lead_team_ids", None)
    if cached is None:
        cached = set(
            Membership.objects.filter(user=user, role=Membership.Role.LEAD).values_list(
                "team_id", flat=True
            )
        )
        user._lead_team_ids = cached
    return cached


def user_is_lead(user: MaybeViewer) -> bool:
    return bool(user_lead_team_ids(user))


def teams_visible_to(user: Viewer) -> QuerySet[Team]:
    """Teams ``user`` may see, with ``member_count`` and the caller's ``my_role``."""
    my_role = Membership.objects.filter(team=OuterRef("pk"), user=user).values("role")[:1]
    teams = Team.objects.all()
    if not user_is_admin(user):
        teams = teams.filter(pk__in=Membership.objects.filter(user=user).values("team_id"))
    return teams.annotate(member_count=Count("memberships"), my_role=Subquery(my_role)).order_by(
        "name"
    )


def teams_led_by(user: Viewer) -> QuerySet[Team]:
    """Teams whose members ``user`` manages: all for an admin, else the teams they lead."""
    if user_is_admin(user):
        return Team.objects.order_by("name")
    # A subquery, not a join: annotations on the result must see every membership of the team.
    return Team.objects.filter(
        pk__in=Membership.objects.filter(user=user, role=Membership.Role.LEAD).values("team_id")
    ).order_by("name")


def team_get_visible(*, user: Viewer, team_id: RawId) -> Team:
    team = teams_visible_to(user).filter(pk=parse_id(team_id, _("Team not found."))).first()
    if team is None:
        raise NotFound(_("Team not found."))
    return team


def team_get_led(*, user: Viewer, team_id: RawId) -> Team:
    team = teams_led_by(user).filter(pk=parse_id(team_id, _("Team not found."))).first()
    if team is None:
        raise NotFound(_("Team not found."))
    return team


def team_memberships(*, team: Team) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(team=team)
        .select_related("user")
        .order_by("role", "user__name", "user__email")  # "lead" sorts before "member"
    )


def users_led_by(user: Viewer) -> QuerySet[User]:
    """Users ``user`` may manage: members of teams they lead (everyone for an admin)."""
    if user_is_admin(user):
        return User.objects.all()
    return User.objects.filter(memberships__team__in=teams_led_by(user).values("pk")).distinct()


class UserTeam(TypedDict):
    id: int
    name: str
    role: str


def user_teams(*, user: User) -> list[UserTeam]:
    return [
        {"id": m.team_id, "name": m.team.name, "role": m.role}
        for m in Membership.objects.filter(user=user).select_related("team").order_by("team__name")
    ]


def invitations_pending_for_team(*, team: Team) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(team=team, accepted_at__isnull=True, revoked_at__isnull=True)
        .select_related("invited_by")
        .order_by("-created_at")
    )


def invitation_token(invitation: Invitation) -> str:
    """The invitation's link token, the same in every email about it (see ``core.links``)."""
    return link_token(str(invitation.pk), salt=INVITATION_SALT)


def invitation_from_token(token: str) -> Invitation:
    """The invitation a link points at, whatever its state; ``NotFound`` for a bad link."""
    try:
        invitation_id = uuid.UUID(link_value(token, salt=INVITATION_SALT))
        return Invitation.objects.select_related("team", "invited_by").get(pk=invitation_id)
    except (signing.BadSignature, ValueError, TypeError, Invitation.DoesNotExist) as exc:
        raise NotFound(_("This invitation link is not valid.")) from exc


def invitation_get_managed(*, user: Viewer, invitation_id: RawUuid) -> Invitation:
    invitation = (
        Invitation.objects.select_related("team")
        .filter(
            pk=parse_uuid(invitation_id, _("Invitation not found.")),
            team__in=teams_led_by(user).values("pk"),
        )
        .first()
    )
    if invitation is None:
        raise NotFound(_("Invitation not found."))
    return invitation


def api_token_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


# Every API call asks this: the statement is built once (core/compiled.py), then only run.
_TOKEN_LOOKUP = CompiledQuery(
    lambda key_hash: ApiToken.objects.select_related("user").filter(
        key_hash=key_hash, revoked_at__isnull=True
    )[:1],
    key_hash=ApiToken._meta.get_field("key_hash"),
)


def api_token_for_key(key: str) -> ApiToken | None:
    """The unrevoked token with this key and its user (one statement), or None."""
    row = _TOKEN_LOOKUP.first(key_hash=api_token_hash(key))
    return None if row is None else instance_with_related(row, ApiToken, "user")


def api_token_get_own(*, user: Viewer, token_id: RawId) -> ApiToken:
    token = ApiToken.objects.filter(pk=parse_id(token_id, _("Token not found.")), user=user).first()
    if token is None:
        raise NotFound(_("Token not found."))
    return token


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


def user_counts() -> dict[str, int]:
    return User.objects.aggregate(
        users=Count("pk"),
        admins=Count("pk", filter=Q(is_staff=True)),
        active_recently=Count("pk", filter=Q(last_login__gte=timezone.now() - timedelta(days=30))),
    )


def user_exists_with_email(*, email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


def teams_led_by_with_counts(user: Viewer) -> QuerySet[Team]:
    """The caller's teams with ``member_count`` (everyone in the team, leads included: the
    same count as the team page) and pending invitations."""
    return teams_led_by(user).annotate(
        member_count=Count("memberships", distinct=True),
        pending_invitations=Count(
            "invitations",
            filter=Q(
                invitations__accepted_at__isnull=True,
                invitations__revoked_at__isnull=True,
                invitations__expires_at__gt=timezone.now(),
            ),
            distinct=True,
        ),
    )


def sso_enabled() -> bool:
    """Single sign-on is on when an issuer and a client id are configured (docs/sso.md)."""
    return bool(settings.OIDC_ISSUER and settings.OIDC_CLIENT_ID)


def password_login_allowed(*, email: str) -> bool:
    """Whether this address may log in with a password: everyone, unless ``PASSWORD_LOGIN``
    is ``break_glass_only``, which keeps it for the ``BREAK_GLASS_USERS`` alone."""
    if settings.PASSWORD_LOGIN != "break_glass_only":  # noqa: S105 (a mode, not a password)
        return True
    return (email or "").strip().lower() in settings.BREAK_GLASS_USERS
