"""Forms of the readiness pages: criteria, one criterion line, a decision, a revocation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.models import Quiz
from assessments.selectors import quiz_current_version
from courses.models import SOP, Module
from readiness.models import Decision, Kind
from skills.models import RoleProfile, Skill

MAX_CATEGORIES = 30


class CriteriaForm(forms.Form):
    role_profile = forms.ModelChoiceField(
        queryset=RoleProfile.objects.filter(readiness_criteria__isnull=True),
        label=gettext_lazy("Role"),
        help_text=gettext_lazy("The role people step up to."),
    )
    from_roles = forms.ModelMultipleChoiceField(
        queryset=RoleProfile.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Who works towards it"),
        help_text=gettext_lazy("People measured against these role profiles."),
    )


class FromRolesForm(forms.Form):
    from_roles = forms.ModelMultipleChoiceField(
        queryset=RoleProfile.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("Who works towards it"),
    )


# Which fields each kind uses: the rest are cleared before saving.
KIND_FIELDS: dict[str, tuple[str, ...]] = {
    Kind.ONBOARDING: ("count",),
    Kind.SOPS: ("sops",),
    Kind.MODULES: ("modules",),
    Kind.QUIZ: ("quiz", "min_band", "within_days"),
    Kind.SKILL: ("skill",),
    Kind.QA_CRITICAL: ("within_days", "min_count"),
    Kind.QA_PASS_RATE: ("categories", "min_rate", "within_days", "min_count"),
    Kind.SIGNOFF: (),
}


class CriterionForm(forms.Form):
    kind = forms.ChoiceField(choices=Kind.choices, label=gettext_lazy("Kind"))
    label_en = forms.CharField(
        max_length=200,
        required=False,
        label=gettext_lazy("Label (English)"),
        help_text=gettext_lazy("Required for a sign-off; otherwise written from the settings."),
    )
    label_pl = forms.CharField(max_length=200, required=False, label=gettext_lazy("Label (Polish)"))
    count = forms.IntegerField(
        min_value=1,
        max_value=500,
        required=False,
        label=gettext_lazy("Onboarding: steps done (N)"),
        help_text=gettext_lazy("Empty: the plan signed off."),
    )
    sops = forms.ModelMultipleChoiceField(
        queryset=SOP.objects.order_by("title"),
        required=False,
        label=gettext_lazy("SOPs"),
        widget=forms.CheckboxSelectMultiple,
    )
    modules = forms.ModelMultipleChoiceField(
        queryset=Module.objects.filter(is_published=True).order_by("title"),
        required=False,
        label=gettext_lazy("Modules"),
        widget=forms.CheckboxSelectMultiple,
    )
    quiz = forms.ModelChoiceField(
        queryset=Quiz.objects.assessments().order_by("title"),
        required=False,
        label=gettext_lazy("Quiz"),
    )
    min_band = forms.CharField(
        max_length=100,
        required=False,
        label=gettext_lazy("Quiz: at least the band"),
        help_text=gettext_lazy(
            "A result band's label, e.g. “Ready to lead”; empty: the pass mark."
        ),
    )
    within_days = forms.IntegerField(
        min_value=1, max_value=3650, required=False, label=gettext_lazy("Within the last (days)")
    )
    skill = forms.ModelChoiceField(
        queryset=Skill.objects.all(), required=False, label=gettext_lazy("Skill")
    )
    categories = forms.CharField(
        max_length=2000,
        required=False,
        label=gettext_lazy("QA categories"),
        help_text=gettext_lazy("Comma-separated category names; empty: every category."),
    )
    min_rate = forms.IntegerField(
        min_value=1, max_value=100, required=False, label=gettext_lazy("QA pass rate at least (%)")
    )
    min_count = forms.IntegerField(
        min_value=1,
        max_value=10000,
        required=False,
        label=gettext_lazy("Over at least (reviewed interactions)"),
    )

    def clean_categories(self) -> list[str]:
        names = [n.strip() for n in self.cleaned_data["categories"].split(",") if n.strip()]
        if len(names) > MAX_CATEGORIES:
            raise forms.ValidationError(_("At most %(n)d categories.") % {"n": MAX_CATEGORIES})
        if any(len(n) > 200 for n in names):
            raise forms.ValidationError(_("A category name is at most 200 characters."))
        return names

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if not kind:
            return data
        required = {
            Kind.SOPS: ("sops", _("Choose at least one SOP.")),
            Kind.MODULES: ("modules", _("Choose at least one module.")),
            Kind.QUIZ: ("quiz", _("Choose a quiz.")),
            Kind.SKILL: ("skill", _("Choose a skill.")),
            Kind.SIGNOFF: (
                "label_en",
                _("Say what the lead signs off, e.g. “Shadowed three escalations”."),
            ),
            Kind.QA_PASS_RATE: ("min_rate", _("Give the pass rate to reach.")),
        }
        if kind in required:
            name, message = required[Kind(kind)]
            if not data.get(name):
                self.add_error(name, message)
        if kind == Kind.QUIZ and data.get("quiz") and data.get("min_band"):
            version = quiz_current_version(data["quiz"])
            labels = set(version.bands.values_list("label", flat=True)) if version else set()
            if labels and data["min_band"] not in labels:
                self.add_error(
                    "min_band",
                    _("The quiz has no band “%(band)s”. Its bands: %(bands)s.")
                    % {"band": data["min_band"], "bands": ", ".join(sorted(labels))},
                )
        return data

    def line_fields(self) -> tuple[dict[str, Any], list[SOP], list[Module]]:
        """The fields of the chosen kind (others empty), the SOPs and the modules."""
        data = self.cleaned_data
        kind = data["kind"]
        used = KIND_FIELDS[kind]
        fields: dict[str, Any] = {
            "kind": kind,
            "label": data.get("label_en") or "",
            "label_en": data.get("label_en") or "",
            "label_pl": data.get("label_pl") or "",
            "count": data.get("count") if "count" in used else None,
            "quiz": data.get("quiz") if "quiz" in used else None,
            "min_band": data.get("min_band") or "" if "min_band" in used else "",
            "within_days": data.get("within_days") if "within_days" in used else None,
            "skill": data.get("skill") if "skill" in used else None,
            "categories": data.get("categories") or [] if "categories" in used else [],
            "min_rate": (data["min_rate"] / 100)
            if "min_rate" in used and data.get("min_rate")
            else None,
            "min_count": data.get("min_count") if "min_count" in used else None,
        }
        sops = list(data.get("sops") or []) if "sops" in used else []
        modules = list(data.get("modules") or []) if "modules" in used else []
        return fields, sops, modules


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        choices=[
            (Decision.Outcome.READY, gettext_lazy("Ready")),
            (Decision.Outcome.NOT_YET, gettext_lazy("Not yet")),
        ],
        widget=forms.RadioSelect,
        label=gettext_lazy("Decision"),
    )
    reason = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        label=gettext_lazy("Reason"),
        help_text=gettext_lazy("Required for “not yet” and for an override."),
    )
    plan = forms.CharField(
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        label=gettext_lazy("Plan (optional)"),
    )
    override = forms.BooleanField(
        required=False,
        label=gettext_lazy("Override: record “ready” although not every criterion is met"),
    )
    assign_module = forms.ModelChoiceField(
        queryset=Module.objects.filter(is_published=True).order_by("title"),
        required=False,
        label=gettext_lazy("Assign training (optional)"),
    )
    due_on = forms.DateField(required=False, label=gettext_lazy("Training due on"))


class RevokeForm(forms.Form):
    reason = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), label=gettext_lazy("Why")
    )
