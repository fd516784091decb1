"""Quizzes and their immutable versions, attempts and answers, result bands, candidate
invitations, item statistics, and the skill evidence that scoring produces."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Quiz(models.Model):
    """A quiz. Its questions live in versions; attempts always use one fixed version."""

    slug = models.SlugField(unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    module = models.OneToOneField(
        "courses.Module",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="completion_quiz",
        help_text=_("Passing this quiz completes the module."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("title",)
        verbose_name_plural = "quizzes"

    def __str__(self) -> str:
        return self.title


class QuizVersion(models.Model):
    """Questions, bands and rules of a quiz at one point in time.

    Once it has an attempt it never changes: editing makes a new version (see
    ``services.quiz_version_for_editing``), so old results keep their meaning.
    """

    class ReviewWhen(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately after submitting")
        AFTER_CLOSE = "after_close", _("After the quiz closes")
        NEVER = "never", _("Never")

    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    grace_seconds = models.PositiveSmallIntegerField(
        _("grace (seconds)"),
        default=30,
        help_text=_("Answers still count this long after the time limit (slow networks)."),
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=1, help_text=_("0: unlimited.")
    )
    pass_percent = models.PositiveSmallIntegerField(
        _("pass mark (%)"), default=70, validators=[MaxValueValidator(100)]
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=False)
    review_when = models.CharField(
        _("show the review"),
        max_length=12,
        choices=ReviewWhen.choices,
        default=ReviewWhen.IMMEDIATELY,
    )
    review_score = models.BooleanField(_("show the score and band"), default=True)
    review_correctness = models.BooleanField(_("show which answers were right"), default=True)
    review_explanations = models.BooleanField(_("show explanations"), default=True)
    closes_at = models.DateTimeField(
        _("closes at"),
        null=True,
        blank=True,
        help_text=_("For “after the quiz closes”: the review opens at this time."),
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("quiz", "-number")
        constraints = [
            models.UniqueConstraint(fields=("quiz", "number"), name="assessments_version_number"),
        ]

    def __str__(self) -> str:
        return f"{self.quiz.title} v{self.number}"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple response")
        TRUE_FALSE = "true_false", _("True / false")

    version = models.ForeignKey(QuizVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("scenario (Markdown)"))
    text_html = models.TextField(editable=False, default="")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SINGLE)
    weight = models.FloatField(default=1.0, validators=[MinValueValidator(0.0)])
    skills = models.ManyToManyField("courses.Skill", blank=True, related_name="questions")

    class Meta:
        ordering = ("version", "position", "pk")

    def __str__(self) -> str:
        return self.text[:60]


class Choice(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("text"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        ordering = ("question", "position", "pk")

    def __str__(self) -> str:
        return self.text[:60]


class ResultBand(models.Model):
    """A result band in points: a score belongs to the band with the highest ``min_score``
    not above it, so fractional (partial-credit) scores never fall between bands."""

    version = models.ForeignKey(QuizVersion, on_delete=models.CASCADE, related_name="bands")
    min_score = models.FloatField(_("from (points)"))
    max_score = models.FloatField(_("to (points)"))
    label = models.CharField(_("label"), max_length=100)
    message = models.TextField(_("message"))

    class Meta:
        ordering = ("version", "-min_score")
        constraints = [
            models.UniqueConstraint(fields=("version", "min_score"), name="assessments_band_min"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.min_score:g}–{self.max_score:g})"


class CandidateInvitation(models.Model):
    """A link for someone without an account to take one quiz (signed, expiring, revocable)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    quiz = models.ForeignKey(Quiz, on_delete=models.PROTECT, related_name="invitations")
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, related_name="candidate_invitations"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at",)
        indexes = [models.Index(fields=("team", "created_at"))]

    def __str__(self) -> str:
        return f"{self.email} → {self.quiz}"


class Attempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        SCORED = "scored", _("Scored")
        ABANDONED = "abandoned", _("Abandoned")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    quiz = models.ForeignKey(Quiz, on_delete=models.CASCADE, related_name="attempts")
    quiz_version = models.ForeignKey(QuizVersion, on_delete=models.PROTECT, related_name="attempts")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attempts",
    )
    invitation = models.ForeignKey(
        CandidateInvitation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attempts",
    )
    seed = models.PositiveIntegerField(help_text=_("Fixes the shuffled order for this attempt."))
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    started_at = models.DateTimeField(default=timezone.now)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    auto_submitted = models.BooleanField(default=False)
    scored_at = models.DateTimeField(null=True, blank=True)
    score = models.FloatField(null=True, blank=True)
    max_score = models.FloatField(null=True, blank=True)
    percent = models.FloatField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    band = models.ForeignKey(
        ResultBand, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-started_at",)
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, invitation__isnull=True)
                | Q(user__isnull=True, invitation__isnull=False),
                name="assessments_attempt_one_taker",
            ),
            models.UniqueConstraint(
                fields=("user", "quiz"),
                condition=Q(status="in_progress", user__isnull=False),
                name="assessments_attempt_one_open_per_user",
            ),
            models.UniqueConstraint(
                fields=("invitation",),
                condition=Q(status="in_progress", invitation__isnull=False),
                name="assessments_attempt_one_open_per_invitation",
            ),
        ]
        indexes = [
            models.Index(fields=("status", "deadline")),
            models.Index(fields=("status", "submitted_at")),
            models.Index(fields=("user", "quiz")),
        ]

    def __str__(self) -> str:
        return f"Attempt {self.pk} on {self.quiz_version}"


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    choice_ids = models.JSONField(default=list, help_text=_("Ids of the chosen choices."))
    saved_at = models.DateTimeField(default=timezone.now)
    credit = models.FloatField(
        null=True, blank=True, help_text=_("0..1 once scored (partial credit for multiple).")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("attempt", "question"), name="assessments_answer_once"),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id} in {self.attempt_id}"


class ItemStatistic(models.Model):
    """Classical item analysis of one question, from its scored attempts (computed in Celery)."""

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="statistic")
    attempts = models.PositiveIntegerField()
    facility = models.FloatField(help_text=_("Mean credit, 0..1: how easy the question is."))
    discrimination = models.FloatField(
        help_text=_("Facility in the top 27% minus the bottom 27% by total score, -1..1.")
    )
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Q{self.question_id}: p={self.facility:.2f} D={self.discrimination:.2f}"


class QAFinding(models.Model):
    """A failed scorecard line on one of an agent's interactions (a ticket, chat or call)."""

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")
        CRITICAL = "critical", _("Critical")

    class Source(models.TextChoices):
        PAGE = "page", _("Recorded in Readiness")
        API = "api", _("API")
        CSV = "csv", _("CSV import")

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qa_findings"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="qa_findings_recorded",
    )
    interaction_ref = models.CharField(_("interaction"), max_length=200)
    criterion = models.CharField(_("scorecard criterion"), max_length=200)
    skill = models.ForeignKey("courses.Skill", on_delete=models.PROTECT, related_name="qa_findings")
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    note = models.TextField(_("note"), blank=True)
    occurred_at = models.DateTimeField(_("when it happened"))
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.PAGE)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("-occurred_at", "-pk")
        constraints = [
            # The same scorecard line on the same interaction is one finding (re-imports).
            models.UniqueConstraint(
                fields=("agent", "interaction_ref", "criterion"), name="assessments_finding_once"
            ),
        ]
        indexes = [
            models.Index(fields=("agent", "skill", "occurred_at")),
            models.Index(fields=("agent", "criterion", "occurred_at")),
        ]

    def __str__(self) -> str:
        return f"{self.criterion} on {self.interaction_ref} ({self.agent_id})"


