"""Writes of the QA loop: recording findings (page, API, CSV), the training rules that turn
repeated findings into assignments or suggestions, and the lead's decisions on suggestions.

A finding is unique per (agent, interaction, criterion), so re-importing a QA tool's export
creates nothing twice. Rules run in Celery after the finding commits.
"""

from __future__ import annotations

import csv
import io
import itertools
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Membership, User
from core.errors import Conflict, ValidationFailed
from core.tasks import enqueue_on_commit
from core.undo import undo_still_possible
from courses import services as courses_services
from courses.due import local_today
from courses.models import Assignment
from notifications.services import notify
from qa import hooks
from qa.models import QAFinding, RuleFiring, TrainingRule, TrainingSuggestion
from qa.selectors import agents_for
from skills import services as skills_services
from skills.models import Skill, SkillEvidence

CSV_COLUMNS = (
    "agent_email",
    "interaction_ref",
    "criterion",
    "skill",
    "severity",
    "note",
    "occurred_at",
)
CSV_REQUIRED = ("agent_email", "interaction_ref", "criterion", "skill", "severity")
CSV_MAX_ROWS = 5000
CSV_MAX_BYTES = 2 * 1024 * 1024
FUTURE_SLACK = timedelta(minutes=5)


# --- recording --------------------------------------------------------------------------------


