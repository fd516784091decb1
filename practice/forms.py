from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class PreferenceForm(forms.Form):
    nudge = forms.BooleanField(label=_("Remind me when today's practice is ready"), required=False)
    nudge_hour = forms.TypedChoiceField(
        label=_("At (your time zone)"),
        choices=[(h, f"{h:02d}:00") for h in range(24)],
        coerce=int,
    )
