"""The data migrations that turned due datetimes into calendar days (``courses 0003``,
``onboarding 0003``): each day is the one whoever set it meant."""

from datetime import UTC, date, datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("courses", "0002_sop_label"), ("onboarding", "0002_sop_label")]
AFTER = [("courses", "0004_drop_due_at"), ("onboarding", "0004_drop_due_at")]


@pytest.fixture(autouse=True)
def _latest_migrations_afterwards():
    """Leave the database as the other tests expect it: every migration applied (later
    migrations than AFTER, such as courses 0005, were undone by going back to BEFORE)."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_due_datetimes_become_the_day_whoever_set_them_meant():
    apps = migrate(BEFORE)
    try:
        User = apps.get_model("accounts", "User")
        Module = apps.get_model("courses", "Module")
        Assignment = apps.get_model("courses", "Assignment")
        Template = apps.get_model("onboarding", "ChecklistTemplate")
        Plan = apps.get_model("onboarding", "OnboardingPlan")
        PlanItem = apps.get_model("onboarding", "PlanItem")
        auckland = User.objects.create(email="nz@example.test", time_zone="Pacific/Auckland")
        la = User.objects.create(email="la@example.test", time_zone="America/Los_Angeles")
        modules = [Module.objects.create(slug=f"m{i}", title=f"M{i}") for i in range(4)]

        def assignment(module, user=la, **fields):
            return Assignment.objects.create(user=user, kind="module", module=module, **fields).pk

        # Each datetime falls on another day in the other zones, so only the right zone gives
        # 10 Dec. The end of 10 Dec for the assigner in LA (11 Dec in UTC and in Auckland):
        by_lead = assignment(
            modules[0],
            user=auckland,
            assigned_by=la,
            due_at=datetime(2026, 12, 11, 7, 59, 59, tzinfo=UTC),
        )
        # an onboarding step's assignment: the end of 10 Dec in the new hire's zone (LA)
        onboarding = assignment(
            modules[1], source="onboarding", due_at=datetime(2026, 12, 11, 7, 59, 59, tzinfo=UTC)
        )
        # set by the system (a QA rule): settings.TIME_ZONE, UTC (11 Dec in Auckland)
        system = assignment(
            modules[2],
            user=auckland,
            source="qa_rule",
            due_at=datetime(2026, 12, 10, 23, 0, tzinfo=UTC),
        )
        undated = assignment(modules[3])
        plan = Plan.objects.create(
            user=la,
            template=Template.objects.create(name="T"),
            name="T",
            start_date=date(2026, 12, 1),
        )
        item = PlanItem.objects.create(
            plan=plan,
            title="Shadow",
            kind="task",
            due_offset_days=9,
            due_at=datetime(2026, 12, 11, 7, 59, 59, tzinfo=UTC),
        ).pk
    finally:
        apps = migrate(AFTER)
    Assignment = apps.get_model("courses", "Assignment")
    PlanItem = apps.get_model("onboarding", "PlanItem")
    days = dict(Assignment.objects.values_list("pk", "due_on"))
    assert days == {
        by_lead: date(2026, 12, 10),
        onboarding: date(2026, 12, 10),
        system: date(2026, 12, 10),
        undated: None,
    }
    assert PlanItem.objects.get(pk=item).due_on == date(2026, 12, 10)
