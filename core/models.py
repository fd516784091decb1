from typing import Any

from django.conf import settings
from django.db import models
from django.utils import translation
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


class TranslatedContent(models.Model):
    """A model whose texts have a column per language (django-modeltranslation; the fields are
    listed in the app's ``translation.py``). Reading ``name`` gives the active language's text,
    else English; the original ``name`` column always holds the English text, whatever the
    language of the request that saves the row, so raw SQL and lookups across relations
    (``skill__name``) read one language. ``core.content.localized`` reads the active language
    across a relation."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The original columns are written from the attributes, which read the active
        # language: save in the default language so they hold the English text.
        with translation.override(settings.MODELTRANSLATION_DEFAULT_LANGUAGE):
            super().save(*args, **kwargs)
