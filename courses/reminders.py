"""Reminders about open assignments: due soon, overdue (repeating), escalated to the leads.

Subscribed to ``notifications.hooks.reminder_rules`` in ``CoursesConfig.ready``; each rule
is one ``INSERT … SELECT`` run by the hourly sweep (see that module). The due day is a calendar
day; each rule judges it on the recipient's own calendar (the assignee's zone, or for an
escalation the lead's).
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import BooleanField, Case, CharField, F, Value, When
from django.db.models.functions import Cast, Coalesce, NullIf

from accounts.models import Membership
from courses.models import Assignment
from notifications.hooks import DUE_SOON, ESCALATION, OVERDUE, ReminderSweep, already, row


def _title_for(language: str) -> Coalesce:
    """The assignment's module, SOP or quiz title, a module's in the recipient's language
    (``language``: the path of the recipient's language; else the English title)."""
    translated = [
        When(**{language: code}, then=NullIf(F(f"module__title_{code}"), Value("")))
        for code, _name in settings.LANGUAGES
    ]
    return Coalesce(
        Case(*translated, default=Value(None), output_field=CharField()),
        F("module__title"),
        F("sop__title"),
        F("quiz__title"),
    )


def assignment_reminder_rules(sweep: ReminderSweep) -> None:
    now = sweep.now
    assignments = Assignment.objects.filter(status=Assignment.Status.OPEN, user__is_active=True)
    title = _title_for("user__language")
    lead_path = "user__memberships__team__memberships__user"
    lead = F(lead_path)
    always = Value(True, output_field=BooleanField())
    sweep.rules["assignment_due_soon"] = row(
        assignments.filter(sweep.due_soon(due="due_on", zone="user__time_zone")).exclude(
            already("assignment", DUE_SOON)
        ),
        now=now, kind=DUE_SOON, subject_type="assignment", recipient=F("user"),
        email=F("user__email_notifications"), title=title, url=Value("/training/"),
        key_suffix=Cast("due_on", CharField()), person=F("user__name"), due=F("due_on"),
    )  # fmt: skip
    sweep.rules["assignment_overdue"] = row(
        assignments.filter(
            sweep.past_due(due="due_on", zone="user__time_zone", by=sweep.after)
        ).exclude(already("assignment", OVERDUE, since=sweep.repeat_since)),
        now=now, kind=OVERDUE, subject_type="assignment", recipient=F("user"),
        email=F("user__email_notifications"), title=title, url=Value("/training/"),
        key_suffix=Value(sweep.day), person=F("user__name"), due=F("due_on"),
    )  # fmt: skip
    sweep.rules["assignment_escalation"] = row(
        assignments.filter(
            sweep.past_due(due="due_on", zone=f"{lead_path}__time_zone", by=sweep.escalate),
            ~already("assignment", ESCALATION, recipient=lead_path),
            user__memberships__team__memberships__role=Membership.Role.LEAD,
        ),
        now=now, kind=ESCALATION, subject_type="assignment", recipient=lead,
        email=always, title=_title_for(f"{lead_path}__language"), url=Value("/teams/"),
        key_suffix=Cast(lead, CharField()), person=F("user__name"), due=F("due_on"),
        person_id="user",
    )  # fmt: skip
