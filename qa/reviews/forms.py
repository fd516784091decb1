"""Forms of the review-import pages: a source's settings, its column mapping for one file, and
its categories (category → skill or ignored, scale, pass mark, critical, weight)."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from qa.models import RATING_SCALES, ReviewCategory, ReviewSource
from qa.reviews.mapping import ROLES
from qa.reviews.scales import DEFAULT_PASS_MARK, SCALE_RANGE
from qa.reviews.sources import CategoryInput
from skills.models import Skill

IGNORE = "__ignore__"


class SourceCreateForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Such as “Zendesk QA export” or “our QA sheet”."),
    )
    shape = forms.ChoiceField(
        label=_("Shape of the export"), choices=ReviewSource.Shape.choices, initial="long"
    )


class SourceSettingsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    default_scale = forms.ChoiceField(
        label=_("Usual rating scale"),
        choices=RATING_SCALES,
        help_text=_("Categories seen for the first time start with this scale."),
    )
    na_values = forms.CharField(
        label=_("Ratings meaning N/A"),
        max_length=200,
        required=False,
        help_text=_("Comma-separated; an empty rating is always N/A."),
    )
    webhook_enabled = forms.BooleanField(
        label=_("Accept reviews pushed to the webhook"), required=False
    )


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Review export (CSV or XLSX)"),
        required=False,
        help_text=_("As your QA tool exports it; nothing is saved before you confirm."),
    )


class MappingForm(forms.Form):
    """Which column of this file holds what; the choices are the file's own columns."""

    shape = forms.ChoiceField(label=_("Shape of the export"), choices=ReviewSource.Shape.choices)
    agent_match = forms.ChoiceField(
        label=_("Agents are named by"), choices=ReviewSource.AgentMatch.choices
    )
    encoding = forms.ChoiceField(
        label=_("Text encoding (CSV)"), choices=ReviewSource.Encoding.choices
    )

    def __init__(self, *args: Any, header: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        columns = [("", _("— not in the file —"))] + [(h, h) for h in header if h]
        for key, label, long_needed, _wide_needed in ROLES:
            self.fields[f"col_{key}"] = forms.ChoiceField(
                label=label,
                choices=columns,
                required=False,
                help_text=_("Needed in long form.") if long_needed else "",
            )

    def role_fields(self) -> list[Any]:
        return [self[f"col_{key}"] for key, *_rest in ROLES]

    def columns(self) -> dict[str, str]:
        return {
            key: self.cleaned_data[f"col_{key}"]
            for key, *_rest in ROLES
            if self.cleaned_data.get(f"col_{key}")
        }


def skill_choices() -> list[tuple[str, Any]]:
    skills = Skill.objects.order_by("position", "name").values_list("slug", "name")
    return [("", _("— choose —")), (IGNORE, _("Ignore this category")), *skills]


class CategoryForm(forms.Form):
    name = forms.CharField(label=_("Category"), max_length=200, widget=forms.HiddenInput)
    skill = forms.ChoiceField(label=_("Skill"), choices=())
    # The pass mark follows the scale in the browser (static/js/app.js): choosing another scale
    # puts that scale's default pass mark where the old scale's default, or a mark off the new
    # scale, stood. The server still refuses a mark off the scale.
    scale = forms.ChoiceField(
        label=_("Scale"),
        choices=RATING_SCALES,
        widget=forms.Select(
            attrs={
                "data-pass-marks": json.dumps(DEFAULT_PASS_MARK),
                "data-scale-ranges": json.dumps(SCALE_RANGE),
            }
        ),
    )
    pass_mark = forms.FloatField(
        label=_("Pass mark"),
        required=False,
        widget=forms.NumberInput(attrs={"step": "any", "data-pass-mark": ""}),
    )
    critical = forms.BooleanField(label=_("Critical"), required=False)
    weight = forms.FloatField(
        label=_("Weight"),
        min_value=0,
        max_value=10,
        initial=1,
        widget=forms.NumberInput(attrs={"step": "any"}),
    )

    def __init__(self, *args: Any, skills: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = skills  # type: ignore[attr-defined]

    def clean_skill(self) -> str:
        value = self.cleaned_data["skill"]
        if not value:
            raise forms.ValidationError(_("Choose a skill, or ignore the category."))
        return str(value)

    def as_input(self, skills_by_slug: dict[str, Skill]) -> CategoryInput:
        data = self.cleaned_data
        ignored = data["skill"] == IGNORE
        return CategoryInput(
            name=data["name"],
            skill=None if ignored else skills_by_slug.get(data["skill"]),
            ignored=ignored,
            scale=data["scale"],
            pass_mark=data.get("pass_mark"),
            critical=bool(data.get("critical")),
            weight=data["weight"] if data.get("weight") is not None else 1.0,
        )


CategoryFormSet = forms.formset_factory(CategoryForm, extra=0, max_num=500, absolute_max=500)


def category_initial(category: ReviewCategory) -> dict[str, Any]:
    return {
        "name": category.name,
        "skill": IGNORE if category.ignored else (category.skill.slug if category.skill else ""),
        "scale": category.scale,
        "pass_mark": category.pass_mark,
        "critical": category.critical,
        "weight": category.weight,
    }
