"""Writes of the QA loop: recording findings (page and API; files go through ``qa.reviews``),
the training rules that turn repeated findings into assignments or suggestions, and the
lead's decisions on suggestions.

A finding is unique per (agent, interaction, criterion), so re-importing a QA tool's export
creates nothing twice. Rules run in Celery after the finding commits.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypedDict, cast

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.calendar import local_today
from accounts.models import Membership, User
from audit import services as audit_services
from core.errors import Conflict, ValidationFailed
from core.tasks import enqueue_on_commit
from core.undo import undo_still_possible
from courses import services as courses_services
from courses.models import Assignment
from notifications.services import notify
from qa import hooks
from qa.models import QAFinding, RuleFiring, TrainingRule, TrainingSuggestion
from skills import services as skills_services
from skills.models import Skill, SkillEvidence

FUTURE_SLACK = timedelta(minutes=5)


class FindingValues(TypedDict):
    """``finding_clean``'s values, to use only when it found no field error (with one,
    ``agent`` or ``skill`` may be None)."""

    agent: User
    interaction_ref: str
    criterion: str
    skill: Skill
    severity: str
    note: str
    occurred_at: datetime


# --- recording --------------------------------------------------------------------------------


def finding_clean(
    *,
    agent: User | None,
    interaction_ref: str,
    criterion: str,
    skill: Skill | None,
    severity: str,
    note: str,
    occurred_at: datetime | None,
) -> tuple[FindingValues, dict[str, list[str]]]:
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
    # Typed for the valid case, the only one in which callers read them (see FindingValues).
    values = cast(
        FindingValues,
        {
            "agent": agent,
            "interaction_ref": interaction_ref,
            "criterion": criterion,
            "skill": skill,
            "severity": severity,
            "note": (note or "").strip()[:5000],
            "occurred_at": occurred_at,
        },
    )
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


def skills_by_slug_or_name() -> dict[str, Skill]:
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
    values, errors = finding_clean(
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
            audit_services.record(
                actor=reviewer,
                action="qa_finding.created",
                obj=finding,
                label=f"{finding.criterion} · {finding.interaction_ref} · {agent.email}",
                changes={
                    "agent_id": agent.pk,
                    "skill_id": skill.pk,
                    "severity": finding.severity,
                    "source": source,
                },
            )
    except IntegrityError as exc:
        raise Conflict(_("This finding is already recorded for this interaction.")) from exc
    return finding


def _after_findings(findings: list[QAFinding]) -> None:
    """Evidence now; the rules and the projection in Celery after commit."""
    skills_services.evidence_add([evidence_for_finding(f) for f in findings])
    enqueue_on_commit("qa.rules_evaluate_agents", sorted({f.agent_id for f in findings}))


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
    with translation.override(agent.language or None):  # stored: the agent reads it
        reason = _firing_reason(rule, count)
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
        with translation.override(agent.language or None):  # the module's title too
            notify(
                user=agent,
                key=f"qa-training:{firing.pk}",
                kind="qa_training",
                title=_("New training after QA: %(module)s") % {"module": rule.module.title},
                body=_firing_reason(rule, count),
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
        with translation.override(lead.language or None):  # the module's title too
            notify(
                user=lead,
                key=f"qa-suggestion:{suggestion.pk}:{lead.pk}",
                kind="qa_suggestion",
                title=_("Suggested training for %(name)s: %(module)s")
                % {"name": agent.name, "module": rule.module.title},
                body=_firing_reason(rule, count),
                url="/skills/",
                email=lead.email_notifications,
            )


def _firing_reason(rule: TrainingRule, count: int) -> str:
    """Why a rule fired, in the active language."""
    return ngettext(
        "%(n)d QA finding within %(days)d days (rule “%(rule)s”)",
        "%(n)d QA findings within %(days)d days (rule “%(rule)s”)",
        count,
    ) % {"n": count, "days": rule.window_days, "rule": rule.name}


# --- suggestions ------------------------------------------------------------------------------


@dataclass(frozen=True)
class SuggestionAccepted:
    """What accepting a suggestion did. ``assignment_created`` is False when the agent
    already had the module open: the suggestion is then linked to that assignment, which
    keeps its due date, reason and source, and the agent is not notified again."""

    suggestion: TrainingSuggestion
    assignment: Assignment
    assignment_created: bool

    @property
    def message(self) -> str:
        """What to tell the lead, in the active language."""
        values = {
            "name": self.suggestion.agent.name or self.suggestion.agent.email,
            "module": self.suggestion.module.title,
        }
        if self.assignment_created:
            return _("Assigned “%(module)s” to %(name)s.") % values
        if self.assignment.due_on is None:
            return (
                _(
                    "%(name)s already had “%(module)s” assigned (no due date); the suggestion "
                    "is linked to that assignment."
                )
                % values
            )
        return _(
            "%(name)s already had “%(module)s” assigned (due %(due)s); the suggestion is "
            "linked to that assignment, which keeps its due date."
        ) % {**values, "due": formats.date_format(self.assignment.due_on, "DATE_FORMAT")}


def suggestion_accept(*, suggestion: TrainingSuggestion, lead: User) -> TrainingSuggestion:
    """``suggestion_accept_outcome``, answering only the accepted suggestion (the API's
    answer; its ``assignment`` is the one the suggestion is linked to)."""
    return suggestion_accept_outcome(suggestion=suggestion, lead=lead).suggestion


def suggestion_accept_outcome(*, suggestion: TrainingSuggestion, lead: User) -> SuggestionAccepted:
    """Accept a waiting suggestion: the agent's open assignment for the module, created if
    missing (due D days after today on the lead's calendar), and the suggestion linked to it.
    Once: a second click is ``Conflict`` and changes nothing.

    A new assignment is audited, sent on ``qa_assignment_made`` and notified to the agent like
    one a lead gives (``courses.services.assignments_notify``). An assignment the agent already
    had open is kept as it is and nothing is sent; ``assignment_created`` says which."""
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
            audit_services.record(
                actor=lead,
                action="assignment.created",
                obj=assignment,
                label=f"{suggestion.module.title} → {suggestion.agent.email}",
                changes={
                    "user_id": assignment.user_id,
                    "kind": assignment.kind,
                    "target_id": assignment.module_id,
                    "due_on": assignment.due_on,
                    "suggestion_id": suggestion.pk,
                },
            )
            courses_services.assignments_notify(
                assignments=[assignment],
                people=[suggestion.agent],
                assigned_by=lead,
                target=suggestion.module,
                body=suggestion.reason,
            )
        TrainingSuggestion.objects.filter(pk=suggestion.pk).update(
            status=TrainingSuggestion.Status.ACCEPTED,
            decided_at=now,
            decided_by=lead,
            assignment=assignment,
        )
        RuleFiring.objects.filter(suggestion=suggestion).update(assignment=assignment)
    suggestion.refresh_from_db()
    return SuggestionAccepted(
        suggestion=suggestion, assignment=assignment, assignment_created=created
    )


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