class TrainingRule(models.Model):
    """N findings on a skill (or a scorecard criterion) within W days → a module, due in D
    days, at most once per C days per agent; assigned automatically or suggested to the lead."""

    class Mode(models.TextChoices):
        AUTO = "auto", _("Assign automatically")
        SUGGEST = "suggest", _("Suggest to the lead")

    name = models.CharField(_("name"), max_length=200)
    skill = models.ForeignKey(
        "courses.Skill", on_delete=models.CASCADE, null=True, blank=True, related_name="rules"
    )
    criterion = models.CharField(
        _("scorecard criterion"),
        max_length=200,
        blank=True,
        help_text=_("Match findings on this criterion instead of a skill."),
    )
    module = models.ForeignKey("courses.Module", on_delete=models.CASCADE, related_name="rules")
    threshold = models.PositiveSmallIntegerField(_("findings (N)"), default=3)
    window_days = models.PositiveSmallIntegerField(_("within days (W)"), default=30)
    cooldown_days = models.PositiveSmallIntegerField(_("cooldown days (C)"), default=30)
    due_days = models.PositiveSmallIntegerField(_("due in days (D)"), default=7)
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.SUGGEST)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                condition=(Q(skill__isnull=False) & Q(criterion=""))
                | (Q(skill__isnull=True) & ~Q(criterion="")),
                name="assessments_rule_skill_or_criterion",
            ),
            models.CheckConstraint(
                condition=Q(threshold__gte=1), name="assessments_rule_threshold"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TrainingSuggestion(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")

    rule = models.ForeignKey(TrainingRule, on_delete=models.CASCADE, related_name="suggestions")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_suggestions"
    )
    module = models.ForeignKey("courses.Module", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignment = models.ForeignKey(
        "courses.Assignment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("rule", "agent"),
                condition=Q(status="pending"),
                name="assessments_one_pending_suggestion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module} for {self.agent_id} ({self.status})"


class RuleFiring(models.Model):
    """A rule triggered for an agent: the cooldown counts from here, and "is it working"
    compares the agent's findings on ``skill`` before and after the training."""

    rule = models.ForeignKey(TrainingRule, on_delete=models.CASCADE, related_name="firings")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rule_firings"
    )
    skill = models.ForeignKey("courses.Skill", on_delete=models.CASCADE, related_name="+")
    fired_at = models.DateTimeField(default=timezone.now)
    finding_count = models.PositiveSmallIntegerField()
    assignment = models.ForeignKey(
        "courses.Assignment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    suggestion = models.OneToOneField(
        TrainingSuggestion, on_delete=models.SET_NULL, null=True, blank=True, related_name="firing"
    )

    class Meta:
        ordering = ("-fired_at",)
        indexes = [models.Index(fields=("rule", "agent", "fired_at"))]

    def __str__(self) -> str:
        return f"{self.rule} fired for {self.agent_id}"


class SkillEvidence(models.Model):
    """One piece of evidence about a person's skill: a scored answer, a QA finding or a
    completed module. ``alpha_part``/``beta_part`` are its contribution to the Beta belief,
    referenced to a fixed epoch (see ``assessments.skill_model``), so the projection is an
    exact sum that any order of updates, or a rebuild, reproduces to the last digit."""

    class Source(models.TextChoices):
        ANSWER = "answer", _("Quiz answer")
        QA_FINDING = "qa_finding", _("QA finding")
        MODULE = "module", _("Completed module")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_evidence"
    )
    skill = models.ForeignKey("courses.Skill", on_delete=models.CASCADE, related_name="evidence")
    outcome = models.FloatField(validators=[MinValueValidator(0.0), MaxValueValidator(1.0)])
    weight = models.FloatField(default=1.0)
    alpha_part = models.DecimalField(max_digits=24, decimal_places=9, default=0)
    beta_part = models.DecimalField(max_digits=24, decimal_places=9, default=0)
    source = models.CharField(max_length=12, choices=Source.choices)
    answer = models.ForeignKey(
        Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    finding = models.ForeignKey(
        QAFinding, on_delete=models.CASCADE, null=True, blank=True, related_name="evidence"
    )
    module = models.ForeignKey(
        "courses.Module", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    occurred_at = models.DateTimeField()
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("-occurred_at",)
        constraints = [
            models.UniqueConstraint(
                fields=("answer", "skill"),
                condition=Q(answer__isnull=False),
                name="assessments_evidence_once_per_answer",
            ),
            models.UniqueConstraint(
                fields=("finding", "skill"),
                condition=Q(finding__isnull=False),
                name="assessments_evidence_once_per_finding",
            ),
            models.UniqueConstraint(
                fields=("user", "module", "skill"),
                condition=Q(source="module"),
                name="assessments_evidence_once_per_module",
            ),
        ]
        indexes = [models.Index(fields=("user", "skill", "occurred_at"))]

    def __str__(self) -> str:
        return f"{self.user_id} {self.skill_id} {self.outcome:.2f}×{self.weight:g} ({self.source})"


class SkillProficiency(models.Model):
    """The projection: per user and skill, the sums of the evidence's parts. Rebuildable from
    ``SkillEvidence`` at any time (``manage.py rebuild_skill_profiles``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_proficiencies"
    )
    skill = models.ForeignKey("courses.Skill", on_delete=models.CASCADE, related_name="+")
    alpha = models.DecimalField(max_digits=30, decimal_places=9)
    beta = models.DecimalField(max_digits=30, decimal_places=9)
    evidence_count = models.PositiveIntegerField()
    last_evidence_at = models.DateTimeField(null=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("user", "skill"), name="assessments_proficiency_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.skill_id}: α={self.alpha} β={self.beta}"
