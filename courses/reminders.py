"""Reminders, sent by an hourly sweep, exactly once each.

Rules (days in settings):
- **due soon**: within ``REMINDER_DUE_SOON_DAYS`` before the due time, once per item;
- **overdue**: ``REMINDER_OVERDUE_AFTER_DAYS`` after the due time, then every
  ``REMINDER_REPEAT_DAYS`` while still open; never more than one per item per sweep, so a
  plan started far in the past does not flood anyone;
- **escalation**: ``REMINDER_ESCALATE_AFTER_DAYS`` after the due time, once, to every lead of
  the person's teams (always emailed).

They apply to open assignments and to open onboarding tasks and sign-offs (SOP, module and
quiz steps have an assignment, which carries their reminders). Reminders to a sign-off go to
the leads, who are the ones to act.

**Speed and exactly-once.** Each rule is one ``INSERT … SELECT … ON CONFLICT DO NOTHING``
into ``Notification``: the SELECT finds the items due for that reminder and the unique
``key`` (item, kind, day, recipient) makes a second sweep, a parallel sweep or a retried task
insert nothing. The number of statements does not depend on the data. Emails are sent
afterwards from the notifications (``courses.notifications.notifications_send_emails``).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    CharField,
    Exists,
    F,
    OuterRef,
    QuerySet,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Concat, JSONObject, Left
from django.utils import timezone

from accounts.models import Membership
from core.sql import insert_select
from core.tasks import enqueue_on_commit
from courses.models import Assignment, ItemKind, Notification, PlanItem

DUE_SOON = "due_soon"
OVERDUE = "overdue"
ESCALATION = "escalation"

# Columns filled by the sweep, in this order; the rest keep their NULL default.
COLUMNS = (
    "user",
    "kind",
    "title",
    "body",
    "url",
    "key",
    "created_at",
    "email_wanted",
    "subject_type",
    "subject_id",
    "params",
)


def _days(name: str) -> timedelta:
    return timedelta(days=getattr(settings, name))


def _already(subject_type: str, kind: str, *, since: datetime | None = None) -> Exists:
    sent = Notification.objects.filter(
        subject_type=subject_type, subject_id=OuterRef("pk"), kind=kind
    )
    if since is not None:
        sent = sent.filter(created_at__gt=since)
    return Exists(sent)


def _insert(rows: QuerySet[Any]) -> int:
    return insert_select(Notification, COLUMNS, rows.values_list(*[f"r_{c}" for c in COLUMNS]))


def _row(
    queryset: QuerySet[Any],
    *,
    now: datetime,
    kind: str,
    subject_type: str,
    recipient: Any,
    email: Any,
    title: Any,
    url: Any,
    key_suffix: Any,
    person: Any,
    person_id: str | None = None,
) -> QuerySet[Any]:
    """Annotate ``queryset`` with one notification row per (item, recipient). The stored
    title is a fallback; pages and emails render it in the recipient's language."""
    title_prefix = {
        DUE_SOON: "Due soon: ",
        OVERDUE: "Overdue: ",
        ESCALATION: "Overdue (escalated): ",
    }
    rows = queryset.annotate(
        r_user=recipient,
        r_kind=Value(kind),
        r_title=Left(Concat(Value(title_prefix[kind]), title, output_field=CharField()), 200),
        r_body=Value(""),
        r_url=url,
        r_key=Concat(
            Value(f"reminder:{subject_type}:"),
            Cast("pk", CharField()),
            Value(f":{kind}:"),
            key_suffix,
            output_field=CharField(),
        ),
        r_created_at=Value(now),
        r_email_wanted=email,
        r_subject_type=Value(subject_type),
        r_subject_id=F("pk"),
        r_params=JSONObject(title=title, person=person),
    )
    if person_id is not None:  # addressed to leads: never to the person themselves
        rows = rows.exclude(r_user=F(person_id))
    return rows


SWEEP_LOCK = 7_110_001  # an arbitrary, fixed advisory-lock number


