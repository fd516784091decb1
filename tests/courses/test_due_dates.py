"""A due date is a calendar day: the day the lead picked, for everyone, whatever their zones.

The lead and the learner sit on both sides of UTC (Pacific/Auckland, UTC+13 in December, and
America/Los_Angeles, UTC-8), and the clock is frozen near midnight, where the two calendars
disagree. "Overdue" and "due today" are judged on each viewer's own calendar.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django.utils.formats import date_format

from courses import selectors as courses_selectors
from courses import services as courses_services
from courses.models import Assignment
from notifications.models import Notification
from notifications.reminders import reminders_send_due
from notifications.services import notifications_send_emails
from tests import factories

pytestmark = pytest.mark.django_db

AUCKLAND, LOS_ANGELES = "Pacific/Auckland", "America/Los_Angeles"
DUE = date(2026, 12, 10)
SHOWN = date_format(DUE, "DATE_FORMAT")  # "Dec. 10, 2026"


def utc(day: int, hour: int, minute: int = 30) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def clock(monkeypatch):
    """``clock(moment)`` freezes ``django.utils.timezone.now`` at ``moment``."""

    def freeze(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze


def zones(lead, member, *, lead_zone, member_zone):
    lead.time_zone, member.time_zone = lead_zone, member_zone
    lead.save()
    member.save()


def assign_on_the_page(client, lead, member, team, module, due: date):
    client.force_login(lead)
    response = client.post(
        f"/teams/{team.pk}/training/",
        {"target": f"module:{module.pk}", "users": [str(member.pk)], "due": due.isoformat()},
    )
    assert response.status_code == 302, response.context["form"].errors
    return Assignment.objects.get(user=member, module=module)


def learner_page(client, member) -> str:
    client.force_login(member)
    return client.get("/training/").content.decode()


def lead_page(client, lead, team) -> str:
    client.force_login(lead)
    return client.get(f"/teams/{team.pk}/training/").content.decode()


# --- the day picked is the day everyone sees -------------------------------------------------


@pytest.mark.parametrize(
    ("lead_zone", "member_zone", "now", "lead_label", "member_label"),
    [
        # 11:30 UTC on 9 Dec: already 10 Dec 00:30 in Auckland, still 9 Dec 03:30 in LA
        (AUCKLAND, LOS_ANGELES, utc(9, 11), "Due today", "Due tomorrow"),
        # 07:30 UTC on 10 Dec: still 9 Dec 23:30 in LA, already 10 Dec 20:30 in Auckland
        (LOS_ANGELES, AUCKLAND, utc(10, 7), "Due tomorrow", "Due today"),
    ],
    ids=["lead-in-auckland", "lead-in-los-angeles"],
)
def test_pages_and_api_show_the_day_the_lead_picked(
    client, api_as, clock, lead, member, team, module_with_lessons,
    lead_zone, member_zone, now, lead_label, member_label,
):  # fmt: skip
    zones(lead, member, lead_zone=lead_zone, member_zone=member_zone)
    clock(now)
    assignment = assign_on_the_page(client, lead, member, team, module_with_lessons(), DUE)

    assert assignment.due_on == DUE
    assert f"{member_label} · {SHOWN}" in learner_page(client, member)
    lead_html = lead_page(client, lead, team)
    assert lead_label in lead_html
    assert SHOWN in lead_html
    for who in (lead, member):  # a token request: no zone is active, the day is the day
        body = api_as(who).get(f"/api/v1/assignments/{assignment.pk}/").json()
        assert body["due_on"] == "2026-12-10"
        assert "due_at" not in body


@pytest.mark.parametrize(
    ("lead_zone", "member_zone", "now", "lead_sees", "member_sees"),
    [
        # 11:30 UTC on 10 Dec: 11 Dec in Auckland (the lead: a day late), 10 Dec in LA
        (AUCKLAND, LOS_ANGELES, utc(10, 11), "1 day overdue", "Due today"),
        # 08:30 UTC on 11 Dec: 11 Dec in LA (the lead: a day late), 11 Dec 21:30 in Auckland
        (LOS_ANGELES, AUCKLAND, utc(11, 8), "1 day overdue", "1 day overdue"),
        # 07:30 UTC on 11 Dec: still 10 Dec in LA (the lead: due today), 11 Dec in Auckland
        (LOS_ANGELES, AUCKLAND, utc(11, 7), "Due today", "1 day overdue"),
    ],
    ids=["auckland-lead-late", "both-late", "la-lead-today"],
)
def test_overdue_and_due_today_are_judged_on_each_viewers_calendar(
    client, clock, lead, member, team, module_with_lessons,
    lead_zone, member_zone, now, lead_sees, member_sees,
):  # fmt: skip
    zones(lead, member, lead_zone=lead_zone, member_zone=member_zone)
    courses_services.assignment_ensure(
        user=member, module=module_with_lessons(), source="manual", due_on=DUE, assigned_by=lead
    )
    clock(now)

    groups = courses_selectors.my_training(user=member)
    assert len(groups.overdue) == (member_sees != "Due today")
    assert f"{member_sees} · {SHOWN}" in learner_page(client, member)
    assert lead_sees in lead_page(client, lead, team)
    [summary] = courses_selectors.team_training_summary(lead=lead, team_id=team.pk)
    assert summary.overdue_count == (lead_sees != "Due today")  # type: ignore[attr-defined]


def test_a_lead_may_pick_their_own_today_even_where_it_is_tomorrow_elsewhere(
    client, clock, lead, member, team, module_with_lessons
):
    zones(lead, member, lead_zone=AUCKLAND, member_zone=LOS_ANGELES)
    clock(utc(9, 11))  # Auckland: 10 Dec; UTC and LA: 9 Dec
    module = module_with_lessons()
    assert assign_on_the_page(client, lead, member, team, module, DUE).due_on == DUE

    response = client.post(
        f"/teams/{team.pk}/training/",
        {"target": f"module:{module.pk}", "users": [str(member.pk)], "due": "2026-12-09"},
    )
    assert response.context["form"].errors["due"] == ["The due date is in the past."]


# --- the API: an ISO date; a date-time becomes its day in the sender's zone ------------------


@pytest.mark.parametrize(
    ("lead_zone", "payload", "expected"),
    [
        (LOS_ANGELES, {"due_on": "2026-12-10"}, "2026-12-10"),
        (AUCKLAND, {"due_on": "2026-12-10"}, "2026-12-10"),
        # 23:30 on 10 Dec in LA is 07:30 UTC on 11 Dec: the sender's day is 10 Dec
        (LOS_ANGELES, {"due_on": "2026-12-11T07:30:00Z"}, "2026-12-10"),
        # the same moment is 11 Dec 20:30 for a sender in Auckland
        (AUCKLAND, {"due_on": "2026-12-11T07:30:00Z"}, "2026-12-11"),
        (AUCKLAND, {"due_at": "2026-12-10T00:30:00+13:00"}, "2026-12-10"),  # the former name
        (LOS_ANGELES, {"due_on": "2026-12-10T23:59:00"}, "2026-12-10"),  # naive: their clock
    ],
    ids=["date-la", "date-auckland", "utc-la", "utc-auckland", "legacy-due-at", "naive"],
)
def test_the_api_takes_a_date_or_a_datetime_in_the_senders_zone(
    api_as, clock, lead, member, module_with_lessons, lead_zone, payload, expected
):
    zones(lead, member, lead_zone=lead_zone, member_zone=AUCKLAND)
    clock(datetime(2026, 12, 1, 12, 0, tzinfo=UTC))
    module = module_with_lessons()
    response = api_as(lead).post(
        "/api/v1/assignments/",
        {"users": [member.pk], "module": module.pk, **payload},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()[0]["due_on"] == expected
    assert Assignment.objects.get().due_on.isoformat() == expected
    listed = api_as(member).get("/api/v1/assignments/").json()["results"]
    assert [a["due_on"] for a in listed] == [expected]


def test_a_past_day_is_judged_on_the_senders_calendar_in_the_api(
    api_as, clock, lead, member, module_with_lessons
):
    zones(lead, member, lead_zone=LOS_ANGELES, member_zone=AUCKLAND)
    clock(utc(10, 7))  # LA: 9 Dec 23:30; Auckland: 10 Dec
    module = module_with_lessons()

    def post(day):
        return api_as(lead).post(
            "/api/v1/assignments/",
            {"users": [member.pk], "module": module.pk, "due_on": day},
            format="json",
        )

    assert post("2026-12-08").json()["errors"] == {"due_on": ["The due date is in the past."]}
    assert post("2026-12-09").status_code == 201  # the lead's today, already past in Auckland


# --- reminders: on each recipient's own calendar, exactly once --------------------------------


def sweep_hourly(start: datetime, days: int) -> None:
    for hour in range(days * 24):
        reminders_send_due(now=start + timedelta(hours=hour))


def at(day: int, hour: int) -> datetime:
    return datetime(2026, 12, day, hour, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("lead_zone", "member_zone", "expected"),
    [
        (
            AUCKLAND,
            LOS_ANGELES,
            [
                # LA midnight is 08:00 UTC: due soon from 8 Dec, overdue from 12 Dec (every 7 days)
                ("agent@example.test", "due_soon", at(8, 8)),
                ("agent@example.test", "overdue", at(12, 8)),
                ("agent@example.test", "overdue", at(19, 8)),
                # Auckland midnight is 11:00 UTC the day before: 14 Dec starts on 13 Dec 11:00
                ("lead@example.test", "escalation", at(13, 11)),
            ],
        ),
        (
            LOS_ANGELES,
            AUCKLAND,
            [
                ("agent@example.test", "due_soon", at(7, 11)),
                ("agent@example.test", "overdue", at(11, 11)),
                ("agent@example.test", "overdue", at(18, 11)),
                ("lead@example.test", "escalation", at(14, 8)),
            ],
        ),
    ],
    ids=["lead-in-auckland", "lead-in-los-angeles"],
)
def test_reminders_fire_on_each_recipients_own_day_exactly_once(
    lead, member, module_with_lessons, lead_zone, member_zone, expected
):
    zones(lead, member, lead_zone=lead_zone, member_zone=member_zone)
    courses_services.assignment_ensure(
        user=member, module=module_with_lessons(), source="manual", due_on=DUE, assigned_by=lead
    )
    sweep_hourly(datetime(2026, 12, 7, 0, 5, tzinfo=UTC), days=8)  # due soon → escalation
    sweep_hourly(datetime(2026, 12, 18, 0, 5, tzinfo=UTC), days=2)  # the weekly repeat
    sent = sorted(
        (n.user.email, n.kind, n.created_at)
        for n in Notification.objects.select_related("user").order_by("created_at")
    )
    assert sent == sorted(expected)
    assert {n.params["due"] for n in Notification.objects.all()} == {"2026-12-10"}


def test_the_reminder_email_shows_the_day_the_lead_picked(lead, member, module_with_lessons):
    zones(lead, member, lead_zone=AUCKLAND, member_zone=LOS_ANGELES)
    courses_services.assignment_ensure(
        user=member,
        module=module_with_lessons(title="Escalations"),
        source="manual",
        due_on=DUE,
        assigned_by=lead,
    )
    now = at(8, 8)  # the first hour of 8 Dec in LA
    assert reminders_send_due(now=now - timedelta(hours=1))["assignment_due_soon"] == 0
    assert reminders_send_due(now=now)["assignment_due_soon"] == 1
    assert notifications_send_emails(now=now) == 1
    [message] = mail.outbox
    assert message.subject == "Due soon: Escalations"
    assert f"Due on {SHOWN}" in message.body
    assert f"Due on {SHOWN}" in message.alternatives[0][0]  # type: ignore[attr-defined]


def test_each_lead_of_a_team_is_escalated_to_on_their_own_day(
    lead, member, team, module_with_lessons
):
    other_lead = factories.UserFactory.create(email="lead2@example.test", time_zone=LOS_ANGELES)
    factories.MembershipFactory.create(user=other_lead, team=team, role="lead")
    zones(lead, member, lead_zone=AUCKLAND, member_zone=LOS_ANGELES)
    courses_services.assignment_ensure(
        user=member, module=module_with_lessons(), source="manual", due_on=DUE
    )
    sweep_hourly(datetime(2026, 12, 13, 0, 5, tzinfo=UTC), days=3)
    escalations = sorted(
        Notification.objects.filter(kind="escalation").values_list("user__email", "created_at")
    )
    assert escalations == [("lead2@example.test", at(14, 8)), ("lead@example.test", at(13, 11))]
