"""What other apps use to add reminders: the ``reminder_rules`` hook, the ``ReminderSweep`` its
subscribers receive, and the helpers a rule is written with (``already``, ``row``). The sweep
that runs the rules is ``notifications.reminders``; the rules live with what they remind about
(``courses.reminders``, ``onboarding.reminders``, ``practice.nudges``)."""

from __future__ import annotations

import operator
import zoneinfo
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property, reduce
from typing import Any

from django.conf import settings
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat, JSONObject, Left

from accounts.models import User
from core.hooks import Hook
from notifications.models import Notification

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


@dataclass
class ReminderSweep:
    """One sweep's clock and windows; each subscriber adds its rules (name → the queryset of
    notification rows built with ``row``), and the sweep inserts them all in one transaction."""

    now: datetime
    rules: dict[str, QuerySet[Any]] = field(default_factory=dict)

    @property
    def day(self) -> str:
        return self.now.date().isoformat()

    @property
    def soon(self) -> timedelta:
        return _days("REMINDER_DUE_SOON_DAYS")

    @property
    def after(self) -> timedelta:
        return _days("REMINDER_OVERDUE_AFTER_DAYS")

    @property
    def escalate(self) -> timedelta:
        return _days("REMINDER_ESCALATE_AFTER_DAYS")

    @cached_property
    def zones_by_day(self) -> dict[date, list[str]]:
        """Every time zone in use, grouped by its calendar day at ``now`` (at most three
        days). One query per sweep; an unknown zone name counts as ``settings.TIME_ZONE``."""
        names = User.objects.order_by("time_zone").values_list("time_zone", flat=True).distinct()
        by_day: dict[date, list[str]] = defaultdict(list)
        for name in names:
            try:
                zone = zoneinfo.ZoneInfo(name)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
            by_day[self.now.astimezone(zone).date()].append(name)
        return dict(by_day)

    def on_local_day(self, zone: str, condition: Callable[[date], Q]) -> Q:
        """``condition(today)`` with ``today`` the recipient's own calendar day; ``zone`` is the
        path to the recipient's ``time_zone`` (in the same ``filter()`` call as the other
        conditions on that recipient, so a multi-valued join is shared)."""
        parts = [
            Q(**{f"{zone}__in": names}) & condition(today)
            for today, names in sorted(self.zones_by_day.items())
        ]
        return reduce(operator.or_, parts) if parts else Q(pk__isnull=True)  # nobody: none

    def due_soon(self, *, due: str, zone: str) -> Q:
        """The due day (field ``due``) ends within ``REMINDER_DUE_SOON_DAYS`` on the recipient's
        calendar and has not ended yet."""
        return self.on_local_day(
            zone, lambda today: Q(**{f"{due}__gte": today, f"{due}__lt": today + self.soon})
        )

    def past_due(self, *, due: str, zone: str, by: timedelta) -> Q:
        """The due day ended at least ``by`` ago on the recipient's calendar (a day ends at
        midnight where they are)."""
        return self.on_local_day(zone, lambda today: Q(**{f"{due}__lt": today - by}))

    @property
    def repeat_since(self) -> datetime:
        """A repeat is due once the last one is ``REMINDER_REPEAT_DAYS`` old, allowing a sweep
        that starts a few minutes early."""
        return self.now - _days("REMINDER_REPEAT_DAYS") + timedelta(minutes=5)


reminder_rules: Hook[ReminderSweep] = Hook(
    "notifications.reminder_rules", doc="Add reminder rules to an hourly sweep."
)


def already(
    subject_type: str, kind: str, *, since: datetime | None = None, recipient: str | None = None
) -> Exists:
    """This reminder was sent for the item (since ``since``). With ``recipient`` (the path to
    the recipient, for rules addressed to several leads): sent to that recipient, since each
    lead's calendar reaches the day at its own hour. Negate it inside the same ``filter()``
    call as the recipient's other conditions, so the join to the recipient is shared."""
    sent = Notification.objects.filter(
        subject_type=subject_type, subject_id=OuterRef("pk"), kind=kind
    )
    if recipient is not None:
        sent = sent.filter(user=OuterRef(recipient))
    if since is not None:
        sent = sent.filter(created_at__gt=since)
    return Exists(sent)


def row(
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
    due: Any,
    person_id: str | None = None,
) -> QuerySet[Any]:
    """Annotate ``queryset`` with one notification row per (item, recipient). The stored
    title is a fallback; pages and emails render it in the recipient's language. ``params``
    keep the title, the person and the due day (``"2026-12-10"``), shown in the email."""
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
        r_params=JSONObject(title=title, person=person, due=due),
    )
    if person_id is not None:  # addressed to leads: never to the person themselves
        rows = rows.exclude(r_user=F(person_id))
    return rows
