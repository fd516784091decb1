"""The reminder sweep: a fixed number of statements whatever the data, and no duplicates
when two sweeps run at once on PostgreSQL."""

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, timedelta
from threading import Barrier

import pytest
from django.db import connection

from courses import services as courses_services
from notifications.models import Notification
from notifications.reminders import reminders_send_due
from onboarding import services as onboarding_services
from tests import factories

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def populate(n, *, team):
    """``n`` people in ``team``, each with assignments in every reminder state and a plan."""
    lead = factories.UserFactory.create()
    factories.MembershipFactory.create(user=lead, team=team, role="lead")
    module = factories.module_with_lessons(lessons=0)
    template = factories.checklist((0, "task", "T"), (2, "lead_signoff", "S"), (9, "task", "Later"))
    for _ in range(n):
        user = factories.UserFactory.create()
        factories.MembershipFactory.create(user=user, team=team)
        for days in (2, -2, -5):  # due soon, overdue, escalated
            courses_services.assignment_ensure(
                user=user,
                module=factories.module_with_lessons(lessons=0) if days != 2 else module,
                source="manual",
                due_on=NOW.date() + timedelta(days=days),
            )
        onboarding_services.onboarding_plan_start(
            user=user, template=template, start_date=date(2026, 2, 24)
        )


# Exact, for 3 people and for 30: the time zones in use (one SELECT), a savepoint, one
# INSERT ... SELECT per reminder rule (eight from courses and onboarding, plus any other app's)
# and its release; PostgreSQL also takes the sweep's advisory lock first (SQLite serialises
# writers already, see notifications.reminders).
SWEEP_STATEMENTS = {"postgresql": 4, "sqlite": 3}


@pytest.mark.django_db
def test_the_sweep_runs_the_same_statements_for_3_or_30_people(team, assert_queries):
    populate(3, team=team)
    rules = reminders_send_due(now=NOW)  # warm up: first-use queries are not the sweep's
    assert len(rules) >= 8
    statements = SWEEP_STATEMENTS[connection.vendor] + len(rules)
    Notification.objects.all().delete()
    with assert_queries(statements):
        created_small = reminders_send_due(now=NOW)
    Notification.objects.all().delete()
    populate(27, team=team)
    with assert_queries(statements):
        created_large = reminders_send_due(now=NOW)
    assert created_large["assignment_overdue"] == 10 * created_small["assignment_overdue"] > 0
    assert created_large["task_escalation"] > created_small["task_escalation"] > 0


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_at_once_send_each_reminder_once(postgres, team):
    populate(5, team=team)
    barrier = Barrier(2)

    def sweep(_):
        barrier.wait()
        try:
            return reminders_send_due(now=NOW)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(sweep, range(2)))
    totals = [sum(r.values()) for r in results]
    assert sorted(totals)[0] == 0  # the second waited for the first and found nothing to do
    assert Notification.objects.count() == max(totals) > 0
    keys = list(Notification.objects.values_list("key", flat=True))
    assert len(keys) == len(set(keys))
