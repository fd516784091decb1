"""Input and output shapes of the QA review-source API."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from core.ids import IdField
from qa.models import RATING_SCALES, ReviewSource
from qa.reviews.mapping import ROLE_KEYS
from qa.selectors import skill_from_ref
from skills.models import Skill

SCALES = RATING_SCALES


class ColumnsField(serializers.DictField):
    child = serializers.CharField(max_length=200, allow_blank=True)

    def to_internal_value(self, data: Any) -> dict[str, str]:
        value = super().to_internal_value(data)
        unknown = sorted(set(value) - set(ROLE_KEYS))
        if unknown:
            raise serializers.ValidationError(
                _("Unknown roles: %(roles)s. Use: %(known)s.")
                % {"roles": ", ".join(unknown), "known": ", ".join(ROLE_KEYS)}
            )
        return value


class SourceInput(serializers.Serializer):
    team = IdField(required=False, help_text="The team (one you lead); needed to create.")
    name = serializers.CharField(max_length=100, required=False)
    shape = serializers.ChoiceField(choices=ReviewSource.Shape.choices, required=False)
    columns = ColumnsField(
        required=False,
        help_text="Role → column name. Roles: " + ", ".join(ROLE_KEYS) + ".",
    )
    agent_match = serializers.ChoiceField(choices=ReviewSource.AgentMatch.choices, required=False)
    encoding = serializers.ChoiceField(choices=ReviewSource.Encoding.choices, required=False)
    default_scale = serializers.ChoiceField(choices=SCALES, required=False)
    na_values = serializers.CharField(max_length=200, required=False, allow_blank=True)
    webhook_enabled = serializers.BooleanField(required=False)


class SourceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    team = serializers.IntegerField(source="team_id")
    name = serializers.CharField()
    shape = serializers.CharField()
    columns = serializers.DictField(child=serializers.CharField())
    agent_match = serializers.CharField()
    encoding = serializers.CharField()
    default_scale = serializers.CharField()
    na_values = serializers.CharField()
    webhook_enabled = serializers.BooleanField()
    webhook_url = serializers.CharField()
    last_received_at = serializers.DateTimeField(allow_null=True)


class SourceCreatedOutput(SourceOutput):
    webhook_secret = serializers.CharField(help_text="Shown this once; rotate to get a new one.")


class SecretOutput(serializers.Serializer):
    webhook_secret = serializers.CharField(help_text="Shown this once.")


class CategoryItem(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    skill = serializers.CharField(
        max_length=50, required=False, allow_null=True, help_text="A skill slug (or id)."
    )
    ignored = serializers.BooleanField(default=False)
    scale = serializers.ChoiceField(choices=SCALES, required=False)
    pass_mark = serializers.FloatField(required=False, allow_null=True)
    critical = serializers.BooleanField(default=False)
    weight = serializers.FloatField(default=1.0, min_value=0.0, max_value=10.0)

    def validate_skill(self, value: str | None) -> Skill | None:
        if not value:
            return None
        skill = skill_from_ref(value)
        if skill is None:
            raise serializers.ValidationError(_("Unknown skill; use one of the skill slugs."))
        return skill


class CategoriesInput(serializers.Serializer):
    categories = serializers.ListField(child=CategoryItem(), max_length=500)


class CategoryOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    skill = serializers.CharField(source="skill.slug", allow_null=True, default=None)
    ignored = serializers.BooleanField()
    scale = serializers.CharField()
    pass_mark = serializers.FloatField()
    critical = serializers.BooleanField()
    weight = serializers.FloatField()


class ReviewImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="The export: CSV or XLSX (multipart).")
    dry_run = serializers.BooleanField(default=False, help_text="Only check; save nothing.")


class ReviewLineOutput(serializers.Serializer):
    line = serializers.IntegerField()
    review = serializers.CharField(source="review_ref")
    conversation = serializers.CharField(source="interaction_ref")
    agent = serializers.CharField(source="agent_text")
    category = serializers.CharField()
    rating = serializers.CharField()
    outcome = serializers.CharField(
        help_text="fail (a finding), pass (positive evidence), na, ignored, unknown "
        "(category not mapped yet), duplicate (already imported) or error."
    )
    severity = serializers.CharField()
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )


class UnknownCategoryOutput(serializers.Serializer):
    name = serializers.CharField()
    lines = serializers.IntegerField()
    skill = serializers.CharField(source="skill.slug", allow_null=True, default=None)
    scale = serializers.CharField()
    pass_mark = serializers.FloatField()


class ReviewReportOutput(serializers.Serializer):
    dry_run = serializers.BooleanField()
    counts = serializers.DictField(child=serializers.IntegerField())
    created_findings = serializers.IntegerField()
    created_passes = serializers.IntegerField()
    notes = serializers.ListField(child=serializers.CharField())
    problems = serializers.ListField(child=serializers.CharField())
    unknown_categories = UnknownCategoryOutput(many=True)
    unknown_agents = serializers.DictField(child=serializers.IntegerField())
    lines = ReviewLineOutput(many=True)


class ReviewProblemOutput(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
    problems = serializers.ListField(child=serializers.CharField(), required=False)


class WebhookInput(serializers.Serializer):
    rows = serializers.ListField(
        child=serializers.DictField(),
        help_text="Rows keyed by the source's column names, as in its export.",
    )


class WebhookOutput(serializers.Serializer):
    counts = serializers.DictField(child=serializers.IntegerField())
    created_findings = serializers.IntegerField()
    created_passes = serializers.IntegerField()
    unknown_categories = serializers.ListField(child=serializers.CharField())
    unknown_agents = serializers.DictField(child=serializers.IntegerField())
    lines = ReviewLineOutput(many=True)
