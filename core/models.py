from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """When periodic work last ran end to end (beat sent it, a worker ran it), by name.

    ``core.heartbeat_record`` writes the ``worker`` row every minute; ``/healthz/ready`` reads
    it. It lives in the database, not the cache, so it survives a Redis restart and every web
    process sees the same value.
    """

    name = models.CharField(_("name"), max_length=50, primary_key=True)
    beat_at = models.DateTimeField(_("last heartbeat"))
    hostname = models.CharField(_("host"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
