"""The Celery application. Tasks live in each app's ``tasks.py`` and are autodiscovered."""

import os
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("readiness")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.worker_init.connect
@signals.beat_init.connect
def refuse_to_start_unconfigured(**kwargs: Any) -> None:
    """A worker or beat with DEBUG off needs SECRET_KEY and Redis (see core/production.py).
    Celery logs and swallows exceptions from signal handlers, so this exits."""
    from core.production import production_problems

    problems = production_problems()
    if problems:
        raise SystemExit("\n".join(problems.values()))
