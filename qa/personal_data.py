"""What the QA loop stores about people (core/privacy.py)."""

from django.utils.translation import gettext_lazy as _

from core.privacy import PersonalData, declare
from qa.models import QAFinding, ReviewRating, ReviewSource, RuleFiring, TrainingSuggestion

COMMENTS = _(
    "QA_COMMENT_RETENTION_DAYS (730 days) for the free-text notes and comments, which are then "
    "cleared; the rest while the account exists."
)

declare(
    PersonalData(
        model=QAFinding,
        person="agent",
        fields=("interaction_ref", "criterion", "note"),
        purpose=_("QA findings on your conversations: what was missed, to turn into training."),
        retention=COMMENTS,
        on_erase="delete",
        mentions=("note",),
    ),
    PersonalData(
        model=QAFinding,
        person="reviewer",
        fields=(),
        purpose=_("Who recorded a QA finding."),
        retention=COMMENTS,
        on_erase="anonymise",
    ),
    PersonalData(
        model=ReviewRating,
        person="agent",
        fields=("reviewer_name", "comment", "root_cause"),
        purpose=_("Ratings from your QA tool's reviews of your conversations."),
        retention=COMMENTS,
        on_erase="anonymise",
        note=_("Erasing keeps the ratings without you, so a source's counts stay whole."),
        mentions=("reviewer_name", "comment"),
    ),
    PersonalData(
        model=TrainingSuggestion,
        person="agent",
        fields=("reason",),
        purpose=_("Training suggested for you after QA findings."),
        retention=_("While the account exists; erased with it."),
        on_erase="delete",
        mentions=("reason",),
    ),
    PersonalData(
        model=TrainingSuggestion,
        person="decided_by",
        fields=(),
        purpose=_("Who accepted or dismissed a suggestion."),
        retention=_("While the account exists."),
        on_erase="anonymise",
    ),
    PersonalData(
        model=RuleFiring,
        person="agent",
        fields=(),
        purpose=_("When a training rule fired for you (for “is it working?”)."),
        retention=_("While the account exists; erased with it."),
        on_erase="delete",
    ),
    PersonalData(
        model=ReviewSource,
        person="created_by",
        fields=(),
        purpose=_("Who set up a QA tool source."),
        retention=_("While the account exists."),
        on_erase="anonymise",
    ),
)
