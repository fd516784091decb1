"""The weekly digest for leads: onboarding progress, overdue work and pending sign-offs."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Count, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from courses.models import Assignment
from notifications.services import notify
from onboarding.models import ItemKind, PlanItem


def team_weekly_figures(*, team_ids: list[int], now: datetime) -> dict[int, dict[str, int]]:
    """Per team: members in onboarding, their open steps, overdue assignments, and sign-offs
    waiting. Three grouped queries, whatever the number of teams."""
    figures: dict[int, dict[str, int]] = defaultdict(
        lambda: {"onboarding": 0, "open_steps": 0, "overdue": 0, "signoffs": 0}
    )
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
        team.update(onboarding=row["plans"], open_steps=row["open_steps"], signoffs=row["signoffs"])
    for row in (
        Assignment.objects.filter(
            status=Assignment.Status.OPEN, due_at__lt=now, user__memberships__in=members
        )
        .values("user__memberships__team")
        .annotate(n=Count("pk", distinct=True))
    ):
        figures[row["user__memberships__team"]]["overdue"] = row["n"]
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
    figures = team_weekly_figures(team_ids=team_ids, now=now)
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
                        "onboarding": f["onboarding"],
                        "open": f["open_steps"],
                        "overdue": f["overdue"],
                        "signoffs": f["signoffs"],
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
