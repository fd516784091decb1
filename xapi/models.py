"""The xAPI outbox: one row per statement, written in the transaction of the event it records
and delivered to the LRS by ``xapi.statements_deliver``."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Statement(models.Model):
    """An xAPI statement waiting for, or done with, delivery.

    ``statement_id`` is a UUID 5 of the event's key (``xapi.statements.statement_id``): the same
    event always gets the same id, so recording it twice stores one row and sending it twice
    stores one statement in the LRS.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    statement_id = models.UUIDField(_("statement id"), unique=True)
    verb = models.CharField(_("verb"), max_length=40, help_text=_("The verb's short name."))
    payload = models.JSONField(_("statement"))
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(_("delivery attempts"), default=0)
    next_try_at = models.DateTimeField(_("next try"), default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        verbose_name = _("xAPI statement")
        verbose_name_plural = _("xAPI statements")
        indexes = [
            # The delivery query: pending and due, oldest first.
            models.Index(fields=("state", "next_try_at"), name="xapi_statement_due"),
            models.Index(fields=("state", "created_at"), name="xapi_statement_state_list"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.statement_id} ({self.state})"