def _clean(
    *,
    agent: User | None,
    interaction_ref: str,
    criterion: str,
    skill: Skill | None,
    severity: str,
    note: str,
    occurred_at: datetime | None,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Validate one finding's fields; returns (clean values, field errors)."""
    errors: dict[str, list[str]] = {}
    if agent is None:
        errors["agent"] = [_("Choose an agent in a team you lead.")]
    interaction_ref, criterion = (interaction_ref or "").strip(), (criterion or "").strip()
    if not interaction_ref:
        errors["interaction_ref"] = [_("Give the ticket, chat or call reference.")]
    elif len(interaction_ref) > 200:
        errors["interaction_ref"] = [_("At most 200 characters.")]
    if not criterion:
        errors["criterion"] = [_("Name the scorecard criterion.")]
    elif len(criterion) > 200:
        errors["criterion"] = [_("At most 200 characters.")]
    if skill is None:
        errors["skill"] = [
            _("Unknown skill; use a skill's name or slug, as listed on the import page.")
        ]
    severity = (severity or "").strip().lower()
    if severity not in QAFinding.Severity.values:
        errors["severity"] = [
            _("Choose one of: %(values)s.") % {"values": ", ".join(QAFinding.Severity.values)}
        ]
    occurred_at = occurred_at or timezone.now()
    if occurred_at > timezone.now() + FUTURE_SLACK:
        errors["occurred_at"] = [_("This date is in the future.")]
    values = {
        "agent": agent,
        "interaction_ref": interaction_ref,
        "criterion": criterion,
        "skill": skill,
        "severity": severity,
        "note": (note or "").strip()[:5000],
        "occurred_at": occurred_at,
    }
    return values, errors


def evidence_for_finding(finding: QAFinding) -> SkillEvidence:
    """A QA finding is evidence against its skill, weighted by severity."""
    return skills_services.evidence_row(
        user_id=finding.agent_id,
        skill_id=finding.skill_id,
        outcome=0.0,
        weight=settings.QA_SEVERITY_WEIGHTS[finding.severity],
        at=finding.occurred_at,
        source=SkillEvidence.Source.QA_FINDING,
        source_id=finding.pk,
        params={
            "criterion": finding.criterion,
            "interaction": finding.interaction_ref,
            "severity": finding.severity,
        },
    )


def _skills_by_slug_or_name() -> dict[str, Skill]:
    """Skills by slug and by name, case-insensitively: a QA tool's export may use either
    ("kpi-literacy" or "KPI literacy"). A slug wins over another skill's identical name."""
    skills = list(Skill.objects.all())
    lookup = {s.name.strip().casefold(): s for s in skills}
    lookup.update({s.slug.casefold(): s for s in skills})
    return lookup


def finding_record(
    *,
    reviewer: User,
    agent: User,
    interaction_ref: str,
    criterion: str,
    skill: Skill,
    severity: str = "medium",
    note: str = "",
    occurred_at: datetime | None = None,
    source: str = QAFinding.Source.PAGE,
) -> QAFinding:
    """Record a finding on ``agent``, who comes from ``selectors.agent_get`` (an agent of the
    reviewer's teams). The same (agent, interaction, criterion) again is ``Conflict`` with the
    existing ``id``; invalid values are ``ValidationFailed`` with field errors."""
    values, errors = _clean(
        agent=agent,
        interaction_ref=interaction_ref,
        criterion=criterion,
        skill=skill,
        severity=severity,
        note=note,
        occurred_at=occurred_at,
    )
    if errors:
        raise ValidationFailed(_("Some fields need attention."), field_errors=errors)
    existing = QAFinding.objects.filter(
        agent=agent, interaction_ref=values["interaction_ref"], criterion=values["criterion"]
    ).first()
    if existing is not None:
        raise Conflict(
            _("This finding is already recorded for this interaction."), extra={"id": existing.pk}
        )
    try:
        with transaction.atomic():
            finding = QAFinding.objects.create(reviewer=reviewer, source=source, **values)
            _after_findings([finding])
    except IntegrityError as exc:
        raise Conflict(_("This finding is already recorded for this interaction.")) from exc
    return finding


def _after_findings(findings: list[QAFinding]) -> None:
    """Evidence now; the rules and the projection in Celery after commit."""
    skills_services.evidence_add([evidence_for_finding(f) for f in findings])
    for agent_id in sorted({f.agent_id for f in findings}):
        enqueue_on_commit("assessments.qa_rules_evaluate", agent_id)


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    duplicate: bool = False
    clean: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def key(self) -> tuple[int, str, str] | None:
        """(agent, interaction, criterion): what makes a finding unique."""
        if self.clean is None:
            return None
        return (self.clean["agent"].pk, self.clean["interaction_ref"], self.clean["criterion"])


@dataclass
class ImportReport:
    rows: list[ImportRow]
    problems: list[str]
    created: int = 0

    @property
    def valid(self) -> int:
        return sum(1 for r in self.rows if r.ok and not r.duplicate)

    @property
    def invalid(self) -> int:
        return sum(1 for r in self.rows if not r.ok)

    @property
    def duplicates(self) -> int:
        return sum(1 for r in self.rows if r.ok and r.duplicate)


def _parse_when(text: str) -> datetime | None:
    text = (text or "").strip()
    if not text:
        return None
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise ValueError(text)
        moment = datetime(
            day.year, day.month, day.day, 12, 0, tzinfo=timezone.get_current_timezone()
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


def findings_import(*, reviewer: User, content: str | bytes, commit: bool) -> ImportReport:
    """Check a QA tool's CSV export row by row; with ``commit``, save the valid new rows.

    Columns: ``agent_email, interaction_ref, criterion, skill, severity, note, occurred_at``
    (the last two optional). Rows already in Readiness (same agent, interaction and
    criterion) are reported as duplicates and skipped, so importing a file twice is harmless.
    Three steps: parse the file, validate each row, write the valid new ones.
    """
    records, problems = _csv_parse(content)
    if problems:
        return ImportReport(rows=[], problems=problems)
    rows = _rows_validate(reviewer=reviewer, records=records)
    report = ImportReport(rows=rows, problems=[] if rows else [_("The file has no rows.")])
    if commit and report.valid:
        report.created = len(_rows_write(reviewer=reviewer, rows=rows))
    return report


def _csv_parse(content: str | bytes) -> tuple[list[dict[str, str]], list[str]]:
    """The file's records, or the problems that stop it being read at all."""
    if isinstance(content, bytes):
        if len(content) > CSV_MAX_BYTES:
            return [], [_("The file is larger than 2 MB.")]
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return [], [_("The file is not UTF-8 text.")]
    if "\x00" in content:
        # The csv module accepts NUL, PostgreSQL refuses it in text.
        return [], [_("The file is not CSV text: it contains NUL.")]
    reader = csv.DictReader(io.StringIO(content))
    try:
        # One row past the limit tells that there are too many. csv.Error: e.g. a field over
        # the csv module's 128 KiB limit.
        records = list(itertools.islice(reader, CSV_MAX_ROWS + 1))
    except csv.Error as exc:
        return [], [_("The file is not valid CSV: %(error)s.") % {"error": exc}]
    if len(records) > CSV_MAX_ROWS:
        return [], [
            ngettext("At most %(n)d row per file.", "At most %(n)d rows per file.", CSV_MAX_ROWS)
            % {"n": CSV_MAX_ROWS}
        ]
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        return [], [_("Missing columns: %(cols)s.") % {"cols": ", ".join(missing)}]
    return [{k.strip().lower(): (v or "").strip() for k, v in r.items() if k} for r in records], []


def _rows_validate(*, reviewer: User, records: list[dict[str, str]]) -> list[ImportRow]:
    """Each record checked like a finding entered on the page, then marked duplicate if the
    file repeats it or Readiness already has it."""
    skills = _skills_by_slug_or_name()
    agents = {u.email.lower(): u for u in agents_for(reviewer)}
    rows: list[ImportRow] = []
    seen: set[tuple[int, str, str]] = set()
    for number, values in enumerate(records, start=2):
        row = ImportRow(line=number, values=values)
        try:
            when = _parse_when(values.get("occurred_at", ""))
        except ValueError:
            when = None
            row.errors["occurred_at"] = [_("Use a date like 2026-03-31 or 2026-03-31T14:05.")]
        clean, errors = _clean(
            agent=agents.get(values.get("agent_email", "").lower()),
            interaction_ref=values.get("interaction_ref", ""),
            criterion=values.get("criterion", ""),
            skill=skills.get(values.get("skill", "").strip().casefold()),
            severity=values.get("severity", ""),
            note=values.get("note", ""),
            occurred_at=when,
        )
        row.errors.update({("agent_email" if k == "agent" else k): v for k, v in errors.items()})
        if row.ok:
            key = (clean["agent"].pk, clean["interaction_ref"], clean["criterion"])
            row.duplicate = key in seen
            seen.add(key)
            row.clean = clean
        rows.append(row)
    if seen:
        existing = set(
            QAFinding.objects.filter(agent_id__in={k[0] for k in seen}).values_list(
                "agent_id", "interaction_ref", "criterion"
            )
        )
        for row in rows:
            if row.clean and row.key in existing:
                row.duplicate = True
    return rows


def _rows_write(*, reviewer: User, rows: list[ImportRow]) -> list[QAFinding]:
    """Save the valid new rows with their evidence; a row saved meanwhile is skipped."""
    new = [
        QAFinding(reviewer=reviewer, source=QAFinding.Source.CSV, **row.clean)
        for row in rows
        if row.clean and not row.duplicate
    ]
    with transaction.atomic():
        QAFinding.objects.bulk_create(new, ignore_conflicts=True)
        keys = {(f.agent_id, f.interaction_ref, f.criterion) for f in new}
        created = [
            f
            for f in QAFinding.objects.filter(
                agent_id__in={k[0] for k in keys},
                interaction_ref__in={k[1] for k in keys},
                source=QAFinding.Source.CSV,
                reviewer=reviewer,
            )
            if (f.agent_id, f.interaction_ref, f.criterion) in keys
        ]
        _after_findings(created)
    return created


@transaction.atomic
def findings_delete(*, findings: QuerySet[QAFinding]) -> int:
    """Delete findings with the skill evidence they produced (the admin's delete)."""
    ids = list(findings.values_list("pk", flat=True))
    skills_services.evidence_delete(source=SkillEvidence.Source.QA_FINDING, source_ids=ids)
    deleted, _by_model = QAFinding.objects.filter(pk__in=ids).delete()
    return deleted


# --- rules ------------------------------------------------------------------------------------


def _matching(rule: TrainingRule, findings: QuerySet[QAFinding]) -> QuerySet[QAFinding]:
    if rule.review_source_id:  # a rule limited to one QA tool source
        findings = findings.filter(review_source_id=rule.review_source_id)
    return (
        findings.filter(skill_id=rule.skill_id)
        if rule.skill_id
        else findings.filter(criterion=rule.criterion)
    )


def rules_evaluate(*, agent_id: int, now: datetime | None = None) -> int:
    """Fire every active rule the agent now meets: N matching findings within W days of the
    latest one, no firing of that rule for the agent within the cooldown, and no hold-out of
    that rule for the agent still running. Idempotent: evaluations are serialised per agent
    and a fired rule is in cooldown. Returns firings."""
    now = now or timezone.now()
    fired = 0
    with transaction.atomic():
        agent = User.objects.select_for_update().filter(pk=agent_id, is_active=True).first()
        if agent is None:
            return 0
        findings = QAFinding.objects.filter(agent=agent)
        for rule in TrainingRule.objects.filter(is_active=True).select_related("module", "skill"):
            matching = _matching(rule, findings)
            latest = (
                matching.order_by("-occurred_at").values_list("occurred_at", "skill_id").first()
            )
            if latest is None:
                continue
            window_start = latest[0] - timedelta(days=rule.window_days)
            count = matching.filter(
                occurred_at__gte=window_start, occurred_at__lte=latest[0]
            ).count()
            if count < rule.threshold:
                continue
            cooling = RuleFiring.objects.filter(
                Q(fired_at__gt=now - timedelta(days=rule.cooldown_days))
                | Q(held_out_until__gt=now),
                rule=rule,
                agent=agent,
            ).exists()
            if cooling or not rule.module.is_published:
                continue
            _fire(rule=rule, agent=agent, skill_id=rule.skill_id or latest[1], count=count, now=now)
            fired += 1
    return fired


def _fire(*, rule: TrainingRule, agent: User, skill_id: int, count: int, now: datetime) -> None:
    """Record the firing and act on it, unless the rule's randomized hold-out draws the agent:
    then nothing is assigned, suggested or notified for ``holdout_days``, and "is it working?"
    compares the trained agents with them."""
    if rule.holdout_percent and secrets.randbelow(100) < rule.holdout_percent:
        RuleFiring.objects.create(
            rule=rule,
            agent=agent,
            skill_id=skill_id,
            fired_at=now,
            finding_count=count,
            held_out_until=now + timedelta(days=rule.holdout_days),
        )
        return
    reason = ngettext(
        "%(n)d QA finding within %(days)d days (rule “%(rule)s”)",
        "%(n)d QA findings within %(days)d days (rule “%(rule)s”)",
        count,
    ) % {
        "n": count,
        "days": rule.window_days,
        "rule": rule.name,
    }
    firing = RuleFiring(
        rule=rule, agent=agent, skill_id=skill_id, fired_at=now, finding_count=count
    )
    if rule.mode == TrainingRule.Mode.AUTO:
        assignment, created = courses_services.assignment_ensure(
            user=agent,
            module=rule.module,
            source=Assignment.Source.QA_RULE,
            reason=reason,
            # Nobody picked the day: D days after today on the agent's own calendar.
            due_on=local_today(agent, now=now) + timedelta(days=rule.due_days),
        )
        if created:
            hooks.qa_assignment_made.send(
                hooks.QaAssignmentMade(assignment=assignment, rule=rule, at=now)
            )
        firing.assignment = assignment
        firing.save()
        notify(
            user=agent,
            key=f"qa-training:{firing.pk}",
            kind="qa_training",
            title=_("New training after QA: %(module)s") % {"module": rule.module.title},
            body=reason,
            url="/training/",
            email=agent.email_notifications,
        )
        return
    suggestion, _created = TrainingSuggestion.objects.get_or_create(
        rule=rule,
        agent=agent,
        status=TrainingSuggestion.Status.PENDING,
        defaults={"module": rule.module, "reason": reason[:300]},
    )
    firing.suggestion = suggestion if _created else None
    firing.save()
    for lead in (
        User.objects.filter(
            memberships__role=Membership.Role.LEAD,
            memberships__team__memberships__user=agent,
        )
        .exclude(pk=agent.pk)
        .distinct()
    ):
        notify(
            user=lead,
            key=f"qa-suggestion:{suggestion.pk}:{lead.pk}",
            kind="qa_suggestion",
            title=_("Suggested training for %(name)s: %(module)s")
            % {"name": agent.name, "module": rule.module.title},
            body=reason,
            url="/skills/",
            email=lead.email_notifications,
        )


# --- suggestions ------------------------------------------------------------------------------


def suggestion_accept(*, suggestion: TrainingSuggestion, lead: User) -> TrainingSuggestion:
    """Create the suggested assignment (once; a second click changes nothing)."""
    with transaction.atomic():
        locked = TrainingSuggestion.objects.select_for_update().get(pk=suggestion.pk)
        if locked.status != TrainingSuggestion.Status.PENDING:
            raise Conflict(
                _("This suggestion was already %(s)s.") % {"s": locked.get_status_display().lower()}
            )
        now = timezone.now()
        assignment, created = courses_services.assignment_ensure(
            user=suggestion.agent,
            module=suggestion.module,
            source=Assignment.Source.QA_RULE,
            reason=suggestion.reason,
            # The lead who accepts sets the day: D days after today on their calendar.
            due_on=local_today(lead, now=now) + timedelta(days=suggestion.rule.due_days),
            assigned_by=lead,
        )
        if created:
            hooks.qa_assignment_made.send(
                hooks.QaAssignmentMade(assignment=assignment, rule=suggestion.rule, at=now)
            )
        TrainingSuggestion.objects.filter(pk=suggestion.pk).update(
            status=TrainingSuggestion.Status.ACCEPTED,
            decided_at=now,
            decided_by=lead,
            assignment=assignment,
        )
        RuleFiring.objects.filter(suggestion=suggestion).update(assignment=assignment)
    suggestion.refresh_from_db()
    return suggestion


def suggestion_dismiss(*, suggestion: TrainingSuggestion, lead: User) -> TrainingSuggestion:
    TrainingSuggestion.objects.filter(
        pk=suggestion.pk, status=TrainingSuggestion.Status.PENDING
    ).update(status=TrainingSuggestion.Status.DISMISSED, decided_at=timezone.now(), decided_by=lead)
    suggestion.refresh_from_db()
    return suggestion


def suggestion_dismiss_undo(
    *, suggestion: TrainingSuggestion, lead: User, now: datetime | None = None
) -> TrainingSuggestion:
    """Undo ``suggestion_dismiss`` (the "Undo" in its message): the suggestion waits again.
    Only the lead who dismissed it, within ``core.undo.UNDO_WINDOW``; a waiting suggestion
    stays as it is. ``Conflict`` when it is too late, someone else dismissed it, or the rule
    has suggested the same again since (one waiting suggestion per rule and agent)."""
    with transaction.atomic():
        locked = TrainingSuggestion.objects.select_for_update().get(pk=suggestion.pk)
        if locked.status == TrainingSuggestion.Status.PENDING:
            return locked
        again = TrainingSuggestion.objects.filter(
            rule_id=locked.rule_id,
            agent_id=locked.agent_id,
            status=TrainingSuggestion.Status.PENDING,
        ).exists()
        if (
            locked.status != TrainingSuggestion.Status.DISMISSED
            or locked.decided_by_id != lead.pk
            or not undo_still_possible(locked.decided_at, now=now)
            or again
        ):
            raise Conflict(_("This suggestion can't be brought back any more."))
        TrainingSuggestion.objects.filter(pk=suggestion.pk).update(
            status=TrainingSuggestion.Status.PENDING, decided_at=None, decided_by=None
        )
    suggestion.refresh_from_db()
    return suggestion


# --- reads for leads --------------------------------------------------------------------------