def _serialize_sweeps() -> None:
    """Make a second sweep wait for the first to commit, so it sees what was sent.

    PostgreSQL: a transaction-level advisory lock. SQLite writers are serialised already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK])


def reminders_send_due(*, now: datetime | None = None) -> dict[str, int]:
    """One sweep. Returns how many reminders each rule created (0 the second time)."""
    now = now or timezone.now()
    day = now.date().isoformat()
    soon, after, repeat, escalate = (
        _days("REMINDER_DUE_SOON_DAYS"),
        _days("REMINDER_OVERDUE_AFTER_DAYS"),
        _days("REMINDER_REPEAT_DAYS"),
        _days("REMINDER_ESCALATE_AFTER_DAYS"),
    )
    # A repeat is due once the last one is `repeat` old, allowing a sweep that starts a few
    # minutes early.
    repeat_since = now - repeat + timedelta(minutes=5)

    assignments = Assignment.objects.filter(status=Assignment.Status.OPEN, user__is_active=True)
    assignment_title = Coalesce(F("module__title"), F("sop__title"), F("quiz__title"))
    tasks = PlanItem.objects.filter(
        status=PlanItem.Status.OPEN, kind=ItemKind.TASK, plan__user__is_active=True
    )
    signoffs = PlanItem.objects.filter(
        status=PlanItem.Status.OPEN, kind=ItemKind.LEAD_SIGNOFF, plan__user__is_active=True
    )
    leads_of_assignee = {"user__memberships__team__memberships__role": Membership.Role.LEAD}
    leads_of_new_hire = {"plan__user__memberships__team__memberships__role": Membership.Role.LEAD}
    lead_of_assignee = F("user__memberships__team__memberships__user")
    lead_of_new_hire = F("plan__user__memberships__team__memberships__user")
    always = Value(True, output_field=BooleanField())

    rules: dict[str, QuerySet[Any]] = {
        "assignment_due_soon": _row(
            assignments.filter(due_at__gt=now, due_at__lte=now + soon).exclude(
                _already("assignment", DUE_SOON)
            ),
            now=now, kind=DUE_SOON, subject_type="assignment", recipient=F("user"),
            email=F("user__email_notifications"), title=assignment_title, url=Value("/training/"),
            key_suffix=Cast("due_at", CharField()), person=F("user__name"),
        ),
        "assignment_overdue": _row(
            assignments.filter(due_at__lte=now - after).exclude(
                _already("assignment", OVERDUE, since=repeat_since)
            ),
            now=now, kind=OVERDUE, subject_type="assignment", recipient=F("user"),
            email=F("user__email_notifications"), title=assignment_title, url=Value("/training/"),
            key_suffix=Value(day), person=F("user__name"),
        ),
        "assignment_escalation": _row(
            assignments.filter(due_at__lte=now - escalate, **leads_of_assignee).exclude(
                _already("assignment", ESCALATION)
            ),
            now=now, kind=ESCALATION, subject_type="assignment", recipient=lead_of_assignee,
            email=always, title=assignment_title, url=Value("/teams/"),
            key_suffix=Cast(lead_of_assignee, CharField()), person=F("user__name"),
            person_id="user",
        ),
        "task_due_soon": _row(
            tasks.filter(due_at__gt=now, due_at__lte=now + soon).exclude(
                _already("plan_item", DUE_SOON)
            ),
            now=now, kind=DUE_SOON, subject_type="plan_item", recipient=F("plan__user"),
            email=F("plan__user__email_notifications"), title=F("title"),
            url=Value("/onboarding/"), key_suffix=Cast("due_at", CharField()),
            person=F("plan__user__name"),
        ),
        "task_overdue": _row(
            tasks.filter(due_at__lte=now - after).exclude(
                _already("plan_item", OVERDUE, since=repeat_since)
            ),
            now=now, kind=OVERDUE, subject_type="plan_item", recipient=F("plan__user"),
            email=F("plan__user__email_notifications"), title=F("title"),
            url=Value("/onboarding/"), key_suffix=Value(day), person=F("plan__user__name"),
        ),
        "task_escalation": _row(
            tasks.filter(due_at__lte=now - escalate, **leads_of_new_hire).exclude(
                _already("plan_item", ESCALATION)
            ),
            now=now, kind=ESCALATION, subject_type="plan_item", recipient=lead_of_new_hire,
            email=always, title=F("title"), url=Value("/onboarding/team/"),
            key_suffix=Cast(lead_of_new_hire, CharField()), person=F("plan__user__name"),
            person_id="plan__user",
        ),
        "signoff_due_soon": _row(
            signoffs.filter(due_at__gt=now, due_at__lte=now + soon, **leads_of_new_hire).exclude(
                _already("plan_item", DUE_SOON)
            ),
            now=now, kind=DUE_SOON, subject_type="plan_item", recipient=lead_of_new_hire,
            email=F("plan__user__memberships__team__memberships__user__email_notifications"),
            title=F("title"), url=Value("/onboarding/team/"),
            key_suffix=Concat(
                Cast("due_at", CharField()), Value(":"), Cast(lead_of_new_hire, CharField())
            ),
            person=F("plan__user__name"), person_id="plan__user",
        ),
        "signoff_overdue": _row(
            signoffs.filter(due_at__lte=now - after, **leads_of_new_hire).exclude(
                _already("plan_item", OVERDUE, since=repeat_since)
            ),
            now=now, kind=OVERDUE, subject_type="plan_item", recipient=lead_of_new_hire,
            email=always, title=F("title"), url=Value("/onboarding/team/"),
            key_suffix=Concat(Value(f"{day}:"), Cast(lead_of_new_hire, CharField())),
            person=F("plan__user__name"), person_id="plan__user",
        ),
    }  # fmt: skip
    with transaction.atomic():
        _serialize_sweeps()
        created = {name: _insert(rows) for name, rows in rules.items()}
        if any(created.values()):
            from courses.tasks import notifications_send_emails_task

            enqueue_on_commit(notifications_send_emails_task)
    return created
