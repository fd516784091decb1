from typing import Any

from celery import current_app as app
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import PeriodicTask, PeriodicTasks
from django_celery_beat.schedulers import ModelEntry

from core.task_names import DEPRECATED_TASK_NAMES


def renamed_tasks_move() -> int:
    """Point stored periodic tasks at the current names of renamed tasks, keeping each row
    (and so an admin's pause and its last run); returns how many rows changed. A row still
    named after the old task takes the new name, unless one already has it: then the old one
    goes, so the task is not scheduled twice. Goes with the deprecated aliases."""
    changed = 0
    with transaction.atomic():
        for old_name, name in DEPRECATED_TASK_NAMES.items():
            if PeriodicTask.objects.filter(name=name).exists():
                changed += PeriodicTask.objects.filter(name=old_name).delete()[0]
            else:
                changed += PeriodicTask.objects.filter(name=old_name).update(name=name)
            changed += PeriodicTask.objects.filter(task=old_name).update(task=name)
        if changed:
            PeriodicTasks.update_changed()  # a running beat reloads; update() sends no signal
    return changed


class Command(BaseCommand):
    help = "Install or update the periodic tasks of CELERY_BEAT_SCHEDULE (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        moved = renamed_tasks_move()
        if moved and options["verbosity"] >= 1:
            self.stdout.write(f"moved {moved} periodic task(s) to the current task names")
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            ModelEntry.from_entry(name, app=app, **entry)
            if options["verbosity"] >= 1:
                self.stdout.write(f"schedule {name}: {entry['schedule']}")
