"""Reads of readiness: the criteria, a person's standing against each role they work towards,
their decisions, and a lead's team board (a fixed number of queries for any team size)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Team, User
from accounts.selectors import team_get_led, user_is_admin, users_led_by
from core.errors import NotFound
from core.ids import parse_id
from core.types import RawId
from readiness import evaluation
from readiness.evaluation import Standing
from readiness.models import Criteria, CriteriaVersion, Criterion, Decision, Regression, Verdict
from skills.models import LearnerProfile


def criteria_list() -> QuerySet[Criteria]:
    return Criteria.objects.select_related("role_profile").prefetch_related("from_roles")


def criteria_get(*, criteria_id: RawId) -> Criteria:
    found = criteria_list().filter(pk=parse_id(criteria_id, _("Criteria not found."))).first()
    if found is None:
        raise NotFound(_("Criteria not found."))
    return found


def criteria_get_for(*, person: User, criteria_id: RawId) -> Criteria:
    """Criteria ``person`` works towards (by their role profile, or a decision already taken),
    else ``NotFound``: nobody decides about a role someone isn't working towards."""
    criteria = criteria_get(criteria_id=criteria_id)
    decided = Decision.objects.filter(person=person, criteria=criteria).exists()
    towards = roles_towards(
        people=[person],
        criteria=[criteria],
        decided=({(person.pk, criteria.pk)} if decided else set()),
    )
    if not towards[person.pk]:
        raise NotFound(_("Criteria not found."))
    return criteria


def criteria_versions(*, criteria: Criteria) -> QuerySet[CriteriaVersion]:
    return criteria.versions.select_related("created_by").order_by("-number")


def person_get_visible(*, viewer: User, user_id: RawId) -> User:
    """Yourself, someone in a team you lead, or anyone for an admin; else ``NotFound``."""
    pk = parse_id(user_id, _("Person not found."))
    if pk == viewer.pk:
        return viewer
    visible = User.objects.all() if user_is_admin(viewer) else users_led_by(viewer)
    person = visible.select_related("learner_profile").filter(pk=pk, is_active=True).first()
    if person is None:
        raise NotFound(_("Person not found."))
    return person


def person_get_decidable(*, viewer: User, user_id: RawId) -> User:
    """Someone the viewer may decide about: in a team they lead (an admin: anyone), never
    themselves."""
    person = person_get_visible(viewer=viewer, user_id=user_id)
    if person.pk == viewer.pk:
        raise NotFound(_("Person not found."))
    return person


def _role_of(person: User) -> int | None:
    try:
        return person.learner_profile.role_profile_id
    except LearnerProfile.DoesNotExist:
        return None


def roles_towards(
    *, people: Sequence[User], criteria: Sequence[Criteria], decided: set[tuple[int, int]]
) -> dict[int, list[Criteria]]:
    """Per person, the roles they work towards: those whose criteria name their role profile,
    and any they have a decision for. ``criteria`` prefetched with ``from_roles``."""
    result: dict[int, list[Criteria]] = {}
    for person in people:
        role = _role_of(person)
        result[person.pk] = [
            c
            for c in criteria
            if (person.pk, c.pk) in decided
            or (role is not None and role in {r.pk for r in c.from_roles.all()})
        ]
    return result


def latest_decisions(
    *, person_ids: Sequence[int], criteria_ids: Sequence[int]
) -> dict[tuple[int, int], Decision]:
    """The newest decision per (person, criteria), with its regression: one query (decisions
    are few: a handful per person and role)."""
    latest: dict[tuple[int, int], Decision] = {}
    for decision in (
        Decision.objects.filter(person__in=person_ids, criteria__in=criteria_ids)
        .select_related("decided_by", "regression")
        .order_by("person_id", "criteria_id", "-decided_at", "-pk")
    ):
        latest.setdefault((decision.person_id, decision.criteria_id), decision)
    return latest


def _regression_of(decision: Decision | None) -> Regression | None:
    if decision is None or decision.outcome != Decision.Outcome.READY:
        return None
    try:
        regression = decision.regression
    except Regression.DoesNotExist:
        return None
    return regression if regression.resolved_at is None else None


@dataclass
class Row:
    """One person against one role: the standing now and the last decision."""

    person: User
    standing: Standing
    decision: Decision | None
    regression: Regression | None

    @property
    def decided_ready(self) -> bool:
        return self.decision is not None and self.decision.outcome == Decision.Outcome.READY

    @property
    def state(self) -> str:
        """``ready_decided``, ``ready_undecided``, ``regressed`` (decided ready, a criterion now
        not met), ``not_ready`` or ``not_yet_decided``."""
        verdict = self.standing.verdict
        if self.decided_ready:
            return "regressed" if verdict == Verdict.NOT_MET else "ready_decided"
        if verdict == Verdict.MET:
            return "ready_undecided"
        if self.decision is not None and self.decision.outcome == Decision.Outcome.NOT_YET:
            return "not_yet_decided"
        return "not_ready"

    def decision_age_days(self, now: datetime) -> int | None:
        if self.decision is None or self.decision.outcome == Decision.Outcome.REVOKED:
            return None
        return (now - self.decision.decided_at).days


