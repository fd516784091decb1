"""What assessments stores about people (core/privacy.py)."""

from django.utils.translation import gettext_lazy as _

from assessments.models import Attempt, CandidateInvitation
from core.privacy import PersonalData, declare

CANDIDATE = _(
    "CANDIDATE_RETENTION_DAYS (180 days) after the invitation expires, then anonymised: the "
    "answers stay, without your name or email, so the questions' statistics stay whole."
)

declare(
    PersonalData(
        model=CandidateInvitation,
        person="self",
        fields=("email", "name", "language"),
        purpose=_(
            "Your invitation to a readiness quiz: your name and email, so the team that "
            "invited you can read your result."
        ),
        retention=CANDIDATE,
        on_erase="custom",
        candidates=True,
    ),
    PersonalData(
        model=CandidateInvitation,
        person="invited_by",
        fields=(),
        purpose=_("Who invited a candidate."),
        retention=_("While the account exists."),
        on_erase="anonymise",
    ),
    PersonalData(
        model=Attempt,
        person="invitation",
        fields=(),
        purpose=_(
            "Your answers, score and result band, and when you started and finished: what "
            "the quiz measures."
        ),
        retention=CANDIDATE,
        on_erase="custom",
        candidates=True,
        note=_("The attempt stays, without any link to you (the invitation is anonymised)."),
    ),
    PersonalData(
        model=Attempt,
        person="user",
        fields=(),
        purpose=_("Your quiz attempts, answers, scores and bands."),
        retention=_(
            "While the account exists; erasing makes them anonymous, so the questions' "
            "statistics stay whole."
        ),
        on_erase="custom",
        note=_("Erasing cuts the link to you; your attempts keep one random id between them."),
    ),
)
