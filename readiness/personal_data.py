"""What readiness stores about people (core/privacy.py)."""

from django.utils.translation import gettext_lazy as _

from core.privacy import PersonalData, declare
from readiness.models import CriteriaVersion, Decision, SignOff

declare(
    PersonalData(
        model=Decision,
        person="person",
        fields=("reason", "plan"),
        purpose=_(
            "Leads' decisions whether you are ready for a role, with the evidence at that moment."
        ),
        retention=_("While the account exists; erased with it."),
        on_erase="delete",
        mentions=("reason", "plan"),
    ),
    PersonalData(
        model=Decision,
        person="decided_by",
        fields=(),
        purpose=_("Who recorded a readiness decision."),
        retention=_("While the account exists."),
        on_erase="anonymise",
    ),
    PersonalData(
        model=SignOff,
        person="person",
        fields=("note",),
        purpose=_("A lead's sign-off of a readiness criterion for you."),
        retention=_("While the account exists; erased with it."),
        on_erase="delete",
        mentions=("note",),
    ),
    PersonalData(
        model=SignOff,
        person="signed_by",
        fields=(),
        purpose=_("Who signed off a readiness criterion."),
        retention=_("While the account exists."),
        on_erase="anonymise",
    ),
    PersonalData(
        model=CriteriaVersion,
        person="created_by",
        fields=(),
        purpose=_("Who changed readiness criteria."),
        retention=_("While the account exists."),
        on_erase="anonymise",
    ),
)
