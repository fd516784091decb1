"""What web, worker and beat need when DEBUG is off, and management commands do not.

Settings load without ``SECRET_KEY`` or ``REDIS_URL``, so that commands such as
``makemigrations`` or ``check`` work on a fresh clone (Django validates ``SECRET_KEY`` lazily for
the same reason, and any signing without it fails). The processes that serve or run tasks
refuse to start without them (``config/wsgi.py``, ``config/celery.py``), and
``check --deploy`` reports them.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


def production_problems() -> dict[str, str]:
    """``{check id: message}`` for what is missing; empty when all is well."""
    if settings.DEBUG:
        return {}
    problems = {}
    try:
        settings.SECRET_KEY  # noqa: B018 (raises when empty)
    except ImproperlyConfigured:
        problems["readiness.E001"] = (
            "SECRET_KEY must be set when DEBUG is off (see docs/operations.md, Settings)."
        )
    if not settings.REDIS_URL and not settings.READINESS_SINGLE_PROCESS:
        # The login limit needs a cache shared by every web process, and workers on other
        # machines need a real broker.
        problems["readiness.E002"] = (
            "REDIS_URL must be set when DEBUG is off (see docs/operations.md, Settings). "
            "For a single-process trial set READINESS_SINGLE_PROCESS=1."
        )
    return problems


def require_production_settings() -> None:
    """Stop a serving process that would run without what production needs."""
    problems = production_problems()
    if problems:
        raise ImproperlyConfigured(" ".join(problems.values()))


@checks.register(checks.Tags.security, deploy=True)
def check_production_settings(**kwargs: Any) -> list[checks.CheckMessage]:
    return [checks.Error(message, id=id_) for id_, message in production_problems().items()]
