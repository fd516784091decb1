"""Input and output shapes of the QA API."""

from django.utils.translation import gettext as _
from rest_framework import serializers

from core.ids import IdField
from qa.models import QAFinding
from qa.selectors import skill_from_ref
from skills.models import Skill


class FindingInput(serializers.Serializer):
    agent = IdField()
    interaction_ref = serializers.CharField(max_length=200)
    criterion = serializers.CharField(max_length=200)
    skill = serializers.CharField(max_length=50, help_text="A skill slug (or id).")
    severity = serializers.ChoiceField(choices=QAFinding.Severity.choices, default="medium")
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)

    def validate_skill(self, value: str) -> Skill:
        skill = skill_from_ref(value)
        if skill is None:
            raise serializers.ValidationError(_("Unknown skill; use one of the skill slugs."))
        return skill


class FindingOutput(serializers.Serializer):
    id = serializers.IntegerField()
    agent = serializers.IntegerField(source="agent_id")
    agent_name = serializers.CharField(source="agent.name")
    reviewer = serializers.IntegerField(source="reviewer_id", allow_null=True)
    interaction_ref = serializers.CharField()
    criterion = serializers.CharField()
    skill = serializers.CharField(source="skill.slug")
    severity = serializers.CharField()
    note = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    source = serializers.CharField()  # type: ignore[assignment]


class FindingConflictOutput(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    id = serializers.IntegerField(required=False, help_text="The finding already recorded.")


class ImportInput(serializers.Serializer):
    file = serializers.FileField(required=False, help_text="The CSV export (multipart).")
    csv = serializers.CharField(required=False, help_text="Or the CSV as text.")
    dry_run = serializers.BooleanField(default=False, help_text="Only check; save nothing.")


class ImportRowOutput(serializers.Serializer):
    line = serializers.IntegerField()
    ok = serializers.BooleanField()
    duplicate = serializers.BooleanField()
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )


class ImportOutput(serializers.Serializer):
    dry_run = serializers.BooleanField()
    valid = serializers.IntegerField(help_text="New rows that can be (or were) saved.")
    duplicates = serializers.IntegerField(help_text="Rows already recorded: skipped.")
    invalid = serializers.IntegerField()
    created = serializers.IntegerField()
    problems = serializers.ListField(child=serializers.CharField())
    notes = serializers.ListField(
        child=serializers.CharField(),
        help_text="What the reader noticed, e.g. the code page a non-UTF-8 file was read in.",
    )
    rows = ImportRowOutput(many=True)


class ImportProblemOutput(serializers.Serializer):
    """A 400 from the import: the usual error, and the report when the file was read."""

    detail = serializers.CharField()
    code = serializers.CharField()
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
    dry_run = serializers.BooleanField(required=False)
    valid = serializers.IntegerField(required=False)
    duplicates = serializers.IntegerField(required=False)
    invalid = serializers.IntegerField(required=False)
    created = serializers.IntegerField(required=False)
    problems = serializers.ListField(child=serializers.CharField(), required=False)
    notes = serializers.ListField(child=serializers.CharField(), required=False)
    rows = ImportRowOutput(many=True, required=False)


class SuggestionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    agent = serializers.IntegerField(source="agent_id")
    agent_name = serializers.CharField(source="agent.name")
    module = serializers.IntegerField(source="module_id")
    module_title = serializers.CharField(source="module.title")
    reason = serializers.CharField()
    status = serializers.CharField()
    created_at = serializers.DateTimeField()
    assignment = serializers.IntegerField(source="assignment_id", allow_null=True)


class SuggestionAcceptedOutput(SuggestionOutput):
    """An accepted suggestion, and whether its assignment is new: ``false`` when the agent
    already had the module open, which keeps its due date and is not notified again;
    ``detail`` says so in the request's language."""

    assignment_created = serializers.BooleanField()
    detail = serializers.CharField()
