from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.fields import email_field
from assessments.models import Quiz
from assessments.selectors import quizzes_for_authoring, quizzes_for_invitations
from core.dates import end_of_day
from core.forms import IsoDateInput


class QuizShownTitleField(forms.ModelChoiceField):
    """Quizzes named in the reader's language (``shown_title``, annotated by the selector)."""

    def label_from_instance(self, obj: Quiz) -> str:
        return str(getattr(obj, "shown_title", None) or obj.title)


class CandidateInvitationForm(forms.Form):
    email = email_field(label=_("Candidate's email"))
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    quiz = QuizShownTitleField(
        label=_("Quiz"), queryset=quizzes_for_invitations(), empty_label=None
    )
    expires = forms.DateField(
        label=_("Link works until"),
        widget=IsoDateInput(),
        help_text=_("The end of that day, in your time zone."),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        required=False,
        help_text=_("The email, the candidate's pages and the quiz are in this language."),
    )
    share_results_xapi = forms.BooleanField(
        label=_("Send the result to the learning record store (xAPI)"),
        required=False,
        help_text=_("Only with the candidate's agreement: their email, name and result are sent."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quiz"].queryset = quizzes_for_invitations()  # type: ignore[attr-defined]
        self.fields["expires"].initial = timezone.localdate() + timedelta(days=14)
        self.fields["language"].choices = [  # type: ignore[attr-defined]
            ("", _("The quiz's own language")),
            *settings.LANGUAGES,
        ]
        if not settings.XAPI_LRS_URL:  # xAPI is off: nothing to consent to
            del self.fields["share_results_xapi"]

    def service_arguments(self) -> dict[str, Any]:
        return {
            "email": self.cleaned_data["email"],
            "name": self.cleaned_data.get("name", ""),
            "quiz": self.cleaned_data["quiz"],
            "expires_at": end_of_day(self.cleaned_data["expires"]),
            "share_results_xapi": bool(self.cleaned_data.get("share_results_xapi")),
            "language": self.cleaned_data.get("language") or "",
        }


class QuestionImportForm(forms.Form):
    quiz: forms.ModelChoiceField[Quiz] = forms.ModelChoiceField(
        label=_("Quiz"), queryset=Quiz.objects.none(), empty_label=None
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("gift", _("GIFT (Moodle)")), ("aiken", _("Aiken"))],
        initial="gift",
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("A text file in UTF-8 (or UTF-16 with a byte-order mark), up to 10 MB."),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quiz"].queryset = quizzes_for_authoring(user)  # type: ignore[attr-defined]
