"""Reads of QA review sources: which sources a lead sees, one source, its categories and
its recent ratings. A source belongs to a team; its leads (and admins) see and edit it,
anyone else gets ``NotFound``."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Team, User
from accounts.selectors import teams_led_by, user_is_admin
from core.errors import NotFound
from core.ids import parse_id
from core.types import RawId
from qa.models import ReviewCategory, ReviewRating, ReviewSource


def review_sources_for(*, user: User, team: Team | None = None) -> QuerySet[ReviewSource]:
    """Sources of the teams the user leads (every source for an admin), with their counts."""
    sources = ReviewSource.objects.all()
    if not user_is_admin(user):
        sources = sources.filter(team__in=teams_led_by(user).values("pk"))
    if team is not None:
        sources = sources.filter(team=team)
    return (
        sources.select_related("team")
        .annotate(category_count=Count("categories", distinct=True))
        .order_by("team__name", "name", "pk")
    )


def review_source_get(
    *, user: User, source_id: RawId, team_id: RawId | None = None
) -> ReviewSource:
    """A source the user may see and edit (a lead of its team, or an admin), else ``NotFound``."""
    pk = parse_id(source_id, _("Source not found."))
    sources = ReviewSource.objects.select_related("team")
    if not user_is_admin(user):
        sources = sources.filter(team__in=teams_led_by(user).values("pk"))
    if team_id is not None:
        sources = sources.filter(team_id=parse_id(team_id, _("Source not found.")))
    source = sources.filter(pk=pk).first()
    if source is None:
        raise NotFound(_("Source not found."))
    return source


def review_source_for_webhook(*, source_id: RawId) -> ReviewSource:
    """The source a webhook call names, if its webhook is on; else ``NotFound``."""
    source = (
        ReviewSource.objects.select_related("team")
        .filter(pk=parse_id(source_id, _("Source not found.")), webhook_enabled=True)
        .first()
    )
    if source is None:
        raise NotFound(_("Source not found."))
    return source


def review_categories(*, source: ReviewSource) -> QuerySet[ReviewCategory]:
    return ReviewCategory.objects.filter(source=source).select_related("skill").order_by("name")


def review_ratings_recent(*, source: ReviewSource, limit: int = 50) -> QuerySet[ReviewRating]:
    return (
        ReviewRating.objects.filter(source=source)
        .select_related("agent", "skill")
        .order_by("-created_at", "-pk")[:limit]
    )


def review_source_id_in_team(*, team: Team, value: str | None) -> int | None:
    """The id of one of the team's sources named by a query parameter, else ``None``."""
    value = value or ""
    if not (value.isascii() and value.isdigit() and 0 < len(value) < 19):
        return None
    pk = int(value)
    return pk if ReviewSource.objects.filter(pk=pk, team=team).exists() else None
