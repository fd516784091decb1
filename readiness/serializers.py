"""The readiness API's shapes (in the schema, with examples on the views)."""

from __future__ import annotations

from rest_framework import serializers

from readiness.models import Decision, Kind, Verdict

VERDICTS = Verdict.choices
STATES = ["ready_undecided", "regressed", "ready_decided", "not_ready", "not_yet_decided"]


class EvidenceOutput(serializers.Serializer):
    text = serializers.CharField()
    url = serializers.CharField(help_text="A page of Readiness, or empty.")


class LineOutput(serializers.Serializer):
    criterion = serializers.IntegerField()
    key = serializers.CharField(help_text="Stays the same across criteria versions.")
    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField(help_text="What the line asks, in the request's language.")
    verdict = serializers.ChoiceField(choices=VERDICTS)
    summary = serializers.CharField()
    missing = serializers.ListField(child=serializers.CharField())
    estimate = serializers.CharField(help_text="When it could be met, where that is known.")
    evidence = EvidenceOutput(many=True)
    figures = serializers.DictField(help_text="The figures behind the verdict (kept verbatim).")


class DecisionBrief(serializers.Serializer):
    id = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
    decided_at = serializers.DateTimeField()
    decided_by = serializers.CharField(allow_null=True)
    age_days = serializers.IntegerField(allow_null=True)


class RoleOutput(serializers.Serializer):
    criteria = serializers.IntegerField()
    role = serializers.CharField(help_text="The role profile's slug.")
    role_name = serializers.CharField()
    version = serializers.IntegerField()
    verdict = serializers.ChoiceField(choices=VERDICTS)
    state = serializers.ChoiceField(choices=STATES)
    blocking = serializers.CharField(help_text="The top missing criterion, or empty.")
    met = serializers.IntegerField()
    total = serializers.IntegerField()
    lines = LineOutput(many=True)
    decision = DecisionBrief(allow_null=True)
    regressed_since = serializers.DateTimeField(allow_null=True)


class PersonBrief(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    email = serializers.EmailField()


class PersonReadinessOutput(serializers.Serializer):
    person = PersonBrief()
    roles = RoleOutput(many=True)


class BoardRowOutput(serializers.Serializer):
    person = PersonBrief()
    criteria = serializers.IntegerField()
    role = serializers.CharField()
    role_name = serializers.CharField()
    verdict = serializers.ChoiceField(choices=VERDICTS)
    state = serializers.ChoiceField(choices=STATES)
    blocking = serializers.CharField()
    met = serializers.IntegerField()
    total = serializers.IntegerField()
    decision = DecisionBrief(allow_null=True)


class BoardOutput(serializers.Serializer):
    team = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField())
    rows = BoardRowOutput(many=True)


class CriteriaLineOutput(serializers.Serializer):
    id = serializers.IntegerField()
    key = serializers.CharField()
    kind = serializers.ChoiceField(choices=Kind.choices)
    title = serializers.CharField()


class CriteriaOutput(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()
    role_name = serializers.CharField()
    from_roles = serializers.ListField(child=serializers.CharField())
    version = serializers.IntegerField()
    lines = CriteriaLineOutput(many=True)


class DecisionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    person = PersonBrief()
    criteria = serializers.IntegerField()
    role = serializers.CharField()
    version = serializers.IntegerField()
    outcome = serializers.ChoiceField(choices=Decision.Outcome.choices)
    verdict = serializers.CharField(help_text="The criteria's overall verdict at that moment.")
    overridden = serializers.BooleanField()
    reason = serializers.CharField()
    plan = serializers.CharField()
    revokes = serializers.IntegerField(allow_null=True)
    assignment = serializers.IntegerField(allow_null=True)
    decided_by = serializers.CharField(allow_null=True)
    decided_at = serializers.DateTimeField()
    lines = LineOutput(many=True, help_text="Every criterion's verdict and evidence, frozen.")


class DecisionInput(serializers.Serializer):
    person = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    criteria = serializers.IntegerField(min_value=1, max_value=2**63 - 1)
    outcome = serializers.ChoiceField(choices=[("ready", "Ready"), ("not_yet", "Not yet")])
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    plan = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    override = serializers.BooleanField(required=False, default=False)
    assign_module = serializers.IntegerField(
        min_value=1, max_value=2**63 - 1, required=False, allow_null=True, default=None
    )
    due_on = serializers.DateField(required=False, allow_null=True, default=None)


class RevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
