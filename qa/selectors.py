"""Reads of the QA loop: whom a reviewer may record findings on, findings and suggestions
visible to a lead, overdue QA-driven training, and "is it working?"."""

from __future__ import annotations

import math
import random
from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median
from typing import NamedTuple

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.calendar import local_today
from accounts.models import User
from accounts.selectors import team_get_led, user_is_admin, users_led_by
from core.content import language_columns
from core.errors import NotFound
from core.ids import parse_id
from core.types import RawId
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


def agent_get(*, reviewer: User, agent_id: RawId) -> User:
    """An agent the reviewer may record findings on, else ``NotFound``."""
    agent = agents_for(reviewer).filter(pk=parse_id(agent_id, _("Agent not found."))).first()
    if agent is None:
        raise NotFound(_("Agent not found."))
    return agent


def skill_from_ref(ref: str) -> Skill | None:
    """The skill a QA export names, by slug (or by id)."""
    ref = (ref or "").strip()
    if ref.isdigit() and len(ref) < 19:
        return Skill.objects.filter(pk=int(ref)).first()
    return Skill.objects.filter(slug=ref).first()


def suggestions_for(*, lead: User, team_id: RawId | None = None) -> QuerySet[TrainingSuggestion]:
    agents = users_led_by(lead).exclude(pk=lead.pk)
    if team_id is not None and team_id != "":
        team = team_get_led(user=lead, team_id=team_id)
        agents = agents.filter(memberships__team=team)
    return (
        TrainingSuggestion.objects.filter(
            status=TrainingSuggestion.Status.PENDING, agent__in=agents.values("pk")
        )
        .select_related("agent", "module", "rule")
        .order_by("created_at", "pk")
    )