def standings_for(*, people: Sequence[User], now: datetime | None = None) -> list[Row]:
    """Every person of ``people`` against each role they work towards: a fixed number of
    queries (criteria, versions and lines, one per kind of evidence, decisions)."""
    now = now or timezone.now()
    criteria = list(criteria_list())
    person_ids = [p.pk for p in people]
    latest = latest_decisions(person_ids=person_ids, criteria_ids=[c.pk for c in criteria])
    towards = roles_towards(people=people, criteria=criteria, decided=set(latest))
    versions = evaluation.current_versions(criteria)
    used = [versions[c.pk] for c in criteria if c.pk in versions]
    standings = evaluation.evaluate(people=people, versions=used, now=now)
    rows = []
    for person in people:
        for role in towards[person.pk]:
            standing = standings.get((person.pk, role.pk))
            if standing is None:  # criteria with no version yet
                continue
            decision = latest.get((person.pk, role.pk))
            rows.append(Row(person, standing, decision, _regression_of(decision)))
    return rows


def person_readiness(*, person: User, now: datetime | None = None) -> list[Row]:
    return standings_for(people=[person], now=now)


def person_decisions(*, person: User) -> QuerySet[Decision]:
    return (
        Decision.objects.filter(person=person)
        .select_related("criteria__role_profile", "version", "decided_by", "revokes")
        .order_by("-decided_at", "-pk")
    )


def decision_get_visible(*, viewer: User, decision_id: RawId) -> Decision:
    pk = parse_id(decision_id, _("Decision not found."))
    decision = (
        Decision.objects.select_related("criteria__role_profile", "version", "person", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if decision is None:
        raise NotFound(_("Decision not found."))
    person_get_visible(viewer=viewer, user_id=decision.person_id)
    return decision


def decision_lines(decisions: Sequence[Decision]) -> dict[int, Criterion]:
    """The lines of the versions ``decisions`` used, by id (for their titles in the reader's
    language): three queries for any number of decisions."""
    return {
        line.pk: line
        for line in Criterion.objects.filter(version__in={d.version_id for d in decisions})
        .select_related("quiz", "skill")
        .prefetch_related("sops", "modules")
    }


BOARD_STATES = ("ready_undecided", "regressed", "ready_decided", "not_ready", "not_yet_decided")


def team_members(*, team: Team) -> list[User]:
    return list(
        User.objects.filter(
            memberships__team=team,
            memberships__role=Membership.Role.MEMBER,
            is_active=True,
        )
        .select_related("learner_profile")
        .order_by("name", "email")
    )


def team_board(
    *, lead: User, team_id: RawId, now: datetime | None = None
) -> tuple[Team, list[Row]]:
    """A lead's team: every member × each role they work towards. ``NotFound`` for a team the
    viewer doesn't lead (or, for an admin, doesn't exist)."""
    team = team_get_led(user=lead, team_id=team_id)
    return team, standings_for(people=team_members(team=team), now=now)


def _superseded() -> Exists:
    """A later decision about the same person and role exists (ties broken by id)."""
    return Exists(
        Decision.objects.filter(person=OuterRef("person"), criteria=OuterRef("criteria")).filter(
            Q(decided_at__gt=OuterRef("decided_at"))
            | Q(decided_at=OuterRef("decided_at"), pk__gt=OuterRef("pk"))
        )
    )


def ready_decisions(*, after_id: int = 0, limit: int = 500) -> list[Decision]:
    """The newest decision of each (person, role) when it says ready, ``limit`` at a time by
    id (the daily sweep): one query per batch, an anti-join on later decisions, reading only
    what the sweep uses (never the snapshots)."""
    return list(
        Decision.objects.filter(pk__gt=after_id, outcome=Decision.Outcome.READY)
        .filter(~_superseded())
        .select_related("person", "regression")
        .only(
            "pk",
            "person_id",
            "criteria_id",
            "outcome",
            "person__name",
            "person__email",
            "person__language",
            "regression__id",
            "regression__decision_id",
            "regression__resolved_at",
            "regression__failing",
        )
        .order_by("pk")[:limit]
    )


def regressions_superseded() -> QuerySet[Regression]:
    """Open regressions of decisions that are no longer the newest of their person and role
    (revoked, or replaced by a newer decision): the sweep closes them."""
    return Regression.objects.filter(resolved_at__isnull=True).filter(
        Exists(
            Decision.objects.filter(
                person=OuterRef("decision__person"), criteria=OuterRef("decision__criteria")
            ).filter(
                Q(decided_at__gt=OuterRef("decision__decided_at"))
                | Q(decided_at=OuterRef("decision__decided_at"), pk__gt=OuterRef("decision_id"))
            )
        )
    )
