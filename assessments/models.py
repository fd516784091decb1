"""Quizzes and their immutable versions, attempts and answers, result bands, candidate
invitations and item statistics."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from assessments.scoring import ITEM_ANALYSIS_FEW_ATTEMPTS
from skills.models import Skill


class Quiz(models.Model):
    """A quiz. Its questions live in versions; attempts always use one fixed version."""

    slug = models.SlugField(unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
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
        """When a taker sees the review (Moodle's review options, as one choice).

        ``AFTER_LAST_ATTEMPT`` shows the score after each attempt but which answers were right
        and the explanations only once the taker can't answer again: no attempt left and none
        in progress, or the quiz closed (``selectors.review_visibility``). Passing early does
        not open it: the attempts left would still score, and record skill evidence.
        """

        IMMEDIATELY = "immediately", _("Immediately after each attempt")
        AFTER_LAST_ATTEMPT = "after_last", _("After the last attempt")
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
        # the safe choice; with one attempt it opens right after that attempt
        default=ReviewWhen.AFTER_LAST_ATTEMPT,
        help_text=_(
            "“After the last attempt”: the score after each attempt; which answers were right "
            "and the explanations once no attempt is left or the quiz has closed. "
            "“Immediately” with more than one attempt lets people answer their next attempt "
            "from the review."
        ),
    )
    review_score = models.BooleanField(_("show the score and band"), default=True)
    review_correctness = models.BooleanField(_("show which answers were right"), default=True)
    review_explanations = models.BooleanField(_("show explanations"), default=True)
    closes_at = models.DateTimeField(
        _("closes at"),
        null=True,
        blank=True,
        help_text=_(
            "No attempt starts after this time, and answers still open are submitted. For "
            "“after the quiz closes”, the review opens at this time."
        ),
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
        SHORT_ANSWER = "short_answer", _("Short answer")
        NUMERICAL = "numerical", _("Numerical")

    # Kinds answered by typing: their "choices" are the accepted answers, never shown to takers.
    TEXT_KINDS = frozenset({Kind.SHORT_ANSWER, Kind.NUMERICAL})

    version = models.ForeignKey(QuizVersion, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(default=0)
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("Optional; GIFT's “::name::”.")
    )
    text = models.TextField(_("scenario (Markdown)"))
    text_html = models.TextField(editable=False, default="")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.SINGLE)
    weight = models.FloatField(default=1.0, validators=[MinValueValidator(0.0)])
    general_feedback = models.TextField(
        _("general feedback"),
        blank=True,
        help_text=_("Shown in the review with the explanations, whatever the answer."),
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="questions")
    content_hash = models.CharField(
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Set by a question-bank import: the same question is never imported twice."),
    )

    class Meta:
        ordering = ("version", "position", "pk")
        constraints = [
            models.UniqueConstraint(
                fields=("version", "content_hash"),
                condition=~Q(content_hash=""),
                name="assessments_question_imported_once",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_text_kind(self) -> bool:
        return self.kind in self.TEXT_KINDS


class Choice(models.Model):
    """A choice of a choice question, or an accepted answer of a short-answer or numerical one.

    ``fraction`` is the share of the question's mark the choice earns, −1 … 1 (Moodle's
    answer grade: ``~%50%`` is 0.5). Empty means "from ``is_correct``" by the classic rules
    (``scoring.choice_fractions``), which is what every choice written before weights existed
    has, so their scores never changed. When set, ``is_correct`` is kept equal to
    ``fraction > 0``.
    """

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.CharField(_("text"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)
    fraction = models.FloatField(
        _("weight"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-1.0), MaxValueValidator(1.0)],
        help_text=_(
            "−1 … 1: the share of the mark this answer earns (0.5 is 50%). Empty: from "
            "“correct” (multiple response: each right choice earns its share, each wrong one "
            "takes a share away)."
        ),
    )
    value = models.FloatField(
        _("value"), null=True, blank=True, help_text=_("Numerical questions: the right number.")
    )
    tolerance = models.FloatField(
        _("tolerance"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0)],
        help_text=_("Numerical questions: answers within value ± tolerance count."),
    )
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        ordering = ("question", "position", "pk")
        constraints = [
            models.CheckConstraint(
                condition=Q(fraction__isnull=True) | Q(fraction__gte=-1, fraction__lte=1),
                name="assessments_choice_fraction_range",
            ),
        ]

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
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="candidate_invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    share_results_xapi = models.BooleanField(
        _("send the result to the learning record store"),
        default=False,
        help_text=_(
            "Only with the candidate's agreement: their email, name and result are sent as "
            "xAPI statements (docs/xapi.md). Only used when xAPI is configured."
        ),
    )

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
    response_text = models.CharField(
        max_length=255, blank=True, help_text=_("Short-answer and numerical questions: the text.")
    )
    saved_at = models.DateTimeField(default=timezone.now)
    credit = models.FloatField(
        null=True, blank=True, help_text=_("0..1 once scored (partial credit: weights).")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("attempt", "question"), name="assessments_answer_once"),
        ]

    def __str__(self) -> str:
        return f"Answer to {self.question_id} in {self.attempt_id}"


class ItemStatistic(models.Model):
    """Item analysis of one question with Moodle's definitions (``assessments.scoring.
    item_analysis``), from the version's scored attempts: each taker's first by default, all
    with ``settings.ITEM_ANALYSIS_ATTEMPTS = "all"``. Computed in Celery; stored only from
    ``ITEM_ANALYSIS_MIN_ATTEMPTS`` attempts."""

    question = models.OneToOneField(Question, on_delete=models.CASCADE, related_name="statistic")
    attempts = models.PositiveIntegerField(help_text=_("Attempts analysed (n)."))
    facility = models.FloatField(help_text=_("Mean credit, 0..1: how easy the question is."))
    discrimination_index = models.FloatField(
        null=True,
        blank=True,
        help_text=_(
            "100 × the correlation of the question's mark with the rest of the test, −100..100. "
            "Empty when the question or the rest has no variance."
        ),
    )
    discriminative_efficiency = models.FloatField(
        null=True,
        blank=True,
        help_text=_(
            "The discrimination index as a percentage of the highest one these marks allow. "
            "Empty when the question or the rest has no variance."
        ),
    )
    computed_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Q{self.question_id}: n={self.attempts} p={self.facility:.2f}"

    @property
    def few_attempts(self) -> bool:
        """Shown with a "few attempts" flag: fewer than ``ITEM_ANALYSIS_FEW_ATTEMPTS``."""
        return self.attempts < ITEM_ANALYSIS_FEW_ATTEMPTS
