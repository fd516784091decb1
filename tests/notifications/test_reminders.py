"""Reminders across a simulated month with a controllable clock: each sent exactly once."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.utils import translation
from django.utils.translation import gettext

from courses import services as courses_services
from notifications.models import Notification
from notifications.reminders import reminders_send_due
from notifications.selectors import notification_title
from notifications.services import notifications_send_emails
from onboarding import services as onboarding_services
from onboarding.digest import digests_send_weekly
from tests import factories

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)  # a Monday


def sweep_on(day):
    """The first sweep of 2026-03-``day`` in ``run_month`` (UTC)."""
    return datetime(2026, 3, day, 0, 30, tzinfo=UTC)


def run_month(days=30, start=START, every_hours=6):
    """The sweep every ``every_hours`` hours for ``days`` days: several sweeps a day, so a
    reminder sent twice would show. (Everyone here is in UTC; tests/courses/test_due_dates.py
    sweeps hourly across time zones.)"""
    for hour in range(0, days * 24, every_hours):
        reminders_send_due(now=start + timedelta(hours=hour))


def sent(**filters):
    return sorted(
        (n.user.email, n.kind, n.created_at)
        for n in Notification.objects.filter(**filters).select_related("user")
    )


def test_an_assignment_gets_due_soon_overdue_every_week_and_one_escalation(
    member, lead, module_with_lessons
):
    assignment, _ = courses_services.assignment_ensure(
        user=member,
        module=module_with_lessons(title="Escalations"),
        source="manual",
        due_on=date(2026, 3, 12),
    )
    run_month()
    got = sent(subject_type="assignment", subject_id=assignment.pk)
    # The due time is the end of 12 March (UTC for both here); each rule applies from the
    # first sweep of the day it is due: 3 days before the due time, 1 day after it (then every
    # 7 days), 3 days after it.
    assert got == [
        ("agent@example.test", "due_soon", sweep_on(10)),
        ("agent@example.test", "overdue", sweep_on(14)),
        ("agent@example.test", "overdue", sweep_on(21)),
        ("agent@example.test", "overdue", sweep_on(28)),
        ("lead@example.test", "escalation", sweep_on(16)),
    ]


def test_finishing_stops_the_reminders(member, lead, module_with_lessons):
    module = module_with_lessons(lessons=0)
    courses_services.assignment_ensure(
        user=member, module=module, source="manual", due_on=START.date()
    )
    run_month(days=3)  # due soon and the first overdue
    assert sorted(Notification.objects.values_list("kind", flat=True)) == ["due_soon", "overdue"]
    courses_services.module_complete(user=member, module=module)
    count = Notification.objects.count()
    run_month(days=30, start=START + timedelta(days=3))
    assert Notification.objects.count() == count


def test_onboarding_tasks_remind_the_new_hire_and_sign_offs_remind_the_lead(member, lead):
    template = factories.checklist(
        (4, "task", "Shadow a senior agent"), (6, "lead_signoff", "First QA review")
    )
    onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=START.date()
    )
    run_month(days=14)
    task, signoff = member.onboarding_plans.get().items.order_by("due_offset_days")
    assert [
        (email, kind) for email, kind, _ in sent(subject_type="plan_item", subject_id=task.pk)
    ] == [
        ("agent@example.test", "due_soon"),
        ("agent@example.test", "overdue"),
        ("agent@example.test", "overdue"),
        ("lead@example.test", "escalation"),
    ]
    assert [
        (email, kind) for email, kind, _ in sent(subject_type="plan_item", subject_id=signoff.pk)
    ] == [
        ("lead@example.test", "due_soon"),
        ("lead@example.test", "overdue"),
    ]


def test_a_plan_started_long_ago_sends_one_overdue_per_item_per_sweep(member, lead):
    template = factories.checklist(*[(day, "task", f"Step {day}") for day in range(5)])
    onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=date(2025, 1, 6)
    )
    first = reminders_send_due(now=START)
    assert first["task_overdue"] == 5
    assert first["task_escalation"] == 5
    assert Notification.objects.filter(user=member).count() == 5
    second = reminders_send_due(now=START + timedelta(hours=1))
    assert sum(second.values()) == 0


def test_nobody_is_escalated_to_themselves(lead, module_with_lessons):
    courses_services.assignment_ensure(
        user=lead,
        module=module_with_lessons(),
        source="manual",
        due_on=START.date() - timedelta(days=5),
    )
    reminders_send_due(now=START)
    assert not Notification.objects.filter(kind="escalation").exists()


def test_email_follows_the_preference_but_escalations_always_go(member, lead, module_with_lessons):
    member.email_notifications = False
    member.save()
    lead.email_notifications = False
    lead.save()
    courses_services.assignment_ensure(
        user=member,
        module=module_with_lessons(),
        source="manual",
        due_on=START.date() - timedelta(days=4),
    )
    reminders_send_due(now=START)
    assert sorted(Notification.objects.values_list("kind", "email_wanted")) == [
        ("escalation", True),
        ("overdue", False),
    ]


def test_emails_are_html_and_text_in_the_users_language_with_a_link_and_sent_once(
    member, module_with_lessons, settings
):
    member.language = "pl"
    member.time_zone = "Europe/Warsaw"
    member.save()
    courses_services.assignment_ensure(
        user=member,
        module=module_with_lessons(title="Eskalacje"),
        source="manual",
        due_on=date(2026, 3, 4),
    )
    reminders_send_due(now=START)
    assert notifications_send_emails(now=START) == 1
    assert notifications_send_emails(now=START) == 0
    [message] = mail.outbox
    assert message.to == [member.email]
    # Whatever the Polish catalogue says today: the texts are the ones of the reader's language,
    # the due day in Polish date format.
    with translation.override("pl"):
        subject = gettext("Due soon: %(title)s") % {"title": "Eskalacje"}
        due_line = gettext("Due on %(date)s") % {"date": "4 marca 2026"}
    assert message.subject == subject
    assert f"{settings.SITE_URL}/training/" in message.body
    assert due_line in message.body
    html, mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    assert '<html lang="pl"' in html
    assert f'href="{settings.SITE_URL}/training/"' in html
    assert due_line in html


def test_the_stored_title_is_rendered_in_the_readers_language(member, module_with_lessons):
    courses_services.assignment_ensure(
        user=member,
        module=module_with_lessons(title="Metrics"),
        source="manual",
        due_on=date(2026, 3, 3),
    )
    reminders_send_due(now=START)
    notification = Notification.objects.get()
    assert notification.params == {"title": "Metrics", "person": member.name, "due": "2026-03-03"}
    with translation.override("en"):
        assert notification_title(notification) == "Due soon: Metrics"


def test_the_weekly_digest_goes_once_per_lead_and_week(member, lead, team, module_with_lessons):
    template = factories.checklist((0, "task", "A"), (1, "lead_signoff", "B"))
    onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=START.date()
    )
    courses_services.assignment_ensure(
        user=member,
        module=module_with_lessons(),
        source="manual",
        due_on=START.date() - timedelta(days=1),
    )
    assert digests_send_weekly(now=START) == 1
    assert digests_send_weekly(now=START + timedelta(days=2)) == 0
    digest = Notification.objects.get(kind="digest")
    assert digest.user == lead
    assert digest.body == (
        "Support EMEA: 1 in onboarding (2 steps open), 1 overdue assignments, "
        "1 sign-offs waiting for you."
    )
    assert digests_send_weekly(now=START + timedelta(days=7)) == 1


def test_the_sweep_is_installed_hourly(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE["notifications.reminders_send_due"]
    assert (schedule["task"], str(schedule["schedule"])) == (
        "notifications.reminders_send_due",
        "<crontab: 5 * * * * (m/h/dM/MY/d)>",
    )


def test_reminders_name_the_module_in_each_recipient_s_language(
    member, lead, team, module_with_lessons
):
    """A Polish agent read "Due soon: Handling escalations": the title was taken from the
    module's English column in SQL. Each reminder now takes the recipient's language: the
    agent's for theirs, each lead's for an escalation."""
    from accounts.models import Membership, User
    from courses.models import Module

    module = module_with_lessons(title="Escalations")
    Module.objects.filter(pk=module.pk).update(title_pl="Eskalacje")
    User.objects.filter(pk=member.pk).update(language="pl")
    english_lead = factories.UserFactory.create(email="lead2@example.test", language="en")
    Membership.objects.create(user=english_lead, team=team, role=Membership.Role.LEAD)
    User.objects.filter(pk=lead.pk).update(language="pl")
    assignment, _ = courses_services.assignment_ensure(
        user=member, module=module, source="manual", due_on=date(2026, 3, 12)
    )
    run_month(days=16)
    titles = sorted(
        (n.user.email, n.kind, n.params["title"])
        for n in Notification.objects.filter(subject_type="assignment", subject_id=assignment.pk)
    )
    assert titles == [
        ("agent@example.test", "due_soon", "Eskalacje"),
        ("agent@example.test", "overdue", "Eskalacje"),
        ("lead2@example.test", "escalation", "Escalations"),
        ("lead@example.test", "escalation", "Eskalacje"),
    ]
