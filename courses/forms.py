from __future__ import annotations

from datetime import date
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.forms import IsoDateInput
from courses.selectors import (
    assignable_modules,
    assignable_quizzes,
    assignable_sops,
    assignees_get,
    assignment_target_get,
)


class AssignForm(forms.Form):
    """A lead assigns one module or SOP to some of their team's members."""

    target = forms.ChoiceField(label=_("Training"))
    users = forms.MultipleChoiceField(
        label=_("People"), widget=forms.CheckboxSelectMultiple, required=True
    )
    due = forms.DateField(label=_("Due on"), widget=IsoDateInput(), required=False)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        help_text=_("Shown to the person, e.g. “Before you join the phone queue”."),
    )

    def __init__(self, *args: Any, members: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        modules = [(f"module:{m.pk}", m.title) for m in assignable_modules()]
        sops = [(f"sop:{s.pk}", s.title) for s in assignable_sops()]
        quizzes = [
            (f"quiz:{q.pk}", getattr(q, "shown_title"))  # noqa: B009 (annotated)
            for q in assignable_quizzes()
        ]
        cast(forms.ChoiceField, self.fields["target"]).choices = [
            ("", _("Choose a module, SOP or quiz")),
            (_("Modules"), modules),
            (_("SOPs"), sops),
            (_("Quizzes"), quizzes),
        ]
        cast(forms.ChoiceField, self.fields["users"]).choices = [
            (str(u.pk), u.name or u.email) for u in members
        ]

    def clean_due(self) -> date | None:
        """The day as picked: a calendar day, the same for everyone (not a moment)."""
        due: date | None = self.cleaned_data.get("due")
        if due is not None and due < timezone.localdate():
            raise forms.ValidationError(_("The due date is in the past."))
        return due

    def service_arguments(self, *, lead: User) -> dict[str, Any]:
        """The typed arguments of ``services.assignments_assign`` (``NotFound`` for a target
        or a person the lead can't assign)."""
        kind, _sep, pk = self.cleaned_data["target"].partition(":")
        return {
            "users": assignees_get(lead=lead, user_ids=self.cleaned_data["users"]),
            "target": assignment_target_get(**{f"{kind}_id": pk}),
            "due_on": self.cleaned_data.get("due"),
            "reason": self.cleaned_data.get("reason", ""),
        }


class CompareForm(forms.Form):
    older = forms.TypedChoiceField(label=_("From version"), coerce=int)
    newer = forms.TypedChoiceField(label=_("To version"), coerce=int)

    def __init__(self, *args: Any, numbers: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(n, f"v{n}") for n in numbers]
        cast(forms.ChoiceField, self.fields["older"]).choices = choices
        cast(forms.ChoiceField, self.fields["newer"]).choices = choices
