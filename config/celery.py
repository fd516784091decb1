"""The Celery application. Tasks live in each app's ``tasks.py`` and are autodiscovered."""

import os
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def keep_redis_channels_usable_after_close() -> None:
    """Work around kombu 5.7.0 killing the worker when Redis restarts.

    When the worker loses Redis, Celery closes the broken connection, which detaches kombu's
    transport from it (``transport.client = None``). A channel that was not closed before that
    (its first close failed on the dead socket) and still holds an unacknowledged message is
    closed afterwards: kombu logs "Restoring 1 unacknowledged message(s)", needs a new Redis
    pool for the restore, and ``Channel._connparams`` reads ``self.connection.client.hostname``
    of the detached transport. The ``AttributeError`` is not a connection error, so Celery
    stops the worker ("Unrecoverable error") instead of reconnecting. Same failure as
    celery/kombu#582 and celery/kombu#970 (closed, the path came back); no kombu release on
    our index fixes it (5.7.0 is the latest). Remove this when one does: the unit test in
    tests/integration/test_broker_faults.py then passes without it.

    The patch remembers each channel's connection parameters while its transport is attached
    and uses them afterwards, so the restore goes through (the message is back in the queue at
    once); a channel that never had any raises a Redis ``ConnectionError``, which kombu and
    Celery handle as the lost connection it is.
    """
    import redis
    from kombu.transport import redis as kombu_redis

    channel_class: Any = kombu_redis.Channel
    original = channel_class._connparams
    if getattr(original, "readiness_patched", False):
        return

    def _connparams(self: Any, asynchronous: bool = False) -> dict[str, Any]:
        remembered = self.__dict__.setdefault("_readiness_connparams", {})
        transport = self.connection
        if transport is not None and transport.client is not None:
            params: dict[str, Any] = original(self, asynchronous=asynchronous)
            remembered[asynchronous] = params
            return dict(params)
        if asynchronous in remembered:
            return dict(remembered[asynchronous])
        raise redis.exceptions.ConnectionError("The broker connection of this channel is closed.")

    _connparams.readiness_patched = True  # type: ignore[attr-defined]
    channel_class._connparams = _connparams


keep_redis_channels_usable_after_close()

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
