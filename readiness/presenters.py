"""Standings and decisions shaped for the page, the PDF, the CSV and the API, in the active
language. The sentences come from ``readiness.describe``."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from readiness import evaluation, selectors
from readiness.describe import Described, describe, title_of
from readiness.evaluation import Judged
from readiness.models import Criteria, Criterion, Decision, Kind, Verdict
from readiness.selectors import Row

VERDICT_CSS = {
    Verdict.MET: "ok",
    Verdict.NOT_MET: "bad",
    Verdict.UNSURE: "warn",
    Verdict.CANNOT: "info",
}

STATE_LABELS = {
    "ready_undecided": lambda: _("Ready, not yet decided"),
    "regressed": lambda: _("Decided ready, now failing a criterion"),
    "ready_decided": lambda: _("Decided ready"),
    "not_yet_decided": lambda: _("Decided not yet"),
    "not_ready": lambda: _("Not ready"),
}


def verdict_label(verdict: str) -> str:
    return str(Verdict(verdict).label)


def describe_judged(item: Judged, person_id: int) -> Described:
    return describe(
        kind=item.criterion.kind,
        verdict=item.verdict,
        figures=item.figures,
        title=title_of(item.criterion),
        person_id=person_id,
    )


@dataclass
class LineView:
    line: Criterion
    described: Described
    css: str
    is_signoff: bool
    signed: bool


@dataclass
class RoleView:
    criteria: Criteria
    role_name: str
    verdict: str
    verdict_label: str
    css: str
    state: str
    state_label: str
    version: int
    lines: list[LineView]
    blocking: str
    decision: Decision | None
    decision_age: int | None
    decision_age_text: str
    regression: Any
    met_count: int
    form: Any = None


def role_view(row: Row, *, now: datetime, form: Any) -> RoleView:
    standing = row.standing
    lines = []
    for item in standing.items:
        described = describe_judged(item, row.person.pk)
        lines.append(
            LineView(
                line=item.criterion,
                described=described,
                css=VERDICT_CSS[Verdict(item.verdict)],
                is_signoff=item.criterion.kind == Kind.SIGNOFF,
                signed=bool(item.figures.get("signed")),
            )
        )
    blocking = standing.blocking
    return RoleView(
        criteria=standing.criteria,
        role_name=standing.criteria.role_profile.name,
        verdict=standing.verdict,
        verdict_label=verdict_label(standing.verdict),
        css=VERDICT_CSS[Verdict(standing.verdict)],
        state=row.state,
        state_label=STATE_LABELS[row.state](),
        version=standing.version.number,
        lines=lines,
        blocking=title_of(blocking.criterion) if blocking else "",
        decision=row.decision,
        decision_age=row.decision_age_days(now),
        decision_age_text=age_text(row.decision_age_days(now)),
        regression=row.regression,
        met_count=sum(1 for i in standing.items if i.verdict == Verdict.MET),
        form=form,
    )


@dataclass
class HistoryItem:
    decision: Decision
    role_name: str
    outcome_label: str
    css: str


def history(decisions: Iterable[Decision]) -> list[HistoryItem]:
    css = {"ready": "ok", "not_yet": "warn", "revoked": "info"}
    return [
        HistoryItem(
            decision=d,
            role_name=d.criteria.role_profile.name,
            outcome_label=d.get_outcome_display(),
            css=css.get(d.outcome, ""),
        )
        for d in decisions
    ]


def snapshot_lines(decision: Decision, lines: dict[int, Criterion] | None = None) -> list[LineView]:
    """A decision's frozen verdicts and evidence, described in the reader's language
    (``lines``: from ``selectors.decision_lines``, read once for a list of decisions)."""
    lines = lines if lines is not None else selectors.decision_lines([decision])
    out = []
    for entry in decision.snapshot or []:
        line = lines.get(entry.get("criterion"))
        if line is None:
            continue
        described = describe(
            kind=entry["kind"],
            verdict=entry["verdict"],
            figures=entry.get("figures") or {},
            title=title_of(line),
            person_id=decision.person_id,
        )
        out.append(
            LineView(
                line=line,
                described=described,
                css=VERDICT_CSS[Verdict(entry["verdict"])],
                is_signoff=line.kind == Kind.SIGNOFF,
                signed=bool((entry.get("figures") or {}).get("signed")),
            )
        )
    return out


def current_lines(criteria: Criteria) -> list[tuple[Criterion, str]]:
    versions = evaluation.current_versions([criteria])
    version = versions.get(criteria.pk)
    return [(line, title_of(line)) for line in evaluation.lines_of(version)] if version else []


@dataclass
class CriteriaRow:
    criteria: Criteria
    version: int
    lines: list[str] = field(default_factory=list)


def criteria_rows(criteria: Sequence[Criteria]) -> list[CriteriaRow]:
    versions = evaluation.current_versions(criteria)
    rows = []
    for c in criteria:
        version = versions.get(c.pk)
        rows.append(
            CriteriaRow(
                criteria=c,
                version=version.number if version else 0,
                lines=[title_of(line) for line in evaluation.lines_of(version)] if version else [],
            )
        )
    return rows


# --- the board ------------------------------------------------------------------------------


@dataclass
class BoardRow:
    row: Row
    role: RoleView


@dataclass
class Board:
    rows: list[BoardRow]
    counts: dict[str, int]
    roles: list[tuple[int, str]]
    state: str
    role: str
    sort: str
    states: list[tuple[str, str, int]]
    sorts: list[tuple[str, str]]
    alerts: list[BoardRow]


SORTS = {
    "name": lambda r: (r.row.person.name.lower(), r.role.role_name),
    "verdict": lambda r: (
        evaluation.ORDER[Verdict(r.role.verdict)],
        r.row.person.name.lower(),
    ),
    "decided": lambda r: (
        -(r.role.decision_age if r.role.decision_age is not None else -1),
        r.row.person.name.lower(),
    ),
}


def board(rows: list[Row], *, now: datetime, state: str, role: str, sort: str) -> Board:
    views = [BoardRow(row, role_view(row, now=now, form=None)) for row in rows]
    counts = dict.fromkeys(selectors.BOARD_STATES, 0)
    for view in views:
        counts[view.row.state] += 1
    roles = sorted({(v.role.criteria.pk, v.role.role_name) for v in views}, key=lambda r: r[1])
    alerts = [v for v in views if v.row.state == "regressed"]
    shown = views
    if state in counts:
        shown = [v for v in shown if v.row.state == state]
    role = role if role.isascii() and role.isdigit() and len(role) < 19 else ""
    if role:
        shown = [v for v in shown if v.role.criteria.pk == int(role)]
    sort = sort if sort in SORTS else "name"
    shown.sort(key=SORTS[sort])
    return Board(
        rows=shown,
        counts=counts,
        roles=roles,
        state=state if state in counts else "",
        role=role,
        sort=sort,
        states=[(name, STATE_LABELS[name](), counts[name]) for name in selectors.BOARD_STATES],
        sorts=[
            ("name", _("Name")),
            ("verdict", _("Verdict")),
            ("decided", _("Oldest decision first")),
        ],
        alerts=alerts,
    )


def board_csv_header() -> list[str]:
    """The CSV's header in the active language."""
    return [
        _("Person"),
        _("Email"),
        _("Role"),
        _("Verdict"),
        _("State"),
        _("Criteria met"),
        _("Criteria"),
        _("Blocked by"),
        _("Last decision"),
        _("Decided on"),
        _("Decided by"),
        _("Criteria version"),
    ]


