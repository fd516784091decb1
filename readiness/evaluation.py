"""Judging people against readiness criteria: a fixed number of queries for any number of
people (one per kind of evidence, plus one per QA pass-rate line), so the team board and the
daily sweep cost the same statements for 20 people or 2,000.

Each criterion gives a ``Judged``: its verdict and its ``figures``, plain JSON (counts, names,
ids, ISO dates) that a decision freezes in its snapshot and ``readiness.describe`` turns into
sentences in the reader's language. Nothing here formats text.

Verdicts: ``met``; ``not_met``; ``unsure`` (not enough evidence yet: too few reviews, a skill's
interval still spans its target); ``cannot`` (the criterion can't be judged: its quiz or skill
was deleted, the role has no target for the skill). Overall: any ``not_met`` → not met, else
any ``cannot`` → cannot be judged, else any ``unsure`` → not enough evidence, else met.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, Max, Q

from accounts.models import User
from assessments.models import Attempt, ResultBand
from courses.models import Assignment, ModuleCompletion, SOPAcknowledgement, SOPVersion
from onboarding.models import OnboardingPlan, PlanItem
from qa.models import QAFinding, ReviewRating
from readiness.models import Criteria, CriteriaVersion, Criterion, Kind, SignOff, Verdict
from skills.models import SkillTarget
from skills.selectors import skill_standings

ORDER = {Verdict.NOT_MET: 0, Verdict.CANNOT: 1, Verdict.UNSURE: 2, Verdict.MET: 3}
"""The most telling verdict first: what blocks someone is the first line in this order."""


@dataclass
class Judged:
    criterion: Criterion
    verdict: str
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass
class Standing:
    """One person against one role's current criteria."""

    person: User
    criteria: Criteria
    version: CriteriaVersion
    items: list[Judged]

    @property
    def verdict(self) -> str:
        return overall([item.verdict for item in self.items])

    @property
    def blocking(self) -> Judged | None:
        """The top missing criterion: the first not met, else cannot be judged, else unsure."""
        open_items = [item for item in self.items if item.verdict != Verdict.MET]
        return min(open_items, key=lambda i: ORDER[Verdict(i.verdict)]) if open_items else None

    def snapshot(self) -> list[dict[str, Any]]:
        return [
            {
                "criterion": item.criterion.pk,
                "key": item.criterion.key,
                "kind": item.criterion.kind,
                "label": item.criterion.label,
                "verdict": item.verdict,
                "figures": item.figures,
            }
            for item in self.items
        ]


def overall(verdicts: Iterable[str]) -> str:
    found = set(verdicts)
    if not found:
        return Verdict.CANNOT  # criteria with no line judge nobody
    for verdict in (Verdict.NOT_MET, Verdict.CANNOT, Verdict.UNSURE):
        if verdict in found:
            return verdict
    return Verdict.MET


def current_versions(criteria: Iterable[Criteria]) -> dict[int, CriteriaVersion]:
    """Each criteria's newest version with its lines, their SOPs, modules, quiz and skill: four
    queries for any number of criteria (versions are few: one per edit)."""
    newest: dict[int, CriteriaVersion] = {}
    for version in (
        CriteriaVersion.objects.filter(criteria__in=[c.pk for c in criteria])
        .select_related("criteria__role_profile")
        .order_by("criteria_id", "-number")
    ):
        newest.setdefault(version.criteria_id, version)
    items: dict[int, list[Criterion]] = defaultdict(list)
    for item in (
        Criterion.objects.filter(version__in=[v.pk for v in newest.values()])
        .select_related("quiz", "skill")
        .prefetch_related("sops", "modules")
        .order_by("position", "pk")
    ):
        items[item.version_id].append(item)
    for version in newest.values():
        version.lines = _with_lists(items[version.pk])  # type: ignore[attr-defined]
    return newest


def _with_lists(lines: list[Criterion]) -> list[Criterion]:
    """Each line's SOPs and modules read once, with their titles, not once per person."""
    for line in lines:
        line.sop_list = [(s.pk, s.title, s.slug) for s in line.sops.all()]  # type: ignore[attr-defined]
        line.module_list = [(m.pk, m.title, m.slug) for m in line.modules.all()]  # type: ignore[attr-defined]
    return lines


