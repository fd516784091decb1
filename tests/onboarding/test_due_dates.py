"""Onboarding steps are due on calendar days: the same day for the new hire and their leads,
whatever their zones; overdue, reminders and the digest go by each reader's own calendar."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from courses import services as courses_services
from courses.models import Assignment
from notifications.models import Notification
from notifications.reminders import reminders_send_due
from onboarding import services as onboarding_services
from onboarding.digest import digests_send_weekly
from tests import factories

pytestmark = pytest.mark.django_db

AUCKLAND, LOS_ANGELES = "Pacific/Auckland", "America/Los_Angeles"
START = date(2026, 12, 1)
DUE = date(2026, 12, 10)  # START + 9 days


@pytest.fixture
def clock(monkeypatch):
    def freeze(moment: datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment)

    return freeze


def set_zone(user, zone):
    user.time_zone = zone
    user.save()


@pytest.fixture
def plan(member, lead, module_with_lessons):
    template = factories.checklist(
        (9, "task", "Shadow a senior agent"),
        (9, "lead_signoff", "First QA review"),
        (9, "module", module_with_lessons(title="Escalations")),
    )
    return onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=START, started_by=lead
    )


@pytest.mark.parametrize(
    ("lead_zone", "member_zone"),
    [(AUCKLAND, LOS_ANGELES), (LOS_ANGELES, AUCKLAND)],
    ids=["lead-in-auckland", "lead-in-los-angeles"],
)
def test_every_step_is_due_on_the_same_day_for_everyone(
    client, api_as, clock, lead, member, lead_zone, member_zone
):
    set_zone(lead, lead_zone)
    set_zone(member, member_zone)
    template = factories.checklist((9, "task", "Shadow"), (9, "lead_signoff", "Review"))
    clock(datetime(2026, 12, 9, 11, 30, tzinfo=UTC))  # Auckland: 10 Dec 00:30; LA: 9 Dec 03:30
    plan = onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=START
    )

    assert set(plan.items.values_list("due_on", flat=True)) == {DUE}
    shown = date_format(DUE, "DATE_FORMAT")
    client.force_login(member)
    assert shown in client.get("/onboarding/").content.decode()
    client.force_login(lead)
    assert shown in client.get(f"/onboarding/plans/{plan.pk}/").content.decode()
    for who in (lead, member):
        items = api_as(who).get(f"/api/v1/onboarding-plans/{plan.pk}/").json()["items"]
        assert {item["due_on"] for item in items} == {"2026-12-10"}


def test_overdue_steps_are_counted_on_the_readers_calendar(api_as, clock, lead, member, plan):
    set_zone(lead, AUCKLAND)
    set_zone(member, LOS_ANGELES)
    clock(datetime(2026, 12, 10, 11, 30, tzinfo=UTC))  # Auckland: 11 Dec; LA: 10 Dec

    def overdue(user):
        [row] = api_as(user).get("/api/v1/onboarding-plans/").json()["results"]
        return row["overdue"]

    assert (overdue(lead), overdue(member)) == (3, 0)
    clock(datetime(2026, 12, 11, 8, 30, tzinfo=UTC))  # LA: 11 Dec too
    assert (overdue(lead), overdue(member)) == (3, 3)


def test_sign_offs_remind_each_lead_and_tasks_the_new_hire_on_their_own_day(
    lead, member, team, plan
):
    set_zone(lead, AUCKLAND)
    set_zone(member, LOS_ANGELES)
    other_lead = factories.UserFactory.create(email="lead2@example.test", time_zone=LOS_ANGELES)
    factories.MembershipFactory.create(user=other_lead, team=team, role="lead")
    start = datetime(2026, 12, 6, 0, 5, tzinfo=UTC)
    for hour in range(5 * 24):
        reminders_send_due(now=start + timedelta(hours=hour))

    due_soon = sorted(
        Notification.objects.filter(kind="due_soon").values_list(
            "subject_type", "user__email", "created_at"
        )
    )
    assert due_soon == [
        # the module step's assignment and the task: LA's 8 Dec starts at 08:00 UTC
        ("assignment", "agent@example.test", datetime(2026, 12, 8, 8, 5, tzinfo=UTC)),
        ("plan_item", "agent@example.test", datetime(2026, 12, 8, 8, 5, tzinfo=UTC)),
        # the sign-off, to each lead: LA's 8 Dec, and Auckland's (7 Dec 11:00 UTC)
        ("plan_item", "lead2@example.test", datetime(2026, 12, 8, 8, 5, tzinfo=UTC)),
        ("plan_item", "lead@example.test", datetime(2026, 12, 7, 11, 5, tzinfo=UTC)),
    ]


def test_the_digest_counts_overdue_on_each_leads_calendar(lead, member, team, module_with_lessons):
    set_zone(lead, AUCKLAND)
    set_zone(member, LOS_ANGELES)
    other_lead = factories.UserFactory.create(email="lead2@example.test", time_zone=LOS_ANGELES)
    factories.MembershipFactory.create(user=other_lead, team=team, role="lead")
    courses_services.assignment_ensure(
        user=member, module=module_with_lessons(), source="manual", due_on=date(2026, 12, 13)
    )
    # Monday 14 Dec, 07:00 UTC: 20:00 on the 14th in Auckland, 23:00 on the 13th in LA
    assert digests_send_weekly(now=datetime(2026, 12, 14, 7, 0, tzinfo=UTC)) == 2
    bodies = dict(Notification.objects.filter(kind="digest").values_list("user__email", "body"))
    assert "1 overdue assignments" in bodies["lead@example.test"]
    assert "0 overdue assignments" in bodies["lead2@example.test"]
    assert Assignment.objects.get().due_on == date(2026, 12, 13)