def board_csv_rows(rows: Iterable[BoardRow]) -> Iterable[list[Any]]:
    for view in rows:
        decision = view.role.decision
        yield [
            view.row.person.name,
            view.row.person.email,
            view.role.role_name,
            view.role.verdict_label,
            view.role.state_label,
            view.role.met_count,
            len(view.role.lines),
            view.role.blocking,
            decision.get_outcome_display() if decision else "",
            decision.decided_at.date().isoformat() if decision else "",
            (decision.decided_by.name if decision and decision.decided_by else ""),
            view.role.version,
        ]


def age_text(days: int | None) -> str:
    if days is None:
        return ""
    if days == 0:
        return _("today")
    return ngettext("%(n)d day ago", "%(n)d days ago", days) % {"n": days}


# --- the API's dicts ------------------------------------------------------------------------


def line_dict(view: LineView, figures: dict[str, Any]) -> dict[str, Any]:
    d = view.described
    return {
        "criterion": view.line.pk,
        "key": view.line.key,
        "kind": view.line.kind,
        "title": d.title,
        "verdict": d.verdict,
        "summary": d.summary,
        "missing": d.missing,
        "estimate": d.estimate,
        "evidence": [{"text": text, "url": url} for text, url in d.evidence],
        "figures": figures,
    }