def suggestion_get(*, lead: User, suggestion_id: RawId) -> TrainingSuggestion:
    suggestion = (
        TrainingSuggestion.objects.select_related("agent", "module", "rule")
        .filter(
            pk=parse_id(suggestion_id, _("Suggestion not found.")),
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


def overdue_qa_assignments(*, lead: User, team_id: RawId) -> QuerySet[Assignment]:
    """Open QA-driven assignments in a led team whose due day is over on the lead's calendar."""
    team = team_get_led(user=lead, team_id=team_id)
    return (
        Assignment.objects.filter(
            source=Assignment.Source.QA_RULE,
            status=Assignment.Status.OPEN,
            due_on__lt=local_today(lead),
            user__memberships__team=team,
        )
        .select_related("user", "module")
        .order_by("due_on", "pk")
    )


# --- "is it working?" -------------------------------------------------------------------------
#
# Rules fire on a spike of findings, and spikes fall back on their own (regression to the
# mean), so "before vs after training" alone shows an improvement even when training does
# nothing. The page compares the trained agents' change with the change of agents who crossed
# the same rules but were not trained, over the same kind of windows: a difference in
# differences, with a bootstrap interval over agents. docs/architecture.md ("The QA loop")
# gives the definitions.

EFFECT_DAYS = 30
"""Length of the before and after windows, in days."""
EFFECT_MIN_AGENTS = 5
"""Below this many trained, or comparison, agents on a skill: "not enough data yet"."""
EFFECT_CONFIDENCE = 0.95
EFFECT_RESAMPLES = 1000
EFFECT_MIN_RESAMPLES = 200
EFFECT_MAX_DRAWS = 200_000
"""Bootstrap work per skill: at most this many agents drawn in all (resamples × agents), but
never fewer than ``EFFECT_MIN_RESAMPLES`` resamples. It runs in the request."""
EFFECT_SEED = 2024
"""Seed of the bootstrap (with the skill's id), so the page shows the same interval each time."""

_WEEKS = EFFECT_DAYS / 7


class Counts(NamedTuple):
    """One agent's findings on a skill in one group, summed over their ``windows`` (pairs of a
    before and an after window: one per training, or per firing not followed by training)."""

    before: int
    after: int
    windows: int = 1


@dataclass(frozen=True)
class Estimate:
    """Trained agents' change (after − before) minus the comparison agents' change, in
    findings per agent-week, with its bootstrap interval. All ``None`` below the minimum."""

    difference: float | None = None
    low: float | None = None
    high: float | None = None
    resamples: int = 0

    @property
    def enough(self) -> bool:
        return self.difference is not None

    @property
    def verdict(self) -> str:
        """``fewer`` / ``more`` only when the interval excludes zero; else ``unclear``, or
        ``not_enough`` below the minimum."""
        if self.low is None or self.high is None:
            return "not_enough"
        if self.high < 0:
            return "fewer"
        if self.low > 0:
            return "more"
        return "unclear"


def _change(agents: Sequence[Counts]) -> float:
    """A group's after − before, in findings per agent-week over all its windows."""
    before, after, windows = (sum(column) for column in zip(*agents, strict=True))
    return (after - before) / (windows * _WEEKS)


def effect_estimate(
    *,
    trained: Sequence[Counts],
    comparison: Sequence[Counts],
    seed: int | str = EFFECT_SEED,
    resamples: int = EFFECT_RESAMPLES,
) -> Estimate:
    """Difference in differences with a percentile bootstrap over agents: each resample draws
    as many agents as each group has, with replacement (an agent keeps all their windows), and
    recomputes the difference. Deterministic for a given ``seed`` and order of agents."""
    if len(trained) < EFFECT_MIN_AGENTS or len(comparison) < EFFECT_MIN_AGENTS:
        return Estimate()
    rng = random.Random(seed)  # noqa: S311 (resampling for statistics, not a secret)
    count = min(
        resamples,
        max(EFFECT_MIN_RESAMPLES, EFFECT_MAX_DRAWS // (len(trained) + len(comparison))),
    )
    stats = sorted(
        _change(rng.choices(trained, k=len(trained)))
        - _change(rng.choices(comparison, k=len(comparison)))
        for _ in range(count)
    )
    tail = (1 - EFFECT_CONFIDENCE) / 2
    return Estimate(
        difference=_change(trained) - _change(comparison),
        low=stats[math.floor(tail * (count - 1))],
        high=stats[math.ceil((1 - tail) * (count - 1))],
        resamples=count,
    )


@dataclass(frozen=True)
class Episode:
    """An agent crossing a rule on a skill. Trained: ``completed_at`` is when the training
    the firing led to was completed. Not trained (comparison): ``completed_at`` is None and
    ``held_out`` tells the rule's randomized hold-out from a dismissed suggestion."""

    agent_id: int
    skill_id: int
    fired_at: datetime
    completed_at: datetime | None = None
    held_out: bool = False


@dataclass(frozen=True)
class Group:
    """Agents, windows, and findings per agent-week before and after, of one group."""

    agents: int = 0
    windows: int = 0
    before: float = 0.0
    after: float = 0.0


@dataclass
class Effect:
    """ "Is it working?" for one skill."""

    skill_id: int
    trained: Group
    comparison: Group
    held_out: int
    """Comparison windows that come from a rule's randomized hold-out…"""
    dismissed: int
    """…and from dismissed suggestions."""
    randomized: bool
    """The comparison is the randomized hold-out only (enough held-out agents)."""
    gap_days: float
    """Where the comparison's after window starts: days after the firing."""
    estimate: Estimate
    skill: Skill | None = None

    @property
    def trainings(self) -> int:
        return self.trained.windows


def _rate(findings: int, windows: int) -> float:
    return round(findings / windows / _WEEKS, 2) + 0.0 if windows else 0.0  # never "-0.00"


def _group(counts: Mapping[int, Counts]) -> Group:
    windows = sum(c.windows for c in counts.values())
    return Group(
        agents=len(counts),
        windows=windows,
        before=_rate(sum(c.before for c in counts.values()), windows),
        after=_rate(sum(c.after for c in counts.values()), windows),
    )


def _counts(
    pairs: Iterable[tuple[Episode, datetime]],
    findings: Mapping[tuple[int, int], Sequence[datetime]],
) -> dict[int, Counts]:
    """Per agent (in id order): findings in the before windows ([fired − 30 days, fired)) and
    in the after windows ([start, start + 30 days)) of their (episode, after start) pairs."""
    window = timedelta(days=EFFECT_DAYS)
    per_agent: dict[int, Counts] = {}
    for episode, start in pairs:
        times = findings.get((episode.agent_id, episode.skill_id), ())
        fired = episode.fired_at
        before = bisect_left(times, fired) - bisect_left(times, fired - window)
        after = bisect_left(times, start + window) - bisect_left(times, start)
        b, a, n = per_agent.get(episode.agent_id, Counts(0, 0, 0))
        per_agent[episode.agent_id] = Counts(b + before, a + after, n + 1)
    return dict(sorted(per_agent.items()))


def effects_from_episodes(
    *,
    episodes: Sequence[Episode],
    findings: Mapping[tuple[int, int], Sequence[datetime]],
    now: datetime,
) -> list[Effect]:
    """The arithmetic of ``training_effect``, without the database. ``findings`` maps
    (agent id, skill id) to the sorted times of that agent's findings on that skill.

    Trained: before = [fired − 30 days, fired), after = [completed, completed + 30 days), once
    the after window is over; the open period in between counts for neither. Comparison:
    before = [fired − 30 days, fired), after = [fired + gap, fired + gap + 30 days), once over;
    gap = the median open period of the skill's trained episodes (0 without any). The
    randomized hold-out alone is the comparison once it has ``EFFECT_MIN_AGENTS`` agents;
    before that, held-out and dismissed together."""
    window = timedelta(days=EFFECT_DAYS)
    by_skill: dict[int, list[Episode]] = defaultdict(list)
    for episode in episodes:
        by_skill[episode.skill_id].append(episode)
    effects = []
    for skill_id, skill_episodes in sorted(by_skill.items()):
        trained = [
            (e, max(e.completed_at, e.fired_at))
            for e in skill_episodes
            if e.completed_at is not None and e.completed_at + window <= now
        ]
        gap = timedelta(
            seconds=median((start - e.fired_at).total_seconds() for e, start in trained)
            if trained
            else 0
        )
        untrained = [
            e for e in skill_episodes if e.completed_at is None and e.fired_at + gap + window <= now
        ]
        randomized = len({e.agent_id for e in untrained if e.held_out}) >= EFFECT_MIN_AGENTS
        if randomized:
            untrained = [e for e in untrained if e.held_out]
        if not trained and not untrained:
            continue

        trained_counts = _counts(trained, findings)
        comparison_counts = _counts(((e, e.fired_at + gap) for e in untrained), findings)
        effects.append(
            Effect(
                skill_id=skill_id,
                trained=_group(trained_counts),
                comparison=_group(comparison_counts),
                held_out=sum(1 for e in untrained if e.held_out),
                dismissed=sum(1 for e in untrained if not e.held_out),
                randomized=randomized,
                gap_days=round(gap / timedelta(days=1), 1),
                estimate=effect_estimate(
                    trained=list(trained_counts.values()),
                    comparison=list(comparison_counts.values()),
                    seed=f"{EFFECT_SEED}:{skill_id}",
                ),
            )
        )
    return effects


def _episodes(firings: Iterable[RuleFiring]) -> list[Episode]:
    """Firings (oldest first) → episodes. Trained: one per (assignment, agent, skill), anchored
    at its first firing (a skill rule and a criterion rule on the same module share one
    assignment), once the assignment is completed. Not trained: firings held out or whose
    suggestion was dismissed, unless a firing of the same agent on the same skill less than
    ``EFFECT_DAYS`` away led to an assignment; such firings less than ``EFFECT_DAYS`` apart
    are one episode, anchored at the first."""
    window = timedelta(days=EFFECT_DAYS)
    trained: dict[tuple[int, int, int], Episode] = {}
    assigned: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    untrained: list[Episode] = []
    for firing in firings:
        key = (firing.agent_id, firing.skill_id)
        assignment = firing.assignment
        if assignment is not None:
            assigned[key].append(firing.fired_at)
            if assignment.status == Assignment.Status.COMPLETED and assignment.completed_at:
                trained.setdefault(
                    (assignment.pk, *key),
                    Episode(*key, fired_at=firing.fired_at, completed_at=assignment.completed_at),
                )
        elif firing.held_out_until is not None or (
            firing.suggestion is not None
            and firing.suggestion.status == TrainingSuggestion.Status.DISMISSED
        ):
            untrained.append(
                Episode(*key, fired_at=firing.fired_at, held_out=firing.held_out_until is not None)
            )
    comparison: list[Episode] = []
    last: dict[tuple[int, int], datetime] = {}
    for episode in untrained:
        key = (episode.agent_id, episode.skill_id)
        if any(abs(at - episode.fired_at) < window for at in assigned[key]):
            continue  # trained after all
        if key in last and episode.fired_at - last[key] < window:
            continue  # the same spike
        last[key] = episode.fired_at
        comparison.append(episode)
    return [*trained.values(), *comparison]


@dataclass
class EffectReport:
    rows: list[Effect]
    held_out: list[RuleFiring]
    """Hold-outs running now: the agent, the rule, and until when."""
    days: int = EFFECT_DAYS
    min_agents: int = EFFECT_MIN_AGENTS
    confidence: int = round(EFFECT_CONFIDENCE * 100)


def training_effect(
    *,
    lead: User,
    team_id: RawId,
    now: datetime | None = None,
    review_source_id: int | None = None,
) -> EffectReport:
    """ "Is it working?" per skill for the team (see ``effects_from_episodes``), and the
    agents held out from training right now. Three queries whatever the data: the team, its
    firings, and the findings of the agents and skills involved (none without firings). With
    ``review_source_id`` only the findings imported from that QA tool source are counted."""
    now = now or timezone.now()
    team = team_get_led(user=lead, team_id=team_id)
    firings = list(
        RuleFiring.objects.filter(agent__memberships__team=team, fired_at__lte=now)
        .select_related("agent", "rule", "skill", "assignment", "suggestion")
        .only(
            "agent_id",
            "skill_id",
            "fired_at",
            "held_out_until",
            "agent__name",
            "agent__email",
            "rule__name",
            *language_columns("skill__name"),
            "skill__slug",
            "skill__position",
            "assignment__status",
            "assignment__completed_at",
            "suggestion__status",
        )
        .order_by("fired_at", "pk")
    )
    held_out = [f for f in firings if f.held_out_until is not None and f.held_out_until > now]
    episodes = _episodes(firings)
    if not episodes:
        return EffectReport(rows=[], held_out=held_out)
    findings: dict[tuple[int, int], list[datetime]] = defaultdict(list)
    counted = QAFinding.objects.all()
    if review_source_id is not None:
        counted = counted.filter(review_source_id=review_source_id)
    for agent_id, skill_id, occurred_at in (
        counted.filter(
            agent_id__in={e.agent_id for e in episodes},
            skill_id__in={e.skill_id for e in episodes},
            occurred_at__gte=min(e.fired_at for e in episodes) - timedelta(days=EFFECT_DAYS),
            occurred_at__lt=now,
        )
        .order_by()
        .values_list("agent_id", "skill_id", "occurred_at")
    ):
        findings[(agent_id, skill_id)].append(occurred_at)
    for times in findings.values():
        times.sort()
    skills = {f.skill_id: f.skill for f in firings}
    rows = effects_from_episodes(episodes=episodes, findings=findings, now=now)
    for row in rows:
        row.skill = skills[row.skill_id]
    rows.sort(key=lambda r: (skills[r.skill_id].position, skills[r.skill_id].name))
    return EffectReport(rows=rows, held_out=held_out)
