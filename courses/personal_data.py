"""What courses stores about people (core/privacy.py)."""

from django.utils.translation import gettext_lazy as _

from core.privacy import PersonalData, declare
from courses.models import (
    Assignment,
    LessonProgress,
    ModuleCompletion,
    SOPAcknowledgement,
    SOPVersion,
)

WHILE_ACCOUNT = _("While the account exists; erased with it.")

declare(
    PersonalData(
        model=SOPAcknowledgement,
        person="user",
        fields=(),
        purpose=_("Which SOP versions you read and acknowledged, and when."),
        retention=WHILE_ACCOUNT,
        on_erase="delete",
    ),
    PersonalData(
        model=LessonProgress,
        person="user",
        fields=(),
        purpose=_("The lessons you have read."),
        retention=WHILE_ACCOUNT,
        on_erase="delete",
    ),
    PersonalData(
        model=ModuleCompletion,
        person="user",
        fields=(),
        purpose=_("The modules you have completed."),
        retention=WHILE_ACCOUNT,
        on_erase="delete",
    ),
    PersonalData(
        model=Assignment,
        person="user",
        fields=("reason",),
        purpose=_("Training assigned to you, why, and when it is due."),
        retention=WHILE_ACCOUNT,
        on_erase="delete",
        mentions=("reason",),
    ),
    PersonalData(
        model=Assignment,
        person="assigned_by",
        fields=(),
        purpose=_("Who assigned training."),
        retention=WHILE_ACCOUNT,
        on_erase="anonymise",
    ),
    PersonalData(
        model=SOPVersion,
        person="created_by",
        fields=(),
        purpose=_("Who wrote an SOP version."),
        retention=WHILE_ACCOUNT,
        on_erase="anonymise",
    ),
)
