from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.forms import email_field
from assessments.selectors import quizzes_for_invitations
from core.dates import end_of_day


class CandidateInvitationForm(forms.Form):
    email = email_field(label=_("Candidate's email"))
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    quiz = forms.ModelChoiceField(
        label=_("Quiz"), queryset=quizzes_for_invitations(), empty_label=None
    )
    expires = forms.DateField(
        label=_("Link works until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The end of that day, in your time zone."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["quiz"].queryset = quizzes_for_invitations()  # type: ignore[attr-defined]
        self.fields["expires"].initial = timezone.localdate() + timedelta(days=14)

    def service_arguments(self) -> dict[str, Any]:
        return {
            "email": self.cleaned_data["email"],
            "name": self.cleaned_data.get("name", ""),
            "quiz": self.cleaned_data["quiz"],
            "expires_at": end_of_day(self.cleaned_data["expires"]),
        }
