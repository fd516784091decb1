"""What accounts stores about people (core/privacy.py)."""

from django.utils.translation import gettext_lazy as _

from accounts.models import ApiToken, ExternalIdentity, Invitation, Membership, User
from core.privacy import PersonalData, declare

WHILE_ACCOUNT = _("While the account exists; erased with it.")

declare(
    PersonalData(
        model=User,
        person="self",
        fields=("name", "email", "password", "last_login", "time_zone", "language"),
        purpose=_("Your account: who you are, how you sign in, your language and time zone."),
        retention=WHILE_ACCOUNT,
        on_erase="custom",
        note=_("Erasing keeps an anonymous row so that figures about teams stay whole."),
    ),
    PersonalData(
        model=Membership,
        person="user",
        fields=("role",),
        purpose=_("Which teams you belong to and your role there."),
        retention=WHILE_ACCOUNT,
        on_erase="delete",
    ),
    PersonalData(
        model=Invitation,
        person="accepted_by",
        fields=("email", "name"),
        purpose=_("The invitation that created your account."),
        retention=WHILE_ACCOUNT,
        on_erase="anonymise",
    ),
    PersonalData(
        model=Invitation,
        person="invited_by",
        fields=(),
        purpose=_("Who invited a colleague."),
        retention=WHILE_ACCOUNT,
        on_erase="anonymise",
    ),
    PersonalData(
        model=ApiToken,
        person="user",
        fields=("name", "prefix"),
        purpose=_("Your API tokens (only a hash of each is kept)."),
        retention=_("Until revoked; erased with the account."),
        on_erase="delete",
    ),
    PersonalData(
        model=ExternalIdentity,
        person="user",
        fields=("subject", "email", "issuer"),
        purpose=_("Your single sign-on link: which identity provider account is yours."),
        retention=WHILE_ACCOUNT,
        on_erase="delete",
    ),
)