def lines_of(version: CriteriaVersion) -> list[Criterion]:
    lines = getattr(version, "lines", None)
    if lines is None:
        lines = _with_lists(
            list(version.items.select_related("quiz", "skill").prefetch_related("sops", "modules"))
        )
        version.lines = lines  # type: ignore[attr-defined]
    return lines


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


class _Evidence:
    """What the lines of ``versions`` need about ``people``, each kind read once."""

    def __init__(self, people: Sequence[User], versions: Sequence[CriteriaVersion], now: datetime):
        self.now = now
        self.ids = [p.pk for p in people]
        lines = [line for v in versions for line in lines_of(v)]
        kinds = {line.kind for line in lines}
        self.plans: dict[int, dict[str, Any]] = {}
        self.sop_current: dict[int, SOPVersion] = {}
        self.acked: set[tuple[int, int]] = set()
        self.completed: set[tuple[int, int]] = set()
        self.open_assignments: dict[tuple[int, str, int], date | None] = {}
        self.attempts: dict[tuple[int, int], list[tuple[Any, ...]]] = defaultdict(list)
        self.band_floor: dict[tuple[int, str], float] = {}
        self.targets: dict[tuple[int, int], float] = {}
        self.standings: dict[tuple[int, int], Any] = {}
        self.criticals: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
        self.reviewed: dict[int, dict[int, int]] = {}
        self.rates: dict[int, dict[int, tuple[int, int, int]]] = {}
        self.signoffs: dict[tuple[int, int, str], tuple[Any, ...]] = {}
        if not self.ids:
            return
        if Kind.ONBOARDING in kinds:
            self._plans()
        if kinds & {Kind.SOPS, Kind.MODULES, Kind.QUIZ}:
            self._courses(lines, kinds)
        if Kind.QUIZ in kinds:
            self._attempts(lines)
        if Kind.SKILL in kinds:
            self._skills(lines, versions)
        if kinds & {Kind.QA_CRITICAL, Kind.QA_PASS_RATE}:
            self._qa(lines)
        if Kind.SIGNOFF in kinds:
            for row in SignOff.objects.filter(
                person__in=self.ids, criteria__in={v.criteria_id for v in versions}
            ).values_list("person_id", "criteria_id", "key", "signed_at"):
                self.signoffs[(row[0], row[1], row[2])] = row[3:]

    def _plans(self) -> None:
        """Each person's newest plan with its steps counted: one query."""
        for plan in (
            OnboardingPlan.objects.filter(user__in=self.ids)
            .annotate(
                done=Count("items", filter=Q(items__status=PlanItem.Status.DONE)),
                total=Count("items"),
                last_due=Max("items__due_on", filter=Q(items__status=PlanItem.Status.OPEN)),
            )
            .order_by("user_id", "-start_date", "-pk")
            .values("pk", "user_id", "name", "done", "total", "last_due", "completed_at")
        ):
            self.plans.setdefault(plan["user_id"], plan)

    def _courses(self, lines: list[Criterion], kinds: set[str]) -> None:
        sop_ids = {s[0] for line in lines if line.kind == Kind.SOPS for s in line.sop_list}  # type: ignore[attr-defined]
        module_ids = {
            m[0]
            for line in lines
            if line.kind == Kind.MODULES
            for m in line.module_list  # type: ignore[attr-defined]
        }
        quiz_ids = {line.quiz_id for line in lines if line.kind == Kind.QUIZ and line.quiz_id}
        if sop_ids:
            for version in (
                SOPVersion.objects.filter(sop__in=sop_ids, status=SOPVersion.Status.PUBLISHED)
                .only("pk", "sop_id", "number")
                .order_by("sop_id", "-number")
            ):
                self.sop_current.setdefault(version.sop_id, version)
            self.acked = set(
                SOPAcknowledgement.objects.filter(
                    user__in=self.ids, sop_version__in=[v.pk for v in self.sop_current.values()]
                ).values_list("user_id", "sop_version_id")
            )
        if module_ids:
            self.completed = set(
                ModuleCompletion.objects.filter(
                    user__in=self.ids, module__in=module_ids
                ).values_list("user_id", "module_id")
            )
        wanted = Q(sop__in=sop_ids) | Q(module__in=module_ids) | Q(quiz__in=quiz_ids)
        for user_id, kind, sop_id, module_id, quiz_id, due_on in (
            Assignment.objects.filter(user__in=self.ids, status=Assignment.Status.OPEN)
            .filter(wanted)
            .values_list("user_id", "kind", "sop_id", "module_id", "quiz_id", "due_on")
        ):
            target = {"sop": sop_id, "module": module_id, "quiz": quiz_id}[kind]
            self.open_assignments[(user_id, kind, target)] = due_on

    def _attempts(self, lines: list[Criterion]) -> None:
        quiz_lines = [line for line in lines if line.kind == Kind.QUIZ and line.quiz_id]
        quiz_ids = {line.quiz_id for line in quiz_lines}
        labels = {line.min_band for line in quiz_lines if line.min_band}
        if not quiz_ids:
            return
        attempts = Attempt.objects.filter(
            user__in=self.ids,
            quiz__in=quiz_ids,
            status=Attempt.Status.SCORED,
            scored_at__lte=self.now,
        )
        if all(line.within_days for line in quiz_lines):  # older attempts can't count
            longest = max(line.within_days or 0 for line in quiz_lines)
            attempts = attempts.filter(scored_at__gte=self.now - timedelta(days=longest))
        version_ids = set()
        for row in attempts.order_by("-scored_at").values_list(
            "pk",
            "user_id",
            "quiz_id",
            "quiz_version_id",
            "scored_at",
            "percent",
            "passed",
            "band__label",
            "band__min_score",
        ):
            self.attempts[(row[1], row[2])].append(row)
            version_ids.add(row[3])
        if labels and version_ids:
            for version_id, label, min_score in ResultBand.objects.filter(
                version__in=version_ids, label__in=labels
            ).values_list("version_id", "label", "min_score"):
                self.band_floor[(version_id, label)] = min_score

    def _skills(self, lines: list[Criterion], versions: Sequence[CriteriaVersion]) -> None:
        skill_ids = {line.skill_id for line in lines if line.kind == Kind.SKILL and line.skill_id}
        if not skill_ids:
            return
        profiles = {v.criteria.role_profile_id for v in versions}
        self.targets = {
            (profile, skill): level
            for profile, skill, level in SkillTarget.objects.filter(
                role_profile__in=profiles, skill__in=skill_ids
            ).values_list("role_profile_id", "skill_id", "level")
        }
        self.standings = skill_standings(
            user_ids=self.ids, skill_ids=sorted(skill_ids), now=self.now
        )

    def _qa(self, lines: list[Criterion]) -> None:
        critical = [line for line in lines if line.kind == Kind.QA_CRITICAL]
        if critical:
            longest = max((line.within_days or 30) for line in critical)
            for row in (
                QAFinding.objects.filter(
                    agent__in=self.ids,
                    severity=QAFinding.Severity.CRITICAL,
                    occurred_at__gte=self.now - timedelta(days=longest),
                    occurred_at__lte=self.now,
                )
                .order_by("-occurred_at")
                .values_list("pk", "agent_id", "criterion", "interaction_ref", "occurred_at")
            ):
                self.criticals[row[1]].append(row)
            for days in {line.within_days or 30 for line in critical if line.min_count}:
                self.reviewed[days] = dict(
                    ReviewRating.objects.filter(
                        agent__in=self.ids,
                        occurred_at__gte=self.now - timedelta(days=days),
                        occurred_at__lte=self.now,
                    )
                    .values("agent_id")
                    .annotate(n=Count("interaction_ref", distinct=True))
                    .values_list("agent_id", "n")
                )
        for line in lines:
            if line.kind != Kind.QA_PASS_RATE or line.pk in self.rates:
                continue
            ratings = ReviewRating.objects.filter(
                agent__in=self.ids,
                occurred_at__gte=self.now - timedelta(days=line.within_days or 90),
                occurred_at__lte=self.now,
            )
            if line.categories:
                names = Q()
                for name in line.categories:
                    names |= Q(category__iexact=name)
                ratings = ratings.filter(names)
            self.rates[line.pk] = {
                agent_id: (passed, total, interactions)
                for agent_id, passed, total, interactions in ratings.values("agent_id")
                .annotate(
                    passed=Count("pk", filter=Q(result=ReviewRating.Result.PASSED)),
                    total=Count("pk"),
                    interactions=Count("interaction_ref", distinct=True),
                )
                .values_list("agent_id", "passed", "total", "interactions")
            }


