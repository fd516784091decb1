"""The audit trail: an append-only record of who changed what, when, and from where.

Every row is written by ``audit.services`` in the transaction of the change it records, so a
rollback takes it away too. Nothing edits or deletes a row: ``save`` only inserts, ``delete``
raises, the queryset refuses ``update`` and ``delete``, the admin is read-only, and on
PostgreSQL a trigger refuses the same (migration 0002). The one way out is the retention
(``audit.services.events_purge``), through ``AuditEventQuerySet.purge``.
"""

from __future__ import annotations

from typing import Any, Literal

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.hooks import AccountAction

# The short codes of what happened, "<object>.<verb in the past>". A new code goes here, with
# its label below (tests/audit checks both lists agree).
AuditAction = Literal[
    AccountAction,  # what accounts announces through its hook (accounts/hooks.py)
    "sop.published",
    "quiz_version.published",
    "assignment.created",
    "assignment.cancelled",
    "plan_item.signed_off",
    "qa_finding.created",
    "qa.import",
    "qa.review_source.created",
    "qa.review_source.changed",
    "qa.review_source.secret_rotated",
    "qa.review_source.categories_changed",
    "admin.added",
    "admin.changed",
    "admin.deleted",
    "person.erased",
    "candidate.erased",
    "person.exported",
    "readiness.criteria_changed",
    "readiness.decided",
    "readiness.signed_off",
]

ACTION_LABELS: dict[str, str | Promise] = {
    "sop.published": _("SOP version published"),
    "quiz_version.published": _("Quiz version published"),
    "team.created": _("Team created"),
    "membership.added": _("Added to a team"),
    "membership.role_changed": _("Team role changed"),
    "membership.removed": _("Removed from a team"),
    "user.admin_changed": _("Admin rights changed"),
    "token.created": _("API token created"),
    "token.revoked": _("API token revoked"),
    "token.revoked_all": _("All API tokens revoked"),
    "sso.linked": _("Single sign-on account linked"),
    "assignment.created": _("Training assigned"),
    "assignment.cancelled": _("Assignment cancelled"),
    "plan_item.signed_off": _("Onboarding step signed off"),
    "qa_finding.created": _("QA finding recorded"),
    "qa.import": _("QA file imported"),
    "qa.review_source.created": _("QA tool source created"),
    "qa.review_source.changed": _("QA tool source changed"),
    "qa.review_source.secret_rotated": _("QA tool webhook secret replaced"),
    "qa.review_source.categories_changed": _("QA tool categories changed"),
    "admin.added": _("Added in the admin"),
    "admin.changed": _("Changed in the admin"),
    "admin.deleted": _("Deleted in the admin"),
    "person.erased": _("A person's data erased"),
    "readiness.criteria_changed": _("Readiness criteria changed"),
    "readiness.decided": _("Readiness decision recorded"),
    "readiness.signed_off": _("Readiness criterion signed off"),
    "candidate.erased": _("A candidate's data erased"),
    "person.exported": _("A person's data exported"),
}


class AuditEventImmutable(RuntimeError):
    """An attempt to change or delete an audit event (a bug: nothing may)."""


class AuditEventQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: Any) -> int:
        # Deleting a user sets their events' actor to NULL (``on_delete=SET_NULL``) through
        # this method; ``actor_label`` keeps who it was. Nothing else may change a row.
        if set(kwargs) <= {"actor", "actor_id"} and all(v is None for v in kwargs.values()):
            return super().update(**kwargs)
        raise AuditEventImmutable("Audit events can't be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditEventImmutable("Audit events can't be deleted (see AUDIT_RETENTION_DAYS).")

    def purge(self) -> int:
        """Delete these rows in one statement; only ``audit.services.events_purge`` calls it."""
        return self._raw_delete(self.db)

    def redact(self, **values: Any) -> int:
        """Overwrite personal data in these rows; only ``audit.services.events_redact`` (an
        erasure) calls it."""
        return super().update(**values)


class AuditEvent(models.Model):
    """One change: who (``actor``, and ``actor_label`` kept when the user is deleted), what
    (``action``), to what (``object_type``, ``object_id``, ``object_label``), how
    (``changes``: before/after of the changed fields, ``{"role": ["member", "lead"]}``, or the
    figures of an event that changes no field, such as an import's counts), and from where
    (``ip``, ``request_id``)."""

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    action = models.CharField(_("action"), max_length=64)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_label = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ("-at", "-id")
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        # Only "view" exists: no permission to add, change or delete can even be granted.
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=("action", "at"), name="audit_event_action"),
            models.Index(fields=("object_type", "object_id"), name="audit_event_object"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.object_label}".strip()

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: saving a row that exists (or giving a new one an existing id) fails."""
        if not self._state.adding:
            raise AuditEventImmutable("Audit events can't be changed.")
        kwargs["force_insert"] = True
        kwargs.pop("force_update", None)
        kwargs.pop("update_fields", None)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditEventImmutable("Audit events can't be deleted (see AUDIT_RETENTION_DAYS).")

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))
