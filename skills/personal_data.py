"""What skills stores about people (core/privacy.py)."""

from django.utils.translation import gettext_lazy as _

from core.privacy import PersonalData, declare
from skills.models import LearnerProfile, SkillEvidence, SkillProficiency

MODEL = _("While the account exists; erased with it (other people's figures do not change).")

declare(
    PersonalData(
        model=LearnerProfile,
        person="user",
        fields=(),
        purpose=_("The role profile you are measured against."),
        retention=MODEL,
        on_erase="delete",
    ),
    PersonalData(
        model=SkillEvidence,
        person="user",
        fields=("params",),
        purpose=_("The evidence behind your skill levels: answers, modules, QA reviews."),
        retention=MODEL,
        on_erase="delete",
    ),
    PersonalData(
        model=SkillProficiency,
        person="user",
        fields=(),
        purpose=_("Your skill levels, computed from the evidence."),
        retention=MODEL,
        on_erase="delete",
    ),
)
