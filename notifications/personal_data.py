"""What notifications stores about people (core/privacy.py)."""

from django.utils.translation import gettext_lazy as _

from core.privacy import PersonalData, declare
from notifications.models import Notification

declare(
    PersonalData(
        model=Notification,
        person="user",
        fields=("title", "body", "params"),
        purpose=_("Your notices: new training, reminders, results."),
        retention=_("While the account exists; erased with it."),
        on_erase="delete",
        mentions=("title", "body", "params"),
    ),
)
