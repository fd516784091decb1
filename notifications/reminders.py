"""Reminders, sent by an hourly sweep, exactly once each: the mechanism.

The rules live with what they remind about (``courses.reminders`` for assignments,
``onboarding.reminders`` for onboarding tasks and sign-offs), subscribed to the
``reminder_rules`` hook; this module runs them all in one transaction.

**Each recipient's own calendar.** A due date is a calendar day (``due_on``), the same for
everyone; the due time is the end of that day *where the recipient is* (their profile zone),
so a learner in Auckland is reminded on their Tuesday and a lead in Los Angeles on theirs.
The sweep reads the zones in use once (one small query) and groups them by their local date
at ``now``; a rule's condition is then "zone in (…) and due_on < that date − N" per group
(``ReminderSweep.due_soon`` / ``past_due``), still one statement per rule. Rules (days in
settings):
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
afterwards from the notifications (``notifications.services.notifications_send_emails``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet
from django.utils import timezone

from core.sql import insert_select
from core.tasks import enqueue_on_commit
from notifications.hooks import COLUMNS, ReminderSweep, reminder_rules
from notifications.models import Notification


def _insert(rows: QuerySet[Any]) -> int:
    return insert_select(Notification, COLUMNS, rows.values_list(*[f"r_{c}" for c in COLUMNS]))


SWEEP_LOCK = 7_110_001  # an arbitrary, fixed advisory-lock number


def _serialize_sweeps() -> None:
    """Make a second sweep wait for the first to commit, so it sees what was sent.

    PostgreSQL: a transaction-level advisory lock. SQLite writers are serialised already."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SWEEP_LOCK])


def reminders_send_due(*, now: datetime | None = None) -> dict[str, int]:
    """One sweep. Returns how many reminders each rule created (0 the second time)."""
    sweep = ReminderSweep(now=now or timezone.now())
    reminder_rules.send(sweep)
    with transaction.atomic():
        _serialize_sweeps()
        created = {name: _insert(rows) for name, rows in sweep.rules.items()}
        if any(created.values()):
            enqueue_on_commit("notifications.notifications_send_emails")
    return created
