"""The Celery application. Tasks live in each app's ``tasks.py`` and are autodiscovered."""

import os
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("readiness")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.import_modules.connect
def refuse_to_start_unconfigured(**kwargs: Any) -> None:
    """A worker or beat with DEBUG off needs SECRET_KEY and Redis (see core/production.py).
    Both send ``import_modules`` before they touch the broker or the database, and Celery
    re-raises what its handlers raise."""
    from core.production import require_production_settings

    require_production_settings()
