"""What onboarding stores about people (core/privacy.py)."""

from django.utils.translation import gettext_lazy as _

from core.privacy import PersonalData, declare
from onboarding.models import OnboardingPlan, PlanItem

declare(
    PersonalData(
        model=OnboardingPlan,
        person="user",
        fields=("name",),
        purpose=_("Your onboarding plan: its steps, due days, comments and sign-offs."),
        retention=_("While the account exists; erased with it."),
        on_erase="delete",
    ),
    PersonalData(
        model=OnboardingPlan,
        person="created_by",
        fields=(),
        purpose=_("Who started an onboarding plan."),
        retention=_("While the account exists."),
        on_erase="anonymise",
    ),
    PersonalData(
        model=PlanItem,
        person="completed_by",
        fields=(),
        purpose=_("Who completed or signed off an onboarding step."),
        retention=_("While the account exists."),
        on_erase="anonymise",
        mentions=("comment",),
    ),
)
