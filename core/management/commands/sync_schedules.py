from typing import Any

from celery import current_app as app
from django.conf import settings
from django.core.management.base import BaseCommand
from django_celery_beat.schedulers import ModelEntry


class Command(BaseCommand):
    help = "Install or update the periodic tasks of CELERY_BEAT_SCHEDULE (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items():
            ModelEntry.from_entry(name, app=app, **entry)
            if options["verbosity"] >= 1:
                self.stdout.write(f"schedule {name}: {entry['schedule']}")