def evaluate(
    *, people: Sequence[User], versions: Sequence[CriteriaVersion], now: datetime
) -> dict[tuple[int, int], Standing]:
    """Every person of ``people`` against every version of ``versions`` (loaded by
    ``current_versions``), keyed by (person id, criteria id)."""
    evidence = _Evidence(people, versions, now)
    result = {}
    for version in versions:
        lines = lines_of(version)
        for person in people:
            result[(person.pk, version.criteria_id)] = Standing(
                person=person,
                criteria=version.criteria,
                version=version,
                items=[_judge(line, person.pk, version, evidence) for line in lines],
            )
    return result


def _judge(line: Criterion, person_id: int, version: CriteriaVersion, ev: _Evidence) -> Judged:
    judge = _JUDGES[Kind(line.kind)]
    return judge(line, person_id, version, ev)


def _cannot(line: Criterion, reason: str) -> Judged:
    return Judged(line, Verdict.CANNOT, {"reason": reason})


def _onboarding(line: Criterion, pid: int, version: CriteriaVersion, ev: _Evidence) -> Judged:
    plan = ev.plans.get(pid)
    if plan is None:
        return Judged(line, Verdict.UNSURE, {"plan": None, "required": line.count})
    figures = {
        "plan": plan["pk"],
        "plan_name": plan["name"],
        "done": plan["done"],
        "total": plan["total"],
        "signed_off": plan["completed_at"] is not None,
        "required": line.count,
        "last_due": _iso(plan["last_due"]),
    }
    met = plan["done"] >= line.count if line.count else plan["completed_at"] is not None
    return Judged(line, Verdict.MET if met else Verdict.NOT_MET, figures)


