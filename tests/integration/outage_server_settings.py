"""Settings of the live server in test_database_outage.py: production's (DEBUG off, persistent
connections with health checks, Django's handler500), except two things that only make the
test quick: static files are served from the app folders as in development (collecting and
compressing them takes minutes), and the tables are made straight from the models with
``migrate --run-syncdb`` (as pytest-django's ``--no-migrations`` does) instead of running every
migration (20–40 s)."""

from config.settings import *  # noqa: F403
from config.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True


class _NoMigrations(dict[str, None]):
    """No app has migrations: ``migrate --run-syncdb`` creates every table from its model."""

    def __contains__(self, item: object) -> bool:
        return True

    def __getitem__(self, item: str) -> None:
        return None


MIGRATION_MODULES = _NoMigrations()
