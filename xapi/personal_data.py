"""What the xAPI outbox stores about people (core/privacy.py)."""

from django.utils.translation import gettext_lazy as _

from core.privacy import PersonalData, declare
from xapi.models import Statement

declare(
    PersonalData(
        model=Statement,
        person="custom",
        fields=("payload",),
        purpose=_(
            "Learning records sent to your organisation's learning record store (when it is "
            "configured): your email, what you completed and your scores."
        ),
        retention=_(
            "Until delivered, then XAPI_DELIVERED_RETENTION_DAYS (90 days); erasing deletes "
            "them and sends nothing more."
        ),
        on_erase="custom",
        candidates=True,
    ),
)
