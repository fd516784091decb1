from typing import Any

from rest_framework import serializers

from accounts.serializers import email_input
from assessments.models import Attempt, Question
from core.ids import IdField


class QuizOutput(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.SlugField()
    title = serializers.CharField()
    description = serializers.CharField()
    module = serializers.IntegerField(source="module_id", allow_null=True)
    question_count = serializers.IntegerField()
    attempts_used = serializers.IntegerField()
    best_percent = serializers.FloatField(allow_null=True)
    open_attempt = serializers.UUIDField(source="open_attempt_id", allow_null=True)


class QuizDetailOutput(QuizOutput):
    time_limit_minutes = serializers.IntegerField(allow_null=True)
    attempts_allowed = serializers.IntegerField(help_text="0 means unlimited.")
    pass_percent = serializers.IntegerField()


class ChoiceOutput(serializers.Serializer):
    """A choice as the taker sees it: no correctness, no explanation."""

    id = serializers.IntegerField()
    text = serializers.CharField()


class QuestionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField(source="text_html", help_text="Sanitized HTML.")
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    choices = ChoiceOutput(many=True, source="shuffled_choices")


class AttemptStartedOutput(serializers.Serializer):
    id = serializers.UUIDField()
    status = serializers.ChoiceField(choices=Attempt.Status.choices)
    deadline = serializers.DateTimeField(allow_null=True)
    questions = QuestionOutput(many=True)


class BandOutput(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    message = serializers.CharField()


class ReviewChoiceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    chosen = serializers.BooleanField()
    is_correct = serializers.BooleanField(required=False)
    explanation = serializers.CharField(required=False)


class ReviewItemOutput(serializers.Serializer):
    question = serializers.IntegerField()
    text = serializers.CharField()
    kind = serializers.CharField()
    your_choices = serializers.ListField(child=serializers.IntegerField())
    correct = serializers.BooleanField(required=False)
    credit = serializers.FloatField(required=False)
    choices = ReviewChoiceOutput(many=True)


class AttemptOutput(serializers.Serializer):
    id = serializers.UUIDField()
    quiz = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Attempt.Status.choices)
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    score = serializers.FloatField(allow_null=True, help_text="Null until the policy allows.")
    max_score = serializers.FloatField(allow_null=True)
    percent = serializers.FloatField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True)
    band = BandOutput(allow_null=True)
    review = ReviewItemOutput(many=True)
    questions = QuestionOutput(
        many=True, required=False, help_text="While in progress: the questions, in order."
    )
    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField()),
        required=False,
        help_text="While in progress: saved choices by question id.",
    )


class AttemptConflictOutput(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()
    id = serializers.UUIDField(required=False, help_text="The attempt in progress.")


class AttemptListOutput(serializers.Serializer):
    id = serializers.UUIDField()
    quiz = serializers.IntegerField(source="quiz_id")
    quiz_title = serializers.CharField(source="quiz.title")
    taker = serializers.SerializerMethodField()
    status = serializers.ChoiceField(choices=Attempt.Status.choices)
    started_at = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)

    def get_taker(self, attempt: Any) -> str:
        if attempt.user_id:
            return str(attempt.user.name or attempt.user.email)
        return str(attempt.invitation.email)


class AnswerInput(serializers.Serializer):
    choices = serializers.ListField(child=IdField(), max_length=50)


class AnswerOutput(serializers.Serializer):
    question = serializers.IntegerField(source="question_id")
    choices = serializers.ListField(child=serializers.IntegerField(), source="choice_ids")
    saved_at = serializers.DateTimeField()


class StatusOutput(serializers.Serializer):
    status = serializers.ChoiceField(choices=Attempt.Status.choices)


class InvitationInput(serializers.Serializer):
    email = email_input()
    quiz = IdField()
    expires_at = serializers.DateTimeField()
    team = IdField(required=False, help_text="Needed if you lead several teams.")
    name = serializers.CharField(required=False, allow_blank=True, max_length=150)


class InvitationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    url = serializers.CharField()
    email = serializers.EmailField()
    name = serializers.CharField()
    quiz = serializers.IntegerField(source="quiz_id")
    team = serializers.IntegerField(source="team_id")
    expires_at = serializers.DateTimeField()
    state = serializers.CharField()
    last_attempt = serializers.UUIDField(allow_null=True, required=False)
    score = serializers.FloatField(allow_null=True, required=False)
    max_score = serializers.FloatField(allow_null=True, required=False)
    band = serializers.CharField(allow_null=True, required=False)
