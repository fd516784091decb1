"""What practice stores about people (core/privacy.py)."""

from django.utils.translation import gettext_lazy as _

from core.privacy import PersonalData, declare
from practice.models import PracticeCard, PracticeNudgeGroup, PracticePreference, PracticeSet

WHILE_ACCOUNT = _("While the account exists; erased with it.")

declare(
    PersonalData(
        model=PracticeCard,
        person="user",
        fields=(),
        purpose=_("When each practised question comes back (spaced repetition)."),
        retention=WHILE_ACCOUNT,
        on_erase="delete",
    ),
    PersonalData(
        model=PracticeSet,
        person="user",
        fields=(),
        purpose=_("Your daily practice sets and answers."),
        retention=WHILE_ACCOUNT,
        on_erase="delete",
    ),
    PersonalData(
        model=PracticePreference,
        person="user",
        fields=(),
        purpose=_("Whether and when you want the practice reminder."),
        retention=WHILE_ACCOUNT,
        on_erase="delete",
    ),
    PersonalData(
        model=PracticeNudgeGroup,
        person="user",
        fields=(),
        purpose=_("Whether you were drawn into the reminder hold-out."),
        retention=WHILE_ACCOUNT,
        on_erase="delete",
    ),
)
