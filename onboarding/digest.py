"""The weekly digest for leads: onboarding progress, overdue work and pending sign-offs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.calendar import local_today
from accounts.models import Membership, User
from courses.models import Assignment
from notifications.services import notify
from onboarding.models import ItemKind, PlanItem


@dataclass
class TeamFigures:
    onboarding: int = 0
    open_steps: int = 0
    signoffs: int = 0
    overdue_by_today: dict[date, int] = field(default_factory=dict)

    def overdue(self, today: date) -> int:
        """Open assignments whose due day is over when it is ``today`` on the reader's
        calendar."""
        return self.overdue_by_today.get(today, 0)


def team_weekly_figures(*, team_ids: list[int], todays: Iterable[date]) -> dict[int, TeamFigures]:
    """Per team: members in onboarding, their open steps, overdue assignments, and sign-offs
    waiting. Overdue is counted for each of ``todays`` (the leads' calendar days: at most
    three at any moment), since each lead judges it on their own calendar. Three grouped
    queries, whatever the number of teams and leads."""
    figures: dict[int, TeamFigures] = defaultdict(TeamFigures)
    days = sorted(set(todays))
    members = Membership.objects.filter(team_id__in=team_ids, role=Membership.Role.MEMBER)
    for row in (
        PlanItem.objects.filter(
            plan__completed_at__isnull=True, plan__user__memberships__in=members
        )
        .values("plan__user__memberships__team")
        .annotate(
            plans=Count("plan", distinct=True),
            open_steps=Count("pk", filter=Q(status=PlanItem.Status.OPEN)),
            signoffs=Count("pk", filter=Q(status=PlanItem.Status.OPEN, kind=ItemKind.LEAD_SIGNOFF)),
        )
    ):
        team = figures[row["plan__user__memberships__team"]]
        team.onboarding, team.open_steps = row["plans"], row["open_steps"]
        team.signoffs = row["signoffs"]
    if not days:
        return figures
    counts = {
        f"overdue_{i}": Count("pk", distinct=True, filter=Q(due_on__lt=today))
        for i, today in enumerate(days)
    }
    for row in (
        Assignment.objects.filter(
            status=Assignment.Status.OPEN, due_on__lt=days[-1], user__memberships__in=members
        )
        .values("user__memberships__team")
        .annotate(**counts)
    ):
        figures[row["user__memberships__team"]].overdue_by_today = {
            today: row[f"overdue_{i}"] for i, today in enumerate(days)
        }
    return figures


def digests_send_weekly(*, now: datetime | None = None) -> int:
    """One digest notification (and email, if the lead wants email) per lead per ISO week."""
    now = now or timezone.now()
    year, week, _day = now.isocalendar()
    leads = list(
        User.objects.filter(is_active=True, memberships__role=Membership.Role.LEAD)
        .prefetch_related("memberships__team")
        .distinct()
    )
    team_ids = [
        m.team_id
        for lead in leads
        for m in lead.memberships.all()
        if m.role == Membership.Role.LEAD
    ]
    todays = {lead: local_today(lead, now=now) for lead in leads}
    figures = team_weekly_figures(team_ids=team_ids, todays=todays.values())
    sent = 0
    for lead in leads:
        lines = []
        with translation.override(lead.language):
            for membership in lead.memberships.all():
                if membership.role != Membership.Role.LEAD:
                    continue
                f = figures[membership.team_id]
                lines.append(
                    _(
                        "%(team)s: %(onboarding)d in onboarding (%(open)d steps open), "
                        "%(overdue)d overdue assignments, %(signoffs)d sign-offs waiting for you."
                    )
                    % {
                        "team": membership.team.name,
                        "onboarding": f.onboarding,
                        "open": f.open_steps,
                        "overdue": f.overdue(todays[lead]),
                        "signoffs": f.signoffs,
                    }
                )
            title = _("Your teams this week")
        _notification, created = notify(
            user=lead,
            key=f"digest:{lead.pk}:{year}-W{week:02d}",
            kind="digest",
            title=title,
            body="\n".join(lines),
            url="/onboarding/team/",
            email=lead.email_notifications,
        )
        sent += created
    return sent
