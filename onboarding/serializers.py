"""Input and output shapes of the onboarding API."""

from typing import Any

from rest_framework import serializers


class PlanItemOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    description = serializers.CharField()
    kind = serializers.CharField()
    phase = serializers.CharField()
    due_on = serializers.DateField(help_text="The due day (YYYY-MM-DD), the same for everyone.")
    status = serializers.CharField()
    completed_at = serializers.DateTimeField(allow_null=True)
    completed_by = serializers.CharField(source="completed_by_label", help_text="Who completes it.")
    available = serializers.BooleanField(source="is_available")
    comment = serializers.CharField()
    sop = serializers.IntegerField(source="sop_id", allow_null=True)
    module = serializers.IntegerField(source="module_id", allow_null=True)
    quiz = serializers.IntegerField(source="quiz_id", allow_null=True)


class PlanOutput(serializers.Serializer):
    id = serializers.IntegerField()
    user = serializers.IntegerField(source="user_id")
    user_name = serializers.CharField(source="user.name")
    name = serializers.CharField()
    start_date = serializers.DateField()
    completed_at = serializers.DateTimeField(allow_null=True)
    total = serializers.IntegerField()
    done = serializers.IntegerField()
    overdue = serializers.IntegerField(
        help_text="Open steps whose due day is over on the caller's calendar (profile time zone)."
    )
    waiting_signoff = serializers.IntegerField()
    progress = serializers.SerializerMethodField()

    def get_progress(self, plan: Any) -> int:
        return round(100 * plan.done / plan.total) if plan.total else 0


class PlanDetailOutput(PlanOutput):
    items = PlanItemOutput(many=True, source="item_list")


class SignOffInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    confirm = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Sign off although other steps of the plan are still open (otherwise 409).",
    )


class OpenStepOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    due_on = serializers.DateField(allow_null=True)
    overdue = serializers.BooleanField()


class SignOffOpenStepsOutput(serializers.Serializer):
    """409 of a sign-off: while other steps are open (``code`` "open_steps") what is open,
    resend with ``confirm``; for a step that is not a sign-off, ``code`` "conflict"."""

    detail = serializers.CharField()
    code = serializers.CharField()
    # only with ``code`` "open_steps" (a step that is not a sign-off answers ``conflict``)
    open_count = serializers.IntegerField(required=False)
    overdue_count = serializers.IntegerField(required=False)
    open_steps = OpenStepOutput(many=True, required=False)