def _sops(line: Criterion, pid: int, version: CriteriaVersion, ev: _Evidence) -> Judged:
    sops = line.sop_list  # type: ignore[attr-defined]
    if not sops:
        return _cannot(line, "nothing_chosen")
    done, missing = [], []
    for sop_id, title, slug in sops:
        current = ev.sop_current.get(sop_id)
        if current is None:
            continue  # nothing published yet: nothing to acknowledge
        entry: dict[str, Any] = {"title": title, "slug": slug, "version": current.number}
        if (pid, current.pk) in ev.acked:
            done.append(entry)
        else:
            entry["assigned"] = (pid, "sop", sop_id) in ev.open_assignments
            entry["due"] = _iso(ev.open_assignments.get((pid, "sop", sop_id)))
            missing.append(entry)
    if not done and not missing:
        return _cannot(line, "nothing_published")
    verdict = Verdict.NOT_MET if missing else Verdict.MET
    return Judged(line, verdict, {"done": done, "missing": missing})


def _modules(line: Criterion, pid: int, version: CriteriaVersion, ev: _Evidence) -> Judged:
    modules = line.module_list  # type: ignore[attr-defined]
    if not modules:
        return _cannot(line, "nothing_chosen")
    done, missing = [], []
    for module_id, title, slug in modules:
        entry: dict[str, Any] = {"title": title, "slug": slug}
        if (pid, module_id) in ev.completed:
            done.append(entry)
        else:
            entry["assigned"] = (pid, "module", module_id) in ev.open_assignments
            entry["due"] = _iso(ev.open_assignments.get((pid, "module", module_id)))
            missing.append(entry)
    verdict = Verdict.NOT_MET if missing else Verdict.MET
    return Judged(line, verdict, {"done": done, "missing": missing})


def _quiz(line: Criterion, pid: int, version: CriteriaVersion, ev: _Evidence) -> Judged:
    if line.quiz is None:
        return _cannot(line, "quiz_deleted")
    quiz_id = line.quiz.pk
    since = ev.now - timedelta(days=line.within_days) if line.within_days else None
    attempts = [a for a in ev.attempts.get((pid, quiz_id), []) if a[4] is not None]
    recent = [a for a in attempts if since is None or a[4] >= since]

    def good(attempt: tuple[Any, ...]) -> bool:
        if not line.min_band:
            return bool(attempt[6])
        floor = ev.band_floor.get((attempt[3], line.min_band))
        if floor is None:  # the attempt's version has no band of that name
            return attempt[7] == line.min_band
        return attempt[8] is not None and attempt[8] >= floor

    best = next((a for a in recent if good(a)), None)
    shown = best or (recent[0] if recent else (attempts[0] if attempts else None))
    figures: dict[str, Any] = {
        "quiz": line.quiz.title,
        "quiz_id": line.quiz_id,
        "min_band": line.min_band,
        "within_days": line.within_days,
        "attempt": None,
        "assigned": (pid, "quiz", quiz_id) in ev.open_assignments,
        "due": _iso(ev.open_assignments.get((pid, "quiz", quiz_id))),
    }
    if shown is not None:
        figures["attempt"] = {
            "id": str(shown[0]),
            "at": _iso(shown[4]),
            "percent": shown[5],
            "passed": shown[6],
            "band": shown[7] or "",
            "counts": shown in recent,
        }
    if best is not None:
        return Judged(line, Verdict.MET, figures)
    return Judged(line, Verdict.NOT_MET, figures)


