"""What the audit trail stores about people (core/privacy.py)."""

from django.contrib.admin.models import LogEntry
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEvent
from core.privacy import PersonalData, declare

declare(
    PersonalData(
        model=AuditEvent,
        person="actor",
        fields=("actor_label", "ip"),
        purpose=_("Who changed what and when, so that changes can be accounted for."),
        retention=_("AUDIT_RETENTION_DAYS (730 days), then deleted."),
        on_erase="custom",
        mentions=("actor_label", "object_label", "changes"),
        note=_(
            "Erasing redacts the person from the trail (their name, email and address) and "
            "records that an erasure happened, by whom and when."
        ),
    ),
    PersonalData(
        model=LogEntry,
        person="user",
        fields=("object_repr", "change_message"),
        purpose=_("Django's own log of changes made in the admin."),
        retention=_("While the account exists; erased with it."),
        on_erase="delete",
        mentions=("object_repr", "change_message"),
    ),
)
