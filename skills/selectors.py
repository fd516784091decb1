"""Reads of the skills app: the skill catalogue, a person's profile (every number with the
evidence behind it), a team's gaps (members × skills against each member's role profile), and
the organisation-wide report. Each reads a fixed number of queries, whatever the amount of
evidence: they read the projection."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

import numpy
from django.conf import settings
from django.db import connection
from django.db.models import (
    Avg,
    Count,
    ExpressionWrapper,
    F,
    FilteredRelation,
    FloatField,
    Q,
    QuerySet,
    Value,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from numpy.typing import NDArray

from accounts.models import Membership, Team, User
from accounts.selectors import team_get_led, user_is_admin, users_led_by
from core.errors import NotFound
from core.ids import parse_id
from core.types import RawId
from skills import skill_model
from skills.decay_sql import decayed_value
from skills.models import (
    LearnerProfile,
    Skill,
    SkillEvidence,
    SkillProficiency,
    SkillTarget,
)
from skills.skill_model import belief as belief
from skills.skill_model import contribution as contribution
from skills.skill_model import credible_intervals as credible_intervals


def skills_list() -> QuerySet[Skill]:
    return Skill.objects.order_by("position", "name")


def _round(value: float | None, places: int = 3) -> float | None:
    return None if value is None else round(value, places)


class SkillCellData(TypedDict):
    """A ``SkillCell`` as the API sends it (``SkillCell.as_dict``)."""

    skill: str
    level: float | None
    confidence: float | None
    evidence: float | None
    enough_evidence: bool
    likely_low: float | None
    likely_high: float | None
    target: float | None
    gap: float | None
    category: str


@dataclass(frozen=True)
class SkillCell:
    skill: Skill
    level: float
    confidence: float
    evidence: float
    target: float | None
    likely_low: float
    likely_high: float
    enough: bool
    """Enough evidence to judge (``skill_model.is_enough``)."""
    gap: float | None
    """Target minus level, unrounded (format it only when showing it); None without enough
    evidence or a target."""
    category: str
    """``unknown``, ``neutral``, ``met``, ``near`` or ``gap``: see ``skill_model``."""

    @classmethod
    def of(
        cls,
        *,
        skill: Skill,
        level: float,
        evidence: float,
        target: float | None,
        likely: tuple[float, float],
        min_evidence: float,
    ) -> SkillCell:
        """A cell with its verdict decided once (a team's page has hundreds of cells; as
        cached properties, deciding them was a fifth of the skill-gaps endpoint's time)."""
        enough = evidence >= min_evidence  # skill_model.is_enough, with the bound read once
        low, high = likely
        return cls(
            skill=skill,
            level=level,
            confidence=evidence / (evidence + skill_model.CONFIDENCE_K),
            evidence=evidence,
            target=target,
            likely_low=low,
            likely_high=high,
            enough=enough,
            gap=None if target is None or not enough else target - level,
            category=skill_model.gap_category(
                enough=enough, level=level, likely_high=high, target=target
            ),
        )

    def as_dict(self, *, exact: bool = False) -> SkillCellData:
        """The API's figures, rounded to 3 places; ``exact`` for a page, which rounds once,
        for display (rounding twice showed 0.62451 as 0.63, and evidence 1.9945 as "2.00"
        beside "not enough evidence")."""
        if exact:
            return {
                "skill": self.skill.slug,
                "level": self.level,
                "confidence": self.confidence,
                "evidence": self.evidence,
                "enough_evidence": self.enough,
                "likely_low": self.likely_low,
                "likely_high": self.likely_high,
                "target": self.target,
                "gap": self.gap,
                "category": self.category,
            }
        # round() inline: a team's answer has hundreds of cells (a helper per value was a
        # tenth of the skill-gaps endpoint's time); only the gap may be None
        return {
            "skill": self.skill.slug,
            "level": round(self.level, 3),
            "confidence": round(self.confidence, 3),
            "evidence": round(self.evidence, 3),
            "enough_evidence": self.enough,
            "likely_low": round(self.likely_low, 3),
            "likely_high": round(self.likely_high, 3),
            "target": self.target,
            "gap": None if self.gap is None else round(self.gap, 3),
            "category": self.category,
        }


def decayed(projections: QuerySet[SkillProficiency], now: datetime) -> QuerySet[SkillProficiency]:
    """Annotate projection rows with Σa and Σb decayed to ``now`` (``alpha_now``,
    ``beta_now``), their sum (``evidence_now``) and the level (``level_now``), computed by the
    database, so every page and report compares the very same numbers. The decay is taken in
    log space (``decay_sql``): no underflow on PostgreSQL, whatever the half-life or date."""
    halves = (Value(skill_model.day_number(now)) - F("anchor_day")) / Value(
        skill_model.half_life_days()
    )
    return projections.annotate(
        alpha_now=decayed_value(F("alpha"), halves),
        beta_now=decayed_value(F("beta"), halves),
    ).annotate(
        evidence_now=ExpressionWrapper(F("alpha_now") + F("beta_now"), output_field=FloatField()),
        level_now=ExpressionWrapper(
            (Value(skill_model.PRIOR_ALPHA) + F("alpha_now"))
            / (
                Value(skill_model.PRIOR_ALPHA + skill_model.PRIOR_BETA)
                + F("alpha_now")
                + F("beta_now")
            ),
            output_field=FloatField(),
        ),
    )


def _cells(
    *,
    users: list[User],
    skills: list[Skill],
    now: datetime,
) -> dict[int, list[SkillCell]]:
    """Per user, one cell per skill: two queries (projections, targets) for any number of
    people, given users loaded with ``select_related("learner_profile__role_profile")``."""
    prior = skill_model.belief(0.0, 0.0)
    # tuples, not model instances: a team's page reads hundreds of rows (cProfile: building
    # the instances was a fifth of the skill-gaps endpoint's time)
    projections = {
        (user_id, skill_id): values
        for user_id, skill_id, *values in decayed(
            SkillProficiency.objects.filter(
                user__in=[u.pk for u in users], skill__in=[s.pk for s in skills]
            ),
            now,
        ).values_list(  # type: ignore[misc]  # django-stubs can't see decayed()'s annotations
            "user_id", "skill_id", "alpha_now", "beta_now", "evidence_now", "level_now"
        )
    }
    profile_of = {user.pk: _profile_id(user) for user in users}
    targets = {
        (profile, skill): level
        for profile, skill, level in SkillTarget.objects.filter(
            role_profile__in={p for p in profile_of.values() if p}
        ).values_list("role_profile_id", "skill_id", "level")
    }
    values = [
        [
            tuple(found)
            if (found := projections.get((user.pk, skill.pk)))
            else (0.0, 0.0, prior.evidence, prior.level)
            for skill in skills
        ]
        for user in users
    ]
    intervals = iter(skill_model.credible_intervals([(v[0], v[1]) for row in values for v in row]))
    bound = skill_model.min_evidence()
    cells: dict[int, list[SkillCell]] = {}
    for user, row_values in zip(users, values, strict=True):
        profile = profile_of.get(user.pk) or 0
        cells[user.pk] = [
            SkillCell.of(
                skill=skill,
                level=level,
                evidence=evidence,
                target=targets.get((profile, skill.pk)),
                likely=next(intervals),
                min_evidence=bound,
            )
            for skill, (_alpha, _beta, evidence, level) in zip(skills, row_values, strict=True)
        ]
    return cells


def users_at_target(
    *, user_ids: list[int], skill_ids: list[int], now: datetime | None = None
) -> set[int]:
    """Of ``user_ids``, those shown at their role's target on every one of ``skill_ids`` that
    the role targets: enough evidence and the lower end of the credible interval at or above
    the target, so "not sure" never counts as at target. Someone whose role targets none of
    the skills (or who has no role profile) is not shown at target. Three queries."""
    users = list(
        User.objects.filter(pk__in=user_ids).select_related("learner_profile__role_profile")
    )
    skills = list(Skill.objects.filter(pk__in=skill_ids))
    cells = _cells(users=users, skills=skills, now=now or timezone.now())
    shown = set()
    for user in users:
        verdicts = [
            c.enough and c.likely_low >= c.target for c in cells[user.pk] if c.target is not None
        ]
        if verdicts and all(verdicts):
            shown.add(user.pk)
    return shown


@dataclass(frozen=True)
class SkillStanding:
    """A person's level in one skill now, with its evidence and credible interval."""

    level: float
    evidence: float
    enough: bool
    likely_low: float
    likely_high: float


def skill_standings(
    *, user_ids: list[int], skill_ids: list[int], now: datetime | None = None
) -> dict[tuple[int, int], SkillStanding]:
    """Per (user, skill) of the two lists, the level decayed to ``now`` with its interval, as
    every page shows it (no evidence: the prior, not enough evidence). One query, for readers
    that judge against targets of their own (a readiness criterion's role)."""
    found = {
        (user_id, skill_id): (alpha, beta, evidence, level)
        for user_id, skill_id, alpha, beta, evidence, level in decayed(
            SkillProficiency.objects.filter(user__in=user_ids, skill__in=skill_ids),
            now or timezone.now(),
        ).values_list(  # type: ignore[misc]  # django-stubs can't see decayed()'s annotations
            "user_id", "skill_id", "alpha_now", "beta_now", "evidence_now", "level_now"
        )
    }
    prior = skill_model.belief(0.0, 0.0)
    keys = [(u, s) for u in user_ids for s in skill_ids]
    values = [found.get(key, (0.0, 0.0, prior.evidence, prior.level)) for key in keys]
    intervals = skill_model.credible_intervals([(v[0], v[1]) for v in values])
    bound = skill_model.min_evidence()
    return {
        key: SkillStanding(
            level=v[3], evidence=v[2], enough=v[2] >= bound, likely_low=low, likely_high=high
        )
        for key, v, (low, high) in zip(keys, values, intervals, strict=True)
    }


def _profile_id(user: User) -> int | None:
    try:
        return user.learner_profile.role_profile_id
    except LearnerProfile.DoesNotExist:
        return None


def _largest_gap(cells: list[SkillCell]) -> float:
    gaps = [c.gap for c in cells if c.gap is not None]
    return max(gaps) if gaps else float("-inf")


class TeamGapsMember(TypedDict):
    user: int
    name: str
    role_profile: str | None
    skills: list[SkillCellData]


class TeamGapsData(TypedDict):
    team: int
    team_name: str
    skills: list[str]
    members: list[TeamGapsMember]


@dataclass
class TeamGaps:
    team: Team
    skills: list[Skill]
    rows: list[tuple[User, str | None, list[SkillCell]]]

    def as_dict(self) -> TeamGapsData:
        return {
            "team": self.team.pk,
            "team_name": self.team.name,
            "skills": [s.slug for s in self.skills],
            "members": [
                {
                    "user": user.pk,
                    "name": user.name,
                    "role_profile": profile,
                    "skills": [cell.as_dict() for cell in cells],
                }
                for user, profile, cells in self.rows
            ],
        }


def team_skill_gaps(
    *,
    lead: User,
    team_id: RawId,
    skill: str | None = None,
    member: str | None = None,
    min_gap: float | None = None,
    now: datetime | None = None,
) -> TeamGaps:
    """Members × skills of a team the caller leads, biggest gaps first. ``skill`` narrows to
    one skill (by slug); ``member`` to members whose name or email contains it;
    ``min_gap`` keeps members with a gap at least that big."""
    now = now or timezone.now()
    team = team_get_led(user=lead, team_id=team_id)
    skills = list(Skill.objects.order_by("position", "name"))
    if skill:
        skills = [s for s in skills if s.slug == skill]
        if not skills:
            raise NotFound(_("Skill not found."))
    people = User.objects.filter(memberships__team=team, memberships__role=Membership.Role.MEMBER)
    if member:
        people = people.filter(Q(name__icontains=member) | Q(email__icontains=member))
    members = list(people.select_related("learner_profile__role_profile").order_by("name", "pk"))
    cells = _cells(users=members, skills=skills, now=now)
    rows = []
    for user in members:
        user_cells = cells[user.pk]
        if min_gap is not None and _largest_gap(user_cells) < min_gap:
            continue
        rows.append((user, _profile_slug(user), user_cells))
    rows.sort(key=lambda row: (-_largest_gap(row[2]), row[0].name))
    return TeamGaps(team=team, skills=skills, rows=rows)


def user_get_profile_visible(*, viewer: User, user_id: RawId) -> User:
    """Yourself, someone in a team you lead, or anyone for an admin; else ``NotFound``."""
    pk = parse_id(user_id, _("User not found."))
    if pk == viewer.pk:
        return viewer
    visible = User.objects.all() if user_is_admin(viewer) else users_led_by(viewer)
    user = visible.select_related("learner_profile__role_profile").filter(pk=pk).first()
    if user is None:
        raise NotFound(_("User not found."))
    return user


EVIDENCE_PER_SKILL = 20


class EvidenceItem(TypedDict):
    source: str
    about: str
    occurred_at: datetime
    outcome: float
    weight: float
    alpha_now: float | None
    beta_now: float | None


class ProfileSkill(SkillCellData):
    name: str
    evidence_count: int
    evidence_items: list[EvidenceItem]


class SkillModelSettings(TypedDict):
    prior_alpha: float
    prior_beta: float
    half_life_days: float
    min_evidence: float


class SkillProfile(TypedDict):
    """``user_skill_profile``: a person's skills with the evidence behind each number."""

    user: int
    name: str
    role_profile: str | None
    model: SkillModelSettings
    skills: list[ProfileSkill]


def user_skill_profile(
    *, user: User, now: datetime | None = None, exact: bool = False
) -> SkillProfile:
    """Every skill's level, confidence, target and gap, with the evidence behind each, so every
    number can be recomputed by hand: level = (1 + Σ alpha_now) / (2 + Σ alpha_now + Σ beta_now).
    The API's figures are rounded to 3 places; ``exact`` keeps them whole for a page."""
    now = now or timezone.now()
    skills = list(Skill.objects.order_by("position", "name"))
    cells = _cells(users=[user], skills=skills, now=now)[user.pk]
    ranked = (
        SkillEvidence.objects.filter(user=user)
        .annotate(
            rank=Window(RowNumber(), partition_by=[F("skill_id")], order_by=F("occurred_at").desc())
        )
        .filter(rank__lte=EVIDENCE_PER_SKILL)
        .order_by("skill_id", "-occurred_at")
    )
    by_skill: dict[int, list[EvidenceItem]] = {}
    for item in ranked:
        alpha_now, beta_now = skill_model.contribution(
            outcome=item.outcome, weight=item.weight, at=item.occurred_at, now=now
        )
        by_skill.setdefault(item.skill_id, []).append(
            {
                "source": item.source,
                "about": evidence_label(item),
                "occurred_at": item.occurred_at,
                "outcome": item.outcome,
                "weight": item.weight,
                "alpha_now": _round(alpha_now, 4),
                "beta_now": _round(beta_now, 4),
            }
        )
    counts = dict(
        SkillProficiency.objects.filter(user=user).values_list("skill_id", "evidence_count")
    )
    return {
        "user": user.pk,
        "name": user.name,
        "role_profile": _profile_slug(user),
        "model": {
            "prior_alpha": skill_model.PRIOR_ALPHA,
            "prior_beta": skill_model.PRIOR_BETA,
            "half_life_days": settings.SKILL_HALF_LIFE_DAYS,
            "min_evidence": settings.SKILL_MIN_EVIDENCE,
        },
        "skills": [
            {
                **cell.as_dict(exact=exact),
                "name": cell.skill.name,
                "evidence_count": counts.get(cell.skill.pk, 0),
                "evidence_items": by_skill.get(cell.skill.pk, []),
            }
            for cell in cells
        ],
    }


EVIDENCE_LABELS = {
    SkillEvidence.Source.QA_FINDING: gettext_lazy(
        "QA: %(criterion)s on %(interaction)s (%(severity)s)"
    ),
    SkillEvidence.Source.QA_PASS: gettext_lazy(
        "QA passed: %(criterion)s on %(interaction)s (%(rating)s)"
    ),
    SkillEvidence.Source.MODULE: gettext_lazy("Completed module “%(module)s”"),
    SkillEvidence.Source.ANSWER: gettext_lazy("Answer in “%(quiz)s”"),
    SkillEvidence.Source.PRACTICE: gettext_lazy("Practice: “%(quiz)s” (lower weight)"),
}


def evidence_label(item: SkillEvidence) -> str:
    """What the evidence list says about a piece of evidence, from the ``params`` its source
    stored with it (the source itself lives in an app above this one)."""
    template = EVIDENCE_LABELS.get(SkillEvidence.Source(item.source))
    try:
        return str(template) % (item.params or {}) if template else item.get_source_display()
    except KeyError:  # params missing a word: say at least what kind of evidence it is
        return str(item.get_source_display())


class OrgSkillRow(TypedDict):
    """One skill of the org report, over the people measured against a role profile who have
    enough evidence: how many, their mean level, how many are surely below their role's target
    (``below_target``: a "gap" cell, even the top of the likely interval is below) and how many
    may be (``near_target``: a "near" cell, below but not sure). The other people are at or
    above it or have no target for the skill."""

    skill: Skill
    people: int
    mean_level: float | None
    below_target: int
    near_target: int


@dataclass
class OrgReport:
    skills: list[OrgSkillRow]
    rows: list[tuple[User, str | None, list[SkillCell]]]


def org_people() -> QuerySet[User]:
    """Everyone measured against a role profile (the org report's rows, for pagination)."""
    return (
        User.objects.filter(is_active=True, learner_profile__role_profile__isnull=False)
        .select_related("learner_profile__role_profile")
        .order_by("name", "pk")
    )


def org_skill_report(*, people: list[User], now: datetime | None = None) -> OrgReport:
    """Per skill, over the active people measured against a role profile with enough evidence:
    how many, their mean level, and how many are surely or perhaps below their role's target
    (``OrgSkillRow``; the same rule as every page: ``skill_model.gap_category``);
    then one row per person of the page. A fixed number of queries, whatever the size of the
    organisation."""
    now = now or timezone.now()
    skills = list(Skill.objects.order_by("position", "name"))
    # The projection of the people the report's rows are drawn from (measured against a role
    # profile), decayed by the database exactly as the pages read it.
    measured = (
        decayed(
            SkillProficiency.objects.filter(
                user__is_active=True, user__learner_profile__role_profile__isnull=False
            ),
            now,
        )
        .filter(evidence_now__gte=skill_model.min_evidence())  # type: ignore[misc]
        .annotate(
            target=FilteredRelation(
                "user__learner_profile__role_profile__targets",
                condition=Q(user__learner_profile__role_profile__targets__skill=F("skill")),
            ),
        )
    )
    summary = {
        row["skill_id"]: row
        for row in measured.values("skill_id").annotate(
            people=Count("pk"), mean_level=Avg("level_now", output_field=FloatField())
        )
    }
    # Below the target is a gap only when the likely interval says so (skill_model.
    # gap_category, as on every page): the cells below it are judged here, in one call.
    # Tens of thousands of rows in a large organisation: read as plain tuples (no field
    # converters) and judged in one vectorised call for the upper end only.
    sql, params = (
        measured.filter(target__level__gt=F("level_now"))
        .values_list("skill_id", "alpha_now", "beta_now", "target__level")
        .query.sql_with_params()
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        below = cursor.fetchall()
    table = numpy.array(below, dtype=float).reshape(-1, 4)  # skill, Σa, Σb, target
    gap = skill_model.surely_below(table[:, 1], table[:, 2], table[:, 3])
    skill_of = table[:, 0].astype(int)
    sure, unsure = _counted(skill_of[gap]), _counted(skill_of[~gap])
    cells = _cells(users=people, skills=skills, now=now)
    return OrgReport(
        skills=[
            {
                "skill": skill,
                "people": summary.get(skill.pk, {}).get("people", 0),
                "mean_level": _round(summary.get(skill.pk, {}).get("mean_level")),
                "below_target": sure[skill.pk],
                "near_target": unsure[skill.pk],
            }
            for skill in skills
        ],
        rows=[(person, _profile_slug(person), cells[person.pk]) for person in people],
    )


def _counted(ids: NDArray[numpy.int_]) -> Counter[int]:
    """How often each id occurs, as plain ints (numpy's would not serialise to JSON)."""
    values, counts = numpy.unique(ids, return_counts=True)
    return Counter({int(v): int(c) for v, c in zip(values, counts, strict=True)})


def _profile_slug(user: User) -> str | None:
    profile = getattr(getattr(user, "learner_profile", None), "role_profile", None)
    return profile.slug if profile else None
