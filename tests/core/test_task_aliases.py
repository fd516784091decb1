"""A renamed task still answers to its old name for one release (core/task_names.py), so a
message queued before the deploy runs as before; beat's stored rows move to the new names."""

from __future__ import annotations

from datetime import timedelta

import pytest
from celery.utils.nodenames import gethostname
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from config.celery import app
from core.models import Heartbeat
from core.task_names import DEPRECATED_TASK_NAMES, task_modules_import
from skills import services as skills_services
from skills.models import SkillEvidence, SkillProficiency

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _tasks_registered() -> None:
    task_modules_import()


@pytest.mark.parametrize(
    ("old_name", "name"), sorted(DEPRECATED_TASK_NAMES.items()), ids=sorted(DEPRECATED_TASK_NAMES)
)
def test_the_old_name_is_registered_as_an_alias(old_name, name):
    assert app.tasks[old_name].name == old_name
    assert app.tasks[name].name == name


def test_a_heartbeat_queued_under_the_old_name_still_records_it():
    # when a message sent before the rename runs
    app.tasks["core.heartbeat"].apply(throw=True)

    # then the heartbeat is recorded, with the host that ran it (the alias's own request)
    heartbeat = Heartbeat.objects.get()
    assert timezone.now() - heartbeat.beat_at < timedelta(seconds=5)
    assert heartbeat.hostname == gethostname()


def test_a_refresh_queued_under_the_old_name_does_the_same_work(member, skill_factory):
    # given evidence not yet projected
    skill = skill_factory(slug="escalations")
    SkillEvidence.objects.bulk_create(
        [
            skills_services.evidence_row(
                user_id=member.pk,
                skill_id=skill.pk,
                outcome=1.0,
                weight=1.0,
                at=timezone.now(),
                source="answer",
                source_id=1,
            )
        ]
    )

    # when the old name runs
    written = app.tasks["assessments.skill_profiles_refresh"].apply(args=([member.pk],)).get()

    # then the projection is there, as the current task writes it
    assert written == 1
    assert list(SkillProficiency.objects.values_list("user_id", "skill_id")) == [
        (member.pk, skill.pk)
    ]
    assert app.tasks["skills.profiles_refresh"].apply(args=([member.pk],)).get() == 1


@pytest.mark.parametrize(
    "old_name",
    [
        "courses.digests_send_weekly",
        "courses.notifications_send_emails",
        "courses.reminders_send_due",
        "xapi.deliver",
    ],
)
def test_a_sweep_under_the_old_name_answers_as_the_current_one(old_name):
    name = DEPRECATED_TASK_NAMES[old_name]
    assert app.tasks[old_name].apply().get() == app.tasks[name].apply().get()


def test_sync_schedules_moves_a_stored_row_to_the_new_name_and_keeps_its_pause():
    # given beat's row of the old name, paused by an admin, and a row of an admin's own
    every_minute = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.create(
        name="core.heartbeat", task="core.heartbeat", interval=every_minute, enabled=False
    )
    PeriodicTask.objects.create(name="xapi extra", task="xapi.deliver", interval=every_minute)

    # when the schedules are synced (twice: idempotent)
    call_command("sync_schedules", verbosity=0)
    call_command("sync_schedules", verbosity=0)

    # then no row runs an old name, the heartbeat is scheduled once and stays paused
    assert not PeriodicTask.objects.filter(task__in=DEPRECATED_TASK_NAMES).exists()
    assert not PeriodicTask.objects.filter(name__in=DEPRECATED_TASK_NAMES).exists()
    heartbeat = PeriodicTask.objects.get(task="core.heartbeat_record")
    assert (heartbeat.name, heartbeat.enabled) == ("core.heartbeat_record", False)
    assert PeriodicTask.objects.get(name="xapi extra").task == "xapi.statements_deliver"


def test_sync_schedules_drops_an_old_row_when_the_new_one_exists():
    # given beat already installed the new row, and the old one is still there
    call_command("sync_schedules", verbosity=0)
    every_minute = IntervalSchedule.objects.create(every=1, period=IntervalSchedule.MINUTES)
    PeriodicTask.objects.create(name="xapi.deliver", task="xapi.deliver", interval=every_minute)

    # when the schedules are synced
    call_command("sync_schedules", verbosity=0)

    # then the outbox is sent by one row only
    assert list(
        PeriodicTask.objects.filter(task__startswith="xapi.").values_list("name", "task")
    ) == [("xapi.statements_deliver", "xapi.statements_deliver")]
