"""Reminders about open onboarding tasks (to the new hire) and sign-offs (to their leads).

SOP, module and quiz steps have an assignment, which carries their reminders. Subscribed to
``notifications.hooks.reminder_rules`` in ``OnboardingConfig.ready``. A step's due day is
a calendar day, judged on each recipient's own calendar (the new hire's zone for a task, the
lead's for a sign-off or an escalation).
"""

from __future__ import annotations

from django.db.models import BooleanField, CharField, F, Value
from django.db.models.functions import Cast, Concat

from accounts.models import Membership
from notifications.hooks import DUE_SOON, ESCALATION, OVERDUE, ReminderSweep, already, row
from onboarding.models import ItemKind, PlanItem


def plan_item_reminder_rules(sweep: ReminderSweep) -> None:
    now, day = sweep.now, sweep.day
    open_items = PlanItem.objects.filter(status=PlanItem.Status.OPEN, plan__user__is_active=True)
    tasks = open_items.filter(kind=ItemKind.TASK)
    signoffs = open_items.filter(kind=ItemKind.LEAD_SIGNOFF)
    leads_of_new_hire = {"plan__user__memberships__team__memberships__role": Membership.Role.LEAD}
    lead_path = "plan__user__memberships__team__memberships__user"
    lead, lead_zone = F(lead_path), f"{lead_path}__time_zone"
    hire_zone = "plan__user__time_zone"
    always = Value(True, output_field=BooleanField())
    sweep.rules["task_due_soon"] = row(
        tasks.filter(sweep.due_soon(due="due_on", zone=hire_zone)).exclude(
            already("plan_item", DUE_SOON)
        ),
        now=now, kind=DUE_SOON, subject_type="plan_item", recipient=F("plan__user"),
        email=F("plan__user__email_notifications"), title=F("title"),
        url=Value("/onboarding/"), key_suffix=Cast("due_on", CharField()),
        person=F("plan__user__name"), due=F("due_on"),
    )  # fmt: skip
    sweep.rules["task_overdue"] = row(
        tasks.filter(sweep.past_due(due="due_on", zone=hire_zone, by=sweep.after)).exclude(
            already("plan_item", OVERDUE, since=sweep.repeat_since)
        ),
        now=now, kind=OVERDUE, subject_type="plan_item", recipient=F("plan__user"),
        email=F("plan__user__email_notifications"), title=F("title"),
        url=Value("/onboarding/"), key_suffix=Value(day), person=F("plan__user__name"),
        due=F("due_on"),
    )  # fmt: skip
    sweep.rules["task_escalation"] = row(
        tasks.filter(
            sweep.past_due(due="due_on", zone=lead_zone, by=sweep.escalate),
            ~already("plan_item", ESCALATION, recipient=lead_path),
            **leads_of_new_hire,
        ),
        now=now, kind=ESCALATION, subject_type="plan_item", recipient=lead,
        email=always, title=F("title"), url=Value("/onboarding/team/"),
        key_suffix=Cast(lead, CharField()), person=F("plan__user__name"), due=F("due_on"),
        person_id="plan__user",
    )  # fmt: skip
    sweep.rules["signoff_due_soon"] = row(
        signoffs.filter(
            sweep.due_soon(due="due_on", zone=lead_zone),
            ~already("plan_item", DUE_SOON, recipient=lead_path),
            **leads_of_new_hire,
        ),
        now=now, kind=DUE_SOON, subject_type="plan_item", recipient=lead,
        email=F("plan__user__memberships__team__memberships__user__email_notifications"),
        title=F("title"), url=Value("/onboarding/team/"),
        key_suffix=Concat(Cast("due_on", CharField()), Value(":"), Cast(lead, CharField())),
        person=F("plan__user__name"), due=F("due_on"), person_id="plan__user",
    )  # fmt: skip
    sweep.rules["signoff_overdue"] = row(
        signoffs.filter(
            sweep.past_due(due="due_on", zone=lead_zone, by=sweep.after),
            ~already("plan_item", OVERDUE, since=sweep.repeat_since, recipient=lead_path),
            **leads_of_new_hire,
        ),
        now=now, kind=OVERDUE, subject_type="plan_item", recipient=lead,
        email=always, title=F("title"), url=Value("/onboarding/team/"),
        key_suffix=Concat(Value(f"{day}:"), Cast(lead, CharField())),
        person=F("plan__user__name"), due=F("due_on"), person_id="plan__user",
    )  # fmt: skip
