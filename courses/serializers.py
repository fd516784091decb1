from datetime import date
from typing import Any

from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import extend_schema_field, extend_schema_serializer
from rest_framework import serializers

from accounts.calendar import day_of
from core.ids import IdField
from courses.models import Assignment, SOPVersion


class SOPVersionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    change_summary = serializers.CharField()
    requires_reack = serializers.BooleanField()
    skills = serializers.SerializerMethodField(
        help_text="The skills this version teaches (skill slugs); set by the import's front "
        "matter (`skills:`) or in the admin."
    )

    def get_skills(self, version: SOPVersion) -> list[str]:
        return [skill.slug for skill in version.skills.all()]


class SOPCurrentVersionOutput(serializers.Serializer):
    """Read from the annotations of ``selectors.sops_list``."""

    id = serializers.IntegerField(source="current_version_id")
    number = serializers.IntegerField(source="current_number")
    published_at = serializers.DateTimeField(source="current_published_at")
    change_summary = serializers.CharField(source="current_summary")


class SOPListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    current_version = SOPCurrentVersionOutput(source="*")
    acknowledged_version = serializers.IntegerField(
        source="acknowledged_number",
        allow_null=True,
        help_text="The newest version number the caller acknowledged, or null.",
    )


class SOPDetailOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    current_version = SOPVersionOutput()
    body_html = serializers.CharField(help_text="The current version, sanitized HTML.")
    versions = SOPVersionOutput(many=True)
    acknowledged_version = serializers.IntegerField(allow_null=True)


class AcknowledgeInput(serializers.Serializer):
    version = IdField(
        required=False, help_text="A version id of this SOP; the current version if left out."
    )


class AcknowledgementOutput(serializers.Serializer):
    sop = serializers.IntegerField(source="sop_version.sop_id")
    version = serializers.IntegerField(source="sop_version.number")
    version_id = serializers.IntegerField(source="sop_version_id")
    acknowledged_at = serializers.DateTimeField()


class ModuleSOPVersion(serializers.Serializer):
    id = serializers.IntegerField()
    sop = serializers.IntegerField(source="sop_id")
    sop_title = serializers.CharField(source="sop.title")
    number = serializers.IntegerField()


class ModuleListOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    summary = serializers.CharField()
    estimated_minutes = serializers.IntegerField()
    skills = serializers.SerializerMethodField(help_text="Skill slugs.")
    sop_versions = ModuleSOPVersion(many=True)
    lesson_count = serializers.IntegerField()
    lessons_done = serializers.IntegerField()
    completed = serializers.BooleanField()

    def get_skills(self, module: Any) -> list[str]:
        return [skill.slug for skill in module.skills.all()]


class LessonOutput(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.IntegerField()
    title = serializers.CharField()
    body_html = serializers.CharField()
    done = serializers.BooleanField()


class ModuleDetailOutput(ModuleListOutput):
    lessons = LessonOutput(many=True, source="lesson_items")


class AssignmentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.IntegerField(source="user_id")
    user_name = serializers.CharField(source="user.name")
    kind = serializers.ChoiceField(choices=Assignment.Kind.choices)
    module = serializers.IntegerField(source="module_id", allow_null=True)
    sop = serializers.IntegerField(source="sop_id", allow_null=True)
    quiz = serializers.IntegerField(source="quiz_id", allow_null=True)
    sop_version = serializers.IntegerField(
        source="sop_version.number", allow_null=True, default=None
    )
    title = serializers.CharField(source="target_title")
    reason = serializers.CharField()
    source = serializers.ChoiceField(choices=Assignment.Source.choices)  # type: ignore[assignment]
    assigned_by = serializers.IntegerField(source="assigned_by_id", allow_null=True)
    due_on = serializers.DateField(
        allow_null=True, help_text="The due day (YYYY-MM-DD), the same for everyone."
    )
    status = serializers.ChoiceField(choices=Assignment.Status.choices)
    progress = serializers.IntegerField(help_text="Percent done.")
    created_at = serializers.DateTimeField()
    completed_at = serializers.DateTimeField(allow_null=True)


@extend_schema_field({"type": "string", "format": "date", "example": "2026-12-10"})
class DueDateField(serializers.Field):
    """A due date in JSON input: a calendar day (``"2026-12-10"``), the same day for everyone.
    A date-time (what the API took before) is accepted too and becomes its calendar day in the
    sender's profile time zone (the serializer's ``context["user"]``)."""

    default_error_messages = {
        "invalid": "Give a day as YYYY-MM-DD (or an ISO 8601 date-time).",
    }

    def to_internal_value(self, data: Any) -> date:
        if not isinstance(data, str):
            self.fail("invalid")
        text = data.strip()
        try:
            day = parse_date(text)
            if day is not None:
                return day
            moment = parse_datetime(text)
            if moment is not None:
                return day_of(moment, self.context.get("user"))
        except (ValueError, OverflowError):
            pass
        self.fail("invalid")

    def to_representation(self, value: date) -> str:
        return value.isoformat()


@extend_schema_serializer(deprecate_fields=["due_at"])
class AssignInput(serializers.Serializer):
    users = serializers.ListField(
        child=IdField(), required=False, allow_empty=False, max_length=500
    )
    user = IdField(required=False)
    module = IdField(required=False, allow_null=True)
    sop = IdField(required=False, allow_null=True)
    quiz = IdField(required=False, allow_null=True)
    due_on = DueDateField(
        required=False,
        allow_null=True,
        help_text="The due day, YYYY-MM-DD: the same day for everyone. A date-time is accepted "
        "and becomes its day in your profile's time zone.",
    )
    due_at = DueDateField(
        required=False, allow_null=True, help_text="The former name of `due_on`, read the same way."
    )
    reason = serializers.CharField(required=False, allow_blank=True, max_length=300)

    def validate(self, attrs: dict[str, object]) -> dict[str, object]:
        if "due_at" in attrs:
            legacy = attrs.pop("due_at")
            if "due_on" in attrs and attrs["due_on"] != legacy:
                raise serializers.ValidationError(
                    {"due_on": ["Give `due_on` (or the older `due_at`), not two different days."]}
                )
            attrs["due_on"] = legacy
        if "users" not in attrs and "user" not in attrs:
            raise serializers.ValidationError({"users": ["Give `users` (ids) or `user` (an id)."]})
        if sum(attrs.get(key) is not None for key in ("module", "sop", "quiz")) != 1:
            raise serializers.ValidationError(
                {"non_field_errors": ["Give exactly one of `module`, `sop` and `quiz`."]}
            )
        return attrs


class AssignResultOutput(AssignmentOutput):
    created = serializers.BooleanField(
        help_text="False when the person already had this open assignment (it is returned)."
    )
