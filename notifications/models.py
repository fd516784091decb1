"""In-app notifications (and their emails)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """An in-app notice (and optionally an email). ``key`` makes each one unique, so a retried
    task or a second sweep can't send the same notice twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=40)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    key = models.CharField(_("key"), max_length=200, unique=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    email_wanted = models.BooleanField(_("email wanted"), default=False)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)
    # What a reminder is about, so the sweep can ask "was this already sent?" in SQL.
    subject_type = models.CharField(_("about (kind)"), max_length=20, blank=True)
    subject_id = models.BigIntegerField(_("about (id)"), null=True, blank=True)
    params = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=("user", "read_at")),
            models.Index(fields=("email_wanted", "emailed_at")),
            models.Index(fields=("subject_type", "subject_id", "kind", "created_at")),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.user_id}"