def decision_brief(decision: Decision | None, now: datetime) -> dict[str, Any] | None:
    if decision is None:
        return None
    return {
        "id": decision.pk,
        "outcome": decision.outcome,
        "decided_at": decision.decided_at,
        "decided_by": decision.decided_by.name if decision.decided_by else None,
        "age_days": (now - decision.decided_at).days,
    }


def person_brief(person: Any) -> dict[str, Any]:
    return {"id": person.pk, "name": person.name, "email": person.email}


def role_dict(row: Row, now: datetime) -> dict[str, Any]:
    view = role_view(row, now=now, form=None)
    return {
        "criteria": view.criteria.pk,
        "role": view.criteria.role_profile.slug,
        "role_name": view.role_name,
        "version": view.version,
        "verdict": view.verdict,
        "state": view.state,
        "blocking": view.blocking,
        "met": view.met_count,
        "total": len(view.lines),
        "lines": [
            line_dict(lv, item.figures)
            for lv, item in zip(view.lines, row.standing.items, strict=True)
        ],
        "decision": decision_brief(row.decision, now),
        "regressed_since": row.regression.found_at if row.regression else None,
    }


def board_dict(team_id: int, rows: list[Row], now: datetime) -> dict[str, Any]:
    counts = dict.fromkeys(selectors.BOARD_STATES, 0)
    out = []
    for row in rows:
        counts[row.state] += 1
        blocking = row.standing.blocking
        out.append(
            {
                "person": person_brief(row.person),
                "criteria": row.standing.criteria.pk,
                "role": row.standing.criteria.role_profile.slug,
                "role_name": row.standing.criteria.role_profile.name,
                "verdict": row.standing.verdict,
                "state": row.state,
                "blocking": title_of(blocking.criterion) if blocking else "",
                "met": sum(1 for i in row.standing.items if i.verdict == Verdict.MET),
                "total": len(row.standing.items),
                "decision": decision_brief(row.decision, now),
            }
        )
    return {"team": team_id, "counts": counts, "rows": out}


def decision_dicts(decisions: Sequence[Decision]) -> list[dict[str, Any]]:
    """The API's dicts of ``decisions``, their lines read in three queries for all."""
    lines = selectors.decision_lines(decisions)
    return [decision_dict(d, lines) for d in decisions]


def decision_dict(decision: Decision, lines: dict[int, Criterion] | None = None) -> dict[str, Any]:
    views = snapshot_lines(decision, lines)
    figures = {e.get("criterion"): e.get("figures") or {} for e in decision.snapshot or []}
    return {
        "id": decision.pk,
        "person": person_brief(decision.person),
        "criteria": decision.criteria_id,
        "role": decision.criteria.role_profile.slug,
        "version": decision.version.number,
        "outcome": decision.outcome,
        "verdict": decision.verdict,
        "overridden": decision.overridden,
        "reason": decision.reason,
        "plan": decision.plan,
        "revokes": decision.revokes_id,
        "assignment": decision.assignment_id,
        "decided_by": decision.decided_by.name if decision.decided_by else None,
        "decided_at": decision.decided_at,
        "lines": [line_dict(v, figures.get(v.line.pk, {})) for v in views],
    }


def criteria_dict(criteria: Criteria, version: Any) -> dict[str, Any]:
    lines = evaluation.lines_of(version) if version else []
    return {
        "id": criteria.pk,
        "role": criteria.role_profile.slug,
        "role_name": criteria.role_profile.name,
        "from_roles": [r.slug for r in criteria.from_roles.all()],
        "version": version.number if version else 0,
        "lines": [
            {"id": line.pk, "key": line.key, "kind": line.kind, "title": title_of(line)}
            for line in lines
        ],
    }
