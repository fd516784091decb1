from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers

from accounts.fields import email_input
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
    languages = serializers.ListField(
        child=serializers.CharField(),
        help_text="The languages the quiz can be taken in, its own first. An attempt is in "
        "your profile language when it is one of them.",
    )


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
    language = serializers.CharField(
        help_text="The language the attempt is taken in: its question, choice and band texts "
        "are in it."
    )
    questions = QuestionOutput(many=True)


class BandOutput(serializers.Serializer):
    label = serializers.CharField()  # type: ignore[assignment]
    message = serializers.CharField()


class ReviewChoiceOutput(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    chosen = serializers.BooleanField()
    is_correct = serializers.BooleanField(required=False)
    fraction = serializers.FloatField(
        required=False, help_text="The share of the mark this choice earns, −1 … 1."
    )
    explanation = serializers.CharField(required=False)


class ReviewItemOutput(serializers.Serializer):
    question = serializers.IntegerField()
    text = serializers.CharField()
    kind = serializers.CharField()
    your_choices = serializers.ListField(child=serializers.IntegerField())
    your_text = serializers.CharField(
        allow_blank=True, help_text="Short-answer and numerical questions: what you typed."
    )
    correct = serializers.BooleanField(required=False)
    credit = serializers.FloatField(required=False)
    general_feedback = serializers.CharField(required=False)
    feedback = serializers.CharField(
        required=False, help_text="Typed answers: the feedback on the accepted answer matched."
    )
    choices = ReviewChoiceOutput(
        many=True, help_text="Typed answers: the accepted answers, only with correctness."
    )


class AttemptOutput(serializers.Serializer):
    id = serializers.UUIDField()
    quiz = serializers.IntegerField()
    language = serializers.CharField(
        help_text="The language the attempt is taken in: its question, choice and band texts "
        "are in it."
    )
    status = serializers.ChoiceField(choices=Attempt.Status.choices)
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    score = serializers.FloatField(allow_null=True, help_text="Null until the policy allows.")
    max_score = serializers.FloatField(allow_null=True)
    percent = serializers.FloatField(allow_null=True)
    passed = serializers.BooleanField(allow_null=True)
    band = BandOutput(allow_null=True)
    review = ReviewItemOutput(
        many=True,
        help_text="Per question, with correctness and explanations only once the review "
        "policy allows.",
    )
    review_withheld = serializers.ChoiceField(
        choices=[
            ("after_last", "after_last"),
            ("after_close", "after_close"),
            ("never", "never"),
        ],
        allow_null=True,
        help_text="For the taker of a scored attempt: what the review waits for while the "
        "policy holds it back (`after_last`: your last attempt; `after_close`: the quiz's "
        "closing time; `never`), else null.",
    )
    review_opens_at = serializers.DateTimeField(
        allow_null=True,
        help_text="When the withheld review opens at the latest: the quiz's closing time, if "
        "it has one.",
    )
    questions = QuestionOutput(
        many=True, required=False, help_text="While in progress: the questions, in order."
    )
    answers = serializers.DictField(
        child=serializers.ListField(child=serializers.IntegerField()),
        required=False,
        help_text="While in progress: saved choices by question id.",
    )
    answer_texts = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="While in progress: saved typed answers (short answer, numerical) by "
        "question id.",
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


ANSWER_CHOICES_MAX = 50


class AnswerInput(serializers.Serializer):
    """``{"choices": [ids]}`` for choice questions, ``{"text": "…"}`` for short-answer and
    numerical ones."""

    choices = serializers.ListField(child=IdField(), max_length=ANSWER_CHOICES_MAX, required=False)
    text = serializers.CharField(
        required=False, allow_blank=True, max_length=255, trim_whitespace=True
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if ("choices" in attrs) == ("text" in attrs):
            raise serializers.ValidationError(
                {
                    "non_field_errors": [
                        _("Send either “choices” (a list of choice ids) or “text”, not both.")
                    ]
                }
            )
        return attrs


class AnswerOutput(serializers.Serializer):
    question = serializers.IntegerField(source="question_id")
    choices = serializers.ListField(child=serializers.IntegerField(), source="choice_ids")
    text = serializers.CharField(source="response_text")
    saved_at = serializers.DateTimeField()


class StatusOutput(serializers.Serializer):
    status = serializers.ChoiceField(choices=Attempt.Status.choices)


class InvitationInput(serializers.Serializer):
    email = email_input()
    quiz = IdField()
    expires_at = serializers.DateTimeField()
    team = IdField(required=False, help_text="Needed if you lead several teams.")
    name = serializers.CharField(required=False, allow_blank=True, max_length=150)
    share_results_xapi = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Send the candidate's result to the LRS (with their agreement; docs/xapi.md).",
    )
    language = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=10,
        help_text="The language of the email, the pages and the quiz: one the quiz is offered "
        "in (default: the quiz's own).",
    )


class InvitationOutput(serializers.Serializer):
    id = serializers.UUIDField()
    url = serializers.CharField()
    email = serializers.EmailField()
    name = serializers.CharField()
    quiz = serializers.IntegerField(source="quiz_id")
    team = serializers.IntegerField(source="team_id")
    expires_at = serializers.DateTimeField()
    language = serializers.CharField()
    state = serializers.CharField()
    last_attempt = serializers.UUIDField(allow_null=True, required=False)
    score = serializers.FloatField(allow_null=True, required=False)
    max_score = serializers.FloatField(allow_null=True, required=False)
    band = serializers.CharField(allow_null=True, required=False)


class QuestionImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="The GIFT or Aiken file (multipart), up to 10 MB.")
    quiz = IdField(help_text="The quiz to import into (its draft version).")
    format = serializers.ChoiceField(
        choices=[("gift", "GIFT"), ("aiken", "Aiken")],
        required=False,
        help_text="Default: from the file name (gift unless it says aiken).",
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="Only preview: parse and report, save nothing."
    )


class ImportedChoiceOutput(serializers.Serializer):
    text = serializers.CharField()
    fraction = serializers.FloatField(help_text="The share of the mark, −1 … 1.")
    feedback = serializers.CharField(source="explanation", allow_blank=True)
    value = serializers.FloatField(allow_null=True, help_text="Numerical answers.")
    tolerance = serializers.FloatField(allow_null=True, help_text="Numerical answers.")


class ImportedQuestionOutput(serializers.Serializer):
    line = serializers.IntegerField()
    name = serializers.CharField(allow_blank=True)
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    text = serializers.CharField()
    general_feedback = serializers.CharField(allow_blank=True)
    skills = serializers.ListField(child=serializers.CharField())
    choices = ImportedChoiceOutput(many=True)


class ImportProblemLineOutput(serializers.Serializer):
    line = serializers.IntegerField()
    name = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class QuestionImportOutput(serializers.Serializer):
    quiz = serializers.IntegerField()
    format = serializers.CharField()
    dry_run = serializers.BooleanField()
    saved = serializers.BooleanField(help_text="True when questions were written.")
    version = serializers.IntegerField(
        allow_null=True, help_text="The number of the draft version written to."
    )
    created = serializers.IntegerField()
    summary = serializers.CharField()
    questions = ImportedQuestionOutput(many=True, help_text="New questions (to be) imported.")
    duplicates = ImportProblemLineOutput(
        many=True, help_text="Already in the quiz: not imported again (message empty)."
    )
    problems = ImportProblemLineOutput(many=True, help_text="Skipped, with their line.")
    unmatched_categories = serializers.ListField(
        child=serializers.CharField(),
        help_text="Categories naming no skill: their questions get no skill.",
    )