def _skill(line: Criterion, pid: int, version: CriteriaVersion, ev: _Evidence) -> Judged:
    if line.skill is None:
        return _cannot(line, "skill_deleted")
    skill_id = line.skill.pk
    target = ev.targets.get((version.criteria.role_profile_id, skill_id))
    if target is None:
        return Judged(line, Verdict.CANNOT, {"reason": "no_target", "skill": line.skill.name})
    standing = ev.standings[(pid, skill_id)]
    figures = {
        "skill": line.skill.name,
        "skill_slug": line.skill.slug,
        "target": target,
        "level": round(standing.level, 4),
        "low": round(standing.likely_low, 4),
        "high": round(standing.likely_high, 4),
        "evidence": round(standing.evidence, 3),
        "enough": standing.enough,
    }
    if standing.enough and standing.likely_low >= target:
        verdict = Verdict.MET
    elif standing.enough and standing.likely_high < target:
        verdict = Verdict.NOT_MET
    else:  # too little evidence, or the interval still spans the target: not sure either way
        verdict = Verdict.UNSURE
    return Judged(line, verdict, figures)


def _qa_critical(line: Criterion, pid: int, version: CriteriaVersion, ev: _Evidence) -> Judged:
    days = line.within_days or 30
    since = ev.now - timedelta(days=days)
    found = [row for row in ev.criticals.get(pid, []) if row[4] >= since]
    figures: dict[str, Any] = {
        "days": days,
        "findings": [
            {"id": row[0], "criterion": row[2], "interaction": row[3], "at": _iso(row[4])}
            for row in found[:5]
        ],
        "count": len(found),
        "min_count": line.min_count,
    }
    if found:
        return Judged(line, Verdict.NOT_MET, figures)
    if line.min_count:
        reviewed = ev.reviewed.get(days, {}).get(pid, 0)
        figures["reviewed"] = reviewed
        if reviewed < line.min_count:
            return Judged(line, Verdict.UNSURE, figures)
    return Judged(line, Verdict.MET, figures)


def _qa_pass_rate(line: Criterion, pid: int, version: CriteriaVersion, ev: _Evidence) -> Judged:
    passed, total, interactions = ev.rates.get(line.pk, {}).get(pid, (0, 0, 0))
    min_rate = line.min_rate if line.min_rate is not None else 0.8
    min_count = line.min_count or 1
    figures = {
        "days": line.within_days or 90,
        "categories": list(line.categories),
        "passed": passed,
        "total": total,
        "interactions": interactions,
        "min_rate": min_rate,
        "min_count": min_count,
    }
    if interactions < min_count or total == 0:
        return Judged(line, Verdict.UNSURE, figures)
    verdict = Verdict.MET if passed / total >= min_rate else Verdict.NOT_MET
    return Judged(line, verdict, figures)


def _signoff(line: Criterion, pid: int, version: CriteriaVersion, ev: _Evidence) -> Judged:
    found = ev.signoffs.get((pid, version.criteria_id, line.key))
    if found is None:
        return Judged(line, Verdict.NOT_MET, {"signed": None})
    # neither the signer's name nor the note: a snapshot is never rewritten by an erasure
    return Judged(line, Verdict.MET, {"signed": {"at": _iso(found[0])}})


_JUDGES = {
    Kind.ONBOARDING: _onboarding,
    Kind.SOPS: _sops,
    Kind.MODULES: _modules,
    Kind.QUIZ: _quiz,
    Kind.SKILL: _skill,
    Kind.QA_CRITICAL: _qa_critical,
    Kind.QA_PASS_RATE: _qa_pass_rate,
    Kind.SIGNOFF: _signoff,
}
