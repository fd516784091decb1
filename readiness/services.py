"""Changes to readiness: editing criteria (each edit a new version), sign-offs, decisions and
their revocation, and the daily regression sweep."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, User
from audit.services import record
from core.errors import Conflict, ValidationFailed
from core.tasks import enqueue_on_commit
from courses.models import SOP, Module
from courses.selectors import assignment_target_get
from courses.services import assignments_assign
from notifications.services import NotificationDraft, notify_many
from readiness import evaluation
from readiness.hooks import ReadinessDecided, readiness_decided
from readiness.models import (
    Criteria,
    CriteriaVersion,
    Criterion,
    Decision,
    Kind,
    Regression,
    SignOff,
    Verdict,
)
from readiness.selectors import ready_decisions, regressions_superseded
from skills.models import RoleProfile

LINE_FIELDS = (
    "kind",
    "label_en",
    "label_pl",
    "count",
    "quiz_id",
    "min_band",
    "within_days",
    "skill_id",
    "categories",
    "min_rate",
    "min_count",
)


def criteria_create(
    *, role_profile: RoleProfile, from_roles: Sequence[RoleProfile], by: User
) -> Criteria:
    """Criteria for a role that has none, with an empty first version."""
    if Criteria.objects.filter(role_profile=role_profile).exists():
        message = _("This role already has readiness criteria.")
        raise ValidationFailed(message, field_errors={"role_profile": [message]})
    with transaction.atomic():
        criteria = Criteria.objects.create(role_profile=role_profile)
        criteria.from_roles.set(from_roles)
        CriteriaVersion.objects.create(criteria=criteria, number=1, created_by=by)
        record(actor=by, action="readiness.criteria_changed", obj=criteria, label=str(criteria))
    return criteria


def criteria_from_roles_set(
    *, criteria: Criteria, from_roles: Sequence[RoleProfile], by: User
) -> None:
    with transaction.atomic():
        criteria.from_roles.set(from_roles)
        record(
            actor=by,
            action="readiness.criteria_changed",
            obj=criteria,
            label=str(criteria),
            changes={"from_roles": [r.slug for r in from_roles]},
        )


def _new_version(
    *, criteria: Criteria, by: User, change: str, keep: Sequence[Criterion]
) -> CriteriaVersion:
    """A new version holding copies of ``keep`` (keys kept, so sign-offs carry over), under a
    lock on the criteria so two editors never make the same number."""
    Criteria.objects.select_for_update().get(pk=criteria.pk)
    number = (criteria.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = CriteriaVersion.objects.create(
        criteria=criteria, number=number, created_by=by, change=change[:300]
    )
    for position, line in enumerate(keep):
        copy = Criterion(
            version=version,
            position=position,
            key=line.key,
            **{name: getattr(line, name) for name in LINE_FIELDS},
        )
        copy.label = line.label_en or line.label  # type: ignore[attr-defined]
        copy.save()
        copy.sops.set(line.sops.all())
        copy.modules.set(line.modules.all())
    record(
        actor=by,
        action="readiness.criteria_changed",
        obj=criteria,
        label=str(criteria),
        changes={"version": number, "change": change[:300]},
    )
    return version


def _current_lines(criteria: Criteria) -> list[Criterion]:
    version = criteria.versions.order_by("-number").first()
    if version is None:
        return []
    return list(version.items.prefetch_related("sops", "modules").order_by("position", "pk"))


def criterion_add(
    *,
    criteria: Criteria,
    by: User,
    fields: dict[str, Any],
    sops: Sequence[SOP] = (),
    modules: Sequence[Module] = (),
) -> CriteriaVersion:
    """A new version with the current lines and one more (``fields`` from
    ``readiness.forms.CriterionForm``, already checked)."""
    with transaction.atomic():
        lines = _current_lines(criteria)
        version = _new_version(
            criteria=criteria,
            by=by,
            change=_("Added: %(kind)s") % {"kind": Kind(fields["kind"]).label},
            keep=lines,
        )
        line = Criterion(version=version, position=len(lines), **fields)
        line.save()
        line.sops.set(sops)
        line.modules.set(modules)
    return version


def criterion_remove(*, criteria: Criteria, criterion_id: int, by: User) -> CriteriaVersion:
    with transaction.atomic():
        lines = _current_lines(criteria)
        removed = next((line for line in lines if line.pk == criterion_id), None)
        if removed is None:
            raise Conflict(_("That line is not in the current version any more."))
        return _new_version(
            criteria=criteria,
            by=by,
            change=_("Removed: %(line)s") % {"line": removed.label or removed.get_kind_display()},
            keep=[line for line in lines if line.pk != criterion_id],
        )


def signoff_give(
    *, person: User, criteria: Criteria, key: str, by: User, note: str = ""
) -> SignOff:
    lines = _current_lines(criteria)
    if not any(line.key == key and line.kind == Kind.SIGNOFF for line in lines):
        raise Conflict(_("That sign-off is not in the current criteria any more."))
    with transaction.atomic():
        signoff, _created = SignOff.objects.update_or_create(
            person=person,
            criteria=criteria,
            key=key,
            defaults={"signed_by": by, "signed_at": timezone.now(), "note": note[:500]},
        )
        record(
            actor=by,
            action="readiness.signed_off",
            obj=signoff,
            label=str(criteria),
            changes={"person": person.pk, "key": key},
        )
    return signoff


def signoff_withdraw(*, person: User, criteria: Criteria, key: str, by: User) -> None:
    with transaction.atomic():
        deleted, _rows = SignOff.objects.filter(person=person, criteria=criteria, key=key).delete()
        if deleted:
            record(
                actor=by,
                action="readiness.signed_off",
                obj=criteria,
                label=str(criteria),
                changes={"person": person.pk, "key": key, "withdrawn": True},
            )


def _role_name(role: RoleProfile, language: str) -> str:
    return str(getattr(role, f"name_{language}", "") or role.name_en or role.name)  # type: ignore[attr-defined]


def _standing_now(person: User, criteria: Criteria, now: datetime) -> evaluation.Standing:
    versions = evaluation.current_versions([criteria])
    if criteria.pk not in versions:
        raise Conflict(_("These criteria have no version yet."))
    return evaluation.evaluate(people=[person], versions=[versions[criteria.pk]], now=now)[
        (person.pk, criteria.pk)
    ]


def decision_record(
    *,
    person: User,
    criteria: Criteria,
    outcome: str,
    by: User,
    reason: str = "",
    plan: str = "",
    override: bool = False,
    assign_module: Module | None = None,
    due_on: Any = None,
    now: datetime | None = None,
) -> Decision:
    """Record "ready" or "not yet" with every criterion's verdict and evidence frozen. "Ready"
    with criteria not met needs ``override`` and a reason. Two leads deciding at once both land,
    in order. The person is notified in their language; xAPI hears of it."""
    now = now or timezone.now()
    reason, plan = reason.strip()[:2000], plan.strip()[:2000]
    if outcome not in (Decision.Outcome.READY, Decision.Outcome.NOT_YET):
        message = _("Choose “ready” or “not yet”.")
        raise ValidationFailed(message, field_errors={"outcome": [message]})
    standing = _standing_now(person, criteria, now)
    verdict = standing.verdict
    overridden = False
    if outcome == Decision.Outcome.READY and verdict != Verdict.MET:
        if not override:
            message = _(
                "Not every criterion is met. To record “ready” anyway, tick “Override” and say why."
            )
            raise ValidationFailed(message, field_errors={"override": [message]})
        if not reason:
            message = _("Say why you record “ready” although not every criterion is met.")
            raise ValidationFailed(message, field_errors={"reason": [message]})
        overridden = True
    if outcome == Decision.Outcome.NOT_YET and not reason:
        message = _("Say what is missing, so %(person)s knows what to work on.") % {
            "person": person.name or person.email
        }
        raise ValidationFailed(message, field_errors={"reason": [message]})
    with transaction.atomic():
        assignment_id = None
        if assign_module is not None:
            assignment_id = _assign(person=person, module=assign_module, by=by, due_on=due_on)
        decision = Decision.objects.create(
            person=person,
            criteria=criteria,
            version=standing.version,
            outcome=outcome,
            verdict=verdict,
            overridden=overridden,
            reason=reason,
            plan=plan,
            snapshot=standing.snapshot(),
            assignment_id=assignment_id,
            decided_by=by,
            decided_at=now,
        )
        _after_decision(decision, by=by)
    return decision


def _assign(*, person: User, module: Module, by: User, due_on: Any) -> int:
    target = assignment_target_get(module_id=module.pk)
    made = assignments_assign(
        assigned_by=by,
        users=[person],
        target=target,
        due_on=due_on,
        reason=_("Readiness decision"),
    )
    return made[0][0].pk


def decision_revoke(
    *, decision: Decision, by: User, reason: str, now: datetime | None = None
) -> Decision:
    """Withdraw ``decision`` with a new record (the newest of its person and role only)."""
    now = now or timezone.now()
    reason = reason.strip()[:2000]
    if not reason:
        message = _("Say why the decision is withdrawn.")
        raise ValidationFailed(message, field_errors={"reason": [message]})
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=decision.person_id).first()
        newest = (
            Decision.objects.filter(person=decision.person_id, criteria=decision.criteria_id)
            .order_by("-decided_at", "-pk")
            .first()
        )
        if decision.outcome == Decision.Outcome.REVOKED or newest != decision:
            raise Conflict(_("Only the newest decision can be withdrawn, and only once."))
        standing = _standing_now(decision.person, decision.criteria, now)
        revocation = Decision.objects.create(
            person=decision.person,
            criteria=decision.criteria,
            version=standing.version,
            outcome=Decision.Outcome.REVOKED,
            verdict=standing.verdict,
            reason=reason,
            snapshot=standing.snapshot(),
            revokes=decision,
            decided_by=by,
            decided_at=max(now, decision.decided_at),
        )
        _after_decision(revocation, by=by)
    return revocation


KIND_OF = {
    Decision.Outcome.READY: "readiness_ready",
    Decision.Outcome.NOT_YET: "readiness_not_yet",
    Decision.Outcome.REVOKED: "readiness_revoked",
}


def _after_decision(decision: Decision, *, by: User) -> None:
    record(
        actor=by,
        action="readiness.decided",
        obj=decision,
        label=str(decision.criteria),
        changes={"person": decision.person_id, "outcome": decision.outcome},
    )
    person = decision.person
    role = decision.criteria.role_profile
    params = {"title": _role_name(role, person.language), "person": by.name or by.email}
    notify_many(
        [
            NotificationDraft(
                user_id=person.pk,
                key=f"readiness-decision:{decision.pk}",
                kind=KIND_OF[Decision.Outcome(decision.outcome)],
                title=_("Readiness for “%(title)s”: %(outcome)s")
                % {"title": params["title"], "outcome": decision.get_outcome_display()},
                body=decision.reason,
                url=reverse("readiness:person", args=[person.pk]),
                email=person.email_notifications,
                params=params,
            )
        ]
    )
    if person.email_notifications:
        enqueue_on_commit("notifications.notifications_send_emails")
    readiness_decided.send(ReadinessDecided(decision=decision))


def regressions_sweep(*, now: datetime | None = None, batch: int = 500) -> dict[str, int]:
    """Daily: everyone whose newest decision says ready is judged again; a criterion now not
    met opens a ``Regression`` (one per decision) and tells their leads once; met again, it is
    resolved, and so is one whose decision was withdrawn or replaced. While one is open its
    failing lines follow the evidence. Idempotent: a second run finds and sends nothing new. A
    fixed number of statements per batch."""
    now = now or timezone.now()
    criteria = list(Criteria.objects.select_related("role_profile"))
    roles = {c.pk: c.role_profile for c in criteria}
    versions = evaluation.current_versions(criteria)
    counts = {
        "judged": 0,
        "opened": 0,
        "resolved": regressions_superseded().update(resolved_at=now),
    }
    after = 0
    while True:
        decisions = ready_decisions(after_id=after, limit=batch)
        if not decisions:
            break
        after = decisions[-1].pk
        people = list({d.person_id: d.person for d in decisions}.values())
        used = [versions[c] for c in {d.criteria_id for d in decisions} if c in versions]
        standings = evaluation.evaluate(people=people, versions=used, now=now)
        opened: list[tuple[Decision, list[str]]] = []
        resolved: list[int] = []
        changed: list[Regression] = []
        for decision in decisions:
            standing = standings.get((decision.person_id, decision.criteria_id))
            if standing is None:
                continue
            counts["judged"] += 1
            failing = [i.criterion.key for i in standing.items if i.verdict == Verdict.NOT_MET]
            existing = getattr(decision, "regression", None)  # a missing one: AttributeError
            is_open = existing is not None and existing.resolved_at is None
            if failing and not is_open:
                opened.append((decision, failing))
            elif failing and existing is not None and existing.failing != failing:
                existing.failing = failing
                changed.append(existing)
            elif not failing and is_open and existing is not None:
                resolved.append(existing.pk)
        with transaction.atomic():
            if resolved:
                Regression.objects.filter(pk__in=resolved).update(resolved_at=now)
            if changed:
                Regression.objects.bulk_update(changed, ["failing"])
            reopen = [d.pk for d, _f in opened if getattr(d, "regression", None) is not None]
            if reopen:
                Regression.objects.filter(decision__in=reopen).delete()
            Regression.objects.bulk_create(
                [Regression(decision=d, found_at=now, failing=f) for d, f in opened],
                ignore_conflicts=True,
            )
            _regressions_notify([d for d, _f in opened], roles=roles, now=now)
        counts["opened"] += len(opened)
        counts["resolved"] += len(resolved)
    return counts


def _regressions_notify(
    decisions: list[Decision], *, roles: dict[int, RoleProfile], now: datetime
) -> None:
    """Tell each lead of the person's teams, once per regression (its key). Two queries."""
    if not decisions:
        return
    teams_of: dict[int, set[int]] = {}
    for user_id, team_id in Membership.objects.filter(
        user__in=[d.person_id for d in decisions], role=Membership.Role.MEMBER
    ).values_list("user_id", "team_id"):
        teams_of.setdefault(user_id, set()).add(team_id)
    leads_of: dict[int, list[tuple[int, str, bool]]] = {}
    for team_id, lead_id, language, wants_email in Membership.objects.filter(
        team__in={t for teams in teams_of.values() for t in teams}, role=Membership.Role.LEAD
    ).values_list("team_id", "user_id", "user__language", "user__email_notifications"):
        leads_of.setdefault(team_id, []).append((lead_id, language, wants_email))
    drafts = []
    for decision in decisions:
        who = decision.person.name or decision.person.email
        leads = {
            lead[0]: lead
            for team in teams_of.get(decision.person_id, ())
            for lead in leads_of.get(team, [])
        }
        for lead_id, language, wants_email in leads.values():
            if lead_id == decision.person_id:
                continue
            params = {"title": _role_name(roles[decision.criteria_id], language), "who": who}
            drafts.append(
                NotificationDraft(
                    user_id=lead_id,
                    key=f"readiness-regressed:{decision.pk}:{now:%Y%m%d}:{lead_id}",
                    kind="readiness_regressed",
                    title=_("%(who)s no longer meets the criteria for “%(title)s”") % params,
                    url=reverse("readiness:person", args=[decision.person_id]),
                    email=wants_email,
                    params=params,
                )
            )
    notify_many(drafts)
    if any(d.email for d in drafts):
        enqueue_on_commit("notifications.notifications_send_emails")
