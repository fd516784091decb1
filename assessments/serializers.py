from typing import Any

from rest_framework import serializers

from assessments.models import Attempt, QAFinding, Question
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
    email = serializers.EmailField()
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


class FindingInput(serializers.Serializer):
    agent = IdField()
    interaction_ref = serializers.CharField(max_length=200)
    criterion = serializers.CharField(max_length=200)
    skill = serializers.CharField(max_length=50, help_text="A skill slug (or id).")
    severity = serializers.ChoiceField(choices=QAFinding.Severity.choices, default="medium")
    note = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    occurred_at = serializers.DateTimeField(required=False, allow_null=True)


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
    rows = ImportRowOutput(many=True, required=False)


class SkillCellOutput(serializers.Serializer):
    skill = serializers.CharField()
    level = serializers.FloatField(help_text="0..1; 0.5 with no evidence.")
    confidence = serializers.FloatField()
    evidence = serializers.FloatField(help_text="Decayed units of evidence.")
    enough_evidence = serializers.BooleanField()
    target = serializers.FloatField(allow_null=True)
    gap = serializers.FloatField(
        allow_null=True, help_text="target − level; null without enough evidence or a target."
    )


class SkillGapMemberOutput(serializers.Serializer):
    user = serializers.IntegerField()
    name = serializers.CharField()
    role_profile = serializers.CharField(allow_null=True)
    skills = SkillCellOutput(many=True)


class TeamSkillGapsOutput(serializers.Serializer):
    team = serializers.IntegerField()
    team_name = serializers.CharField()
    skills = serializers.ListField(child=serializers.CharField())
    members = SkillGapMemberOutput(many=True)


class EvidenceItemOutput(serializers.Serializer):
    source = serializers.CharField()  # type: ignore[assignment]
    about = serializers.CharField()
    occurred_at = serializers.DateTimeField()
    outcome = serializers.FloatField()
    weight = serializers.FloatField()
    alpha_now = serializers.FloatField(help_text="What it adds to α today (after decay).")
    beta_now = serializers.FloatField(help_text="What it adds to β today (after decay).")


class ProfileSkillOutput(SkillCellOutput):
    name = serializers.CharField()
    evidence_count = serializers.IntegerField()
    evidence_items = EvidenceItemOutput(many=True, help_text="The latest 20 pieces.")


class SkillModelOutput(serializers.Serializer):
    prior_alpha = serializers.FloatField()
    prior_beta = serializers.FloatField()
    half_life_days = serializers.IntegerField()
    min_evidence = serializers.FloatField()


class SkillProfileOutput(serializers.Serializer):
    user = serializers.IntegerField()
    name = serializers.CharField()
    role_profile = serializers.CharField(allow_null=True)
    model = SkillModelOutput()
    skills = ProfileSkillOutput(many=True)


class OrgSkillSummaryOutput(serializers.Serializer):
    skill = serializers.CharField(help_text="The skill's slug.")
    people = serializers.IntegerField()
    mean_level = serializers.FloatField(allow_null=True)
    below_target = serializers.IntegerField()


class OrgSkillReportOutput(serializers.Serializer):
    """One page of people (``count``, ``next``, ``previous``, ``results``) and the per-skill
    figures across the organisation (``skills``)."""

    count = serializers.IntegerField()
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    skills = OrgSkillSummaryOutput(many=True)
    results = SkillGapMemberOutput(many=True)


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
