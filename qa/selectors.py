"""Reads of the QA loop: whom a reviewer may record findings on, findings and suggestions
visible to a lead, overdue QA-driven training, and "is it working?"."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.selectors import team_get_led, user_is_admin, users_led_by
from core.errors import NotFound
from core.ids import parse_id
from courses.models import Assignment
from qa.models import QAFinding, RuleFiring, TrainingSuggestion
from skills.models import Skill


def agents_for(reviewer: User) -> QuerySet[User]:
    """Whom a reviewer may record findings on: members of the teams they lead (not themselves,
    unless an admin)."""
    agents = (
        User.objects.filter(is_active=True) if user_is_admin(reviewer) else users_led_by(reviewer)
    )
    return agents if user_is_admin(reviewer) else agents.exclude(pk=reviewer.pk)


def agent_get(*, reviewer: User, agent_id: Any) -> User:
    """An agent the reviewer may record findings on, else ``NotFound``."""
    agent = agents_for(reviewer).filter(pk=parse_id(agent_id, "Agent not found.")).first()
    if agent is None:
        raise NotFound(_("Agent not found."))
    return agent


def skill_from_ref(ref: str) -> Skill | None:
    """The skill a QA export names, by slug (or by id)."""
    ref = (ref or "").strip()
    if ref.isdigit() and len(ref) < 19:
        return Skill.objects.filter(pk=int(ref)).first()
    return Skill.objects.filter(slug=ref).first()


def suggestions_for(*, lead: User, team_id: Any = None) -> QuerySet[TrainingSuggestion]:
    agents = users_led_by(lead).exclude(pk=lead.pk)
    if team_id not in (None, ""):
        team = team_get_led(user=lead, team_id=team_id)
        agents = agents.filter(memberships__team=team)
    return (
        TrainingSuggestion.objects.filter(
            status=TrainingSuggestion.Status.PENDING, agent__in=agents.values("pk")
        )
        .select_related("agent", "module", "rule")
        .order_by("created_at", "pk")
    )


def suggestion_get(*, lead: User, suggestion_id: Any) -> TrainingSuggestion:
    suggestion = (
        TrainingSuggestion.objects.select_related("agent", "module", "rule")
        .filter(
            pk=parse_id(suggestion_id, "Suggestion not found."),
            agent__in=users_led_by(lead).exclude(pk=lead.pk).values("pk"),
        )
        .first()
    )
    if suggestion is None:
        raise NotFound(_("Suggestion not found."))
    return suggestion


def findings_visible_to(*, user: User) -> QuerySet[QAFinding]:
    """Own findings, plus those of the people in the teams the caller leads (all for admins)."""
    findings = QAFinding.objects.all()
    if not user_is_admin(user):
        findings = findings.filter(Q(agent=user) | Q(agent__in=users_led_by(user).values("pk")))
    return findings.select_related("agent", "reviewer", "skill").order_by("-occurred_at", "-pk")


def overdue_qa_assignments(*, lead: User, team_id: Any) -> QuerySet[Assignment]:
    team = team_get_led(user=lead, team_id=team_id)
    return (
        Assignment.objects.filter(
            source=Assignment.Source.QA_RULE,
            status=Assignment.Status.OPEN,
            due_at__lt=timezone.now(),
            user__memberships__team=team,
        )
        .select_related("user", "module")
        .order_by("due_at")
    )


EFFECT_DAYS = 30


@dataclass
class Effect:
    skill: Skill
    trainings: int
    before_per_agent_week: float
    after_per_agent_week: float

    @property
    def change(self) -> float:
        return self.after_per_agent_week - self.before_per_agent_week


def training_effect(*, lead: User, team_id: Any, now: datetime | None = None) -> list[Effect]:
    """ "Is it working": for QA-driven trainings completed at least 30 days ago in the team,
    findings per agent-week on that skill in the 30 days before completion versus after."""
    now = now or timezone.now()
    team = team_get_led(user=lead, team_id=team_id)
    window = timedelta(days=EFFECT_DAYS)

    def findings_between(start: Any, end: Any) -> Any:
        return Coalesce(
            Subquery(
                QAFinding.objects.filter(
                    agent=OuterRef("agent"),
                    skill=OuterRef("skill"),
                    occurred_at__gte=start,
                    occurred_at__lt=end,
                )
                .order_by()
                .values("agent")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
            0,
        )

    completed = OuterRef("assignment__completed_at")
    firings = (
        RuleFiring.objects.filter(
            agent__memberships__team=team,
            assignment__status=Assignment.Status.COMPLETED,
            assignment__completed_at__lte=now - window,
        )
        .annotate(
            before=findings_between(completed - window, completed),
            after=findings_between(completed, completed + window),
        )
        .select_related("skill")
    )
    totals: dict[int, list[Any]] = {}
    for firing in firings:  # one row per completed QA training: few, and one query
        total = totals.setdefault(firing.skill_id, [firing.skill, 0, 0, 0])
        total[1] += 1
        total[2] += firing.before
        total[3] += firing.after
    weeks = EFFECT_DAYS / 7
    return [
        Effect(
            skill=skill,
            trainings=n,
            before_per_agent_week=round(before / n / weeks, 2),
            after_per_agent_week=round(after / n / weeks, 2),
        )
        for skill, n, before, after in sorted(totals.values(), key=lambda t: t[0].position)
    ]
