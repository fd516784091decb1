"""Quizzes and their immutable versions, attempts and answers, result bands, candidate
invitations and item statistics."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from assessments.scoring import ITEM_ANALYSIS_FEW_ATTEMPTS
from skills.models import Skill

# A language code as in ``settings.LANGUAGES`` ("en", "pl"); checked where it is entered.
LANGUAGE_MAX_LENGTH = 10


class QuizQuerySet(models.QuerySet["Quiz"]):
    def assessments(self) -> QuizQuerySet:
        """Quizzes that are taken (not practice banks)."""
        return self.filter(purpose=Quiz.Purpose.ASSESSMENT)

    def banks(self) -> QuizQuerySet:
        return self.filter(purpose=Quiz.Purpose.PRACTICE)


class Quiz(models.Model):
    """A quiz. Its questions live in versions; attempts always use one fixed version.

    A quiz whose ``purpose`` is ``practice`` is a *practice bank*: questions written for daily
    practice, grouped by their skills, authored and imported like any quiz's but never taken,
    assigned or sent to a candidate (``QuizQuerySet.assessments`` leaves it out of every list
    of quizzes). Its current published version is practised by every learner from day one.
    """

    class Purpose(models.TextChoices):
        ASSESSMENT = "assessment", _("Assessment (taken, assigned, sent to candidates)")
        PRACTICE = "practice", _("Practice bank (daily practice only)")

    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    purpose = models.CharField(
        _("purpose"),
        max_length=12,
        choices=Purpose.choices,
        default=Purpose.ASSESSMENT,
        help_text=_(
            "A practice bank is never taken as a quiz: its questions go to daily practice, "
            "for every learner, from day one."
        ),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = QuizQuerySet.as_manager()

    class Meta:
        ordering = ("title",)
        verbose_name = _("quiz")
        verbose_name_plural = _("quizzes")

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

    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="versions", verbose_name=_("quiz")
    )
    number = models.PositiveIntegerField(_("version"), editable=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
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
    language = models.CharField(
        _("language"),
        max_length=LANGUAGE_MAX_LENGTH,
        default="en",
        help_text=_(
            "The language the questions are written in. Translations into other languages "
            "are added below; a language is offered once every text is translated."
        ),
    )
    closes_at = models.DateTimeField(
        _("closes at"),
        null=True,
        blank=True,
        help_text=_(
            "No attempt starts after this time, and answers still open are submitted. For "
            "“after the quiz closes”, the review opens at this time."
        ),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("quiz", "-number")
        verbose_name = _("quiz version")
        verbose_name_plural = _("quiz versions")
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

    version = models.ForeignKey(
        QuizVersion, on_delete=models.CASCADE, related_name="questions", verbose_name=_("version")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    name = models.CharField(
        _("name"), max_length=200, blank=True, help_text=_("Optional; GIFT's “::name::”.")
    )
    text = models.TextField(_("scenario (Markdown)"))
    text_html = models.TextField(_("scenario (HTML)"), editable=False, default="")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices, default=Kind.SINGLE)
    weight = models.FloatField(_("weight"), default=1.0, validators=[MinValueValidator(0.0)])
    general_feedback = models.TextField(
        _("general feedback"),
        blank=True,
        help_text=_("Shown in the review with the explanations, whatever the answer."),
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="questions", verbose_name=_("skills")
    )
    sop_ref = models.CharField(
        _("explained in (SOP)"),
        max_length=200,
        blank=True,
        default="",
        validators=[
            RegexValidator(
                r"^[-a-zA-Z0-9_]+(#[-a-zA-Z0-9_]+)?$",
                _("An SOP slug, optionally with a heading anchor: refunds#sec-partial-refunds."),
            )
        ],
        help_text=_(
            "The SOP (and heading) that explains the answer, as slug#anchor; practice links to "
            "it after an answer. Empty: the SOPs of the question's skills."
        ),
    )
    content_hash = models.CharField(
        _("content fingerprint"),
        max_length=64,
        blank=True,
        editable=False,
        help_text=_("Set by a question-bank import: the same question is never imported twice."),
    )

    class Meta:
        ordering = ("version", "position", "pk")
        verbose_name = _("question")
        verbose_name_plural = _("questions")
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

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="choices", verbose_name=_("question")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
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
        verbose_name = _("option")
        verbose_name_plural = _("options")
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

    version = models.ForeignKey(
        QuizVersion, on_delete=models.CASCADE, related_name="bands", verbose_name=_("version")
    )
    min_score = models.FloatField(_("from (points)"))
    max_score = models.FloatField(_("to (points)"))
    label = models.CharField(_("label"), max_length=100)
    message = models.TextField(_("message"))

    class Meta:
        ordering = ("version", "-min_score")
        verbose_name = _("result band")
        verbose_name_plural = _("result bands")
        constraints = [
            models.UniqueConstraint(fields=("version", "min_score"), name="assessments_band_min"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.min_score:g}–{self.max_score:g})"


class CandidateInvitation(models.Model):
    """A link for someone without an account to take one quiz (signed, expiring, revocable)."""

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    email = models.EmailField(_("email"))
    name = models.CharField(_("name"), max_length=150, blank=True)
    quiz = models.ForeignKey(
        Quiz, on_delete=models.PROTECT, related_name="invitations", verbose_name=_("quiz")
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        related_name="candidate_invitations",
        verbose_name=_("team"),
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    erased_at = models.DateTimeField(
        _("personal data erased"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the candidate's name and email were erased (the attempt stays)."),
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    language = models.CharField(
        _("language"),
        max_length=LANGUAGE_MAX_LENGTH,
        default="en",
        help_text=_("The quiz, its pages and the invitation email are in this language."),
    )
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
        verbose_name = _("candidate invitation")
        verbose_name_plural = _("candidate invitations")
        indexes = [models.Index(fields=("team", "created_at"))]

    def __str__(self) -> str:
        return f"{self.email} → {self.quiz}"


class Attempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        SUBMITTED = "submitted", _("Submitted")
        SCORED = "scored", _("Scored")
        ABANDONED = "abandoned", _("Abandoned")

    id = models.UUIDField(_("ID"), primary_key=True, default=uuid.uuid4, editable=False)
    quiz = models.ForeignKey(
        Quiz, on_delete=models.CASCADE, related_name="attempts", verbose_name=_("quiz")
    )
    quiz_version = models.ForeignKey(
        QuizVersion,
        on_delete=models.PROTECT,
        related_name="attempts",
        verbose_name=_("quiz version"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attempts",
        verbose_name=_("person"),
    )
    invitation = models.ForeignKey(
        CandidateInvitation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attempts",
        verbose_name=_("candidate invitation"),
    )
    anonymous_taker = models.UUIDField(
        _("anonymous taker"),
        null=True,
        blank=True,
        editable=False,
        help_text=_(
            "Set when the person who took it was erased: their attempts share this random id "
            "instead of the person, so figures that count each taker's first attempt stay."
        ),
    )
    seed = models.PositiveIntegerField(
        _("seed"), help_text=_("Fixes the shuffled order for this attempt.")
    )
    language = models.CharField(
        _("language"),
        max_length=LANGUAGE_MAX_LENGTH,
        default="en",
        help_text=_("The language the quiz was taken in (its texts; scoring is the same)."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    auto_submitted = models.BooleanField(_("submitted automatically"), default=False)
    scored_at = models.DateTimeField(_("scored"), null=True, blank=True)
    score = models.FloatField(_("score"), null=True, blank=True)
    max_score = models.FloatField(_("maximum score"), null=True, blank=True)
    percent = models.FloatField(_("percent"), null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    band = models.ForeignKey(
        ResultBand,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("result band"),
    )

    class Meta:
        ordering = ("-started_at",)
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.CheckConstraint(  # a learner, a candidate, or a person since erased
                condition=Q(user__isnull=False, invitation__isnull=True)
                | Q(user__isnull=True, invitation__isnull=False)
                | Q(user__isnull=True, invitation__isnull=True, anonymous_taker__isnull=False),
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
        return gettext("Attempt %(id)s on %(version)s") % {
            "id": self.pk,
            "version": self.quiz_version,
        }


class Answer(models.Model):
    attempt = models.ForeignKey(
        Attempt, on_delete=models.CASCADE, related_name="answers", verbose_name=_("attempt")
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    choice_ids = models.JSONField(
        _("chosen options"), default=list, help_text=_("Ids of the chosen options.")
    )
    response_text = models.CharField(
        _("typed answer"),
        max_length=255,
        blank=True,
        help_text=_("Short-answer and numerical questions: the text."),
    )
    saved_at = models.DateTimeField(_("saved"), default=timezone.now)
    credit = models.FloatField(
        _("credit"),
        null=True,
        blank=True,
        help_text=_("0..1 once scored (partial credit: weights)."),
    )

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=("attempt", "question"), name="assessments_answer_once"),
        ]

    def __str__(self) -> str:
        return gettext("Answer to question %(question)s in attempt %(attempt)s") % {
            "question": self.question_id,
            "attempt": self.attempt_id,
        }


class ItemStatistic(models.Model):
    """Item analysis of one question with Moodle's definitions (``assessments.scoring.
    item_analysis``), from the version's scored attempts: each taker's first by default, all
    with ``settings.ITEM_ANALYSIS_ATTEMPTS = "all"``. Computed in Celery; stored only from
    ``ITEM_ANALYSIS_MIN_ATTEMPTS`` attempts."""

    question = models.OneToOneField(
        Question, on_delete=models.CASCADE, related_name="statistic", verbose_name=_("question")
    )
    attempts = models.PositiveIntegerField(_("attempts"), help_text=_("Attempts analysed (n)."))
    facility = models.FloatField(
        _("facility"), help_text=_("Mean credit, 0..1: how easy the question is.")
    )
    discrimination_index = models.FloatField(
        _("discrimination index"),
        null=True,
        blank=True,
        help_text=_(
            "100 × the correlation of the question's mark with the rest of the test, −100..100. "
            "Empty when the question or the rest has no variance."
        ),
    )
    discriminative_efficiency = models.FloatField(
        _("discriminative efficiency"),
        null=True,
        blank=True,
        help_text=_(
            "The discrimination index as a percentage of the highest one these marks allow. "
            "Empty when the question or the rest has no variance."
        ),
    )
    computed_at = models.DateTimeField(_("computed"), default=timezone.now)

    class Meta:
        verbose_name = _("item statistic")
        verbose_name_plural = _("item statistics")

    def __str__(self) -> str:
        return f"Q{self.question_id}: n={self.attempts} p={self.facility:.2f}"

    @property
    def few_attempts(self) -> bool:
        """Shown with a "few attempts" flag: fewer than ``ITEM_ANALYSIS_FEW_ATTEMPTS``."""
        return self.attempts < ITEM_ANALYSIS_FEW_ATTEMPTS


# --- translations -------------------------------------------------------------------------------
# A version's texts in another language. The questions, choices, keys, skills and bands stay
# the same rows, so scoring and item analysis are per question whatever the language taken.
# A language is offered once every text of the version has one (``selectors.
# quiz_version_languages``); a version copy takes its translations along.


class QuizVersionTranslation(models.Model):
    """The quiz's title and description in ``language``, for this version."""

    version = models.ForeignKey(
        QuizVersion,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("version"),
    )
    language = models.CharField(_("language"), max_length=LANGUAGE_MAX_LENGTH)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ("version", "language")
        verbose_name = _("quiz translation")
        verbose_name_plural = _("quiz translations")
        constraints = [
            models.UniqueConstraint(
                fields=("version", "language"), name="assessments_version_translation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.language}]"


class QuestionTranslation(models.Model):
    question = models.ForeignKey(
        Question,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("question"),
    )
    language = models.CharField(_("language"), max_length=LANGUAGE_MAX_LENGTH)
    text = models.TextField(_("scenario (Markdown)"))
    text_html = models.TextField(_("scenario (HTML)"), editable=False, default="")
    general_feedback = models.TextField(_("general feedback"), blank=True)

    class Meta:
        ordering = ("question", "language")
        verbose_name = _("question translation")
        verbose_name_plural = _("question translations")
        constraints = [
            models.UniqueConstraint(
                fields=("question", "language"), name="assessments_question_translation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.language}] {self.text[:60]}"


class ChoiceTranslation(models.Model):
    """A choice's text and explanation in ``language``. For short-answer questions the text is
    the accepted answer in that language."""

    choice = models.ForeignKey(
        Choice, on_delete=models.CASCADE, related_name="translations", verbose_name=_("option")
    )
    language = models.CharField(_("language"), max_length=LANGUAGE_MAX_LENGTH)
    text = models.CharField(_("text"), max_length=500)
    explanation = models.TextField(_("explanation"), blank=True)

    class Meta:
        ordering = ("choice", "language")
        verbose_name = _("option translation")
        verbose_name_plural = _("option translations")
        constraints = [
            models.UniqueConstraint(
                fields=("choice", "language"), name="assessments_choice_translation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.language}] {self.text[:60]}"


class ResultBandTranslation(models.Model):
    band = models.ForeignKey(
        ResultBand,
        on_delete=models.CASCADE,
        related_name="translations",
        verbose_name=_("result band"),
    )
    language = models.CharField(_("language"), max_length=LANGUAGE_MAX_LENGTH)
    label = models.CharField(_("label"), max_length=100)
    message = models.TextField(_("message"))

    class Meta:
        ordering = ("band", "language")
        verbose_name = _("result band translation")
        verbose_name_plural = _("result band translations")
        constraints = [
            models.UniqueConstraint(
                fields=("band", "language"), name="assessments_band_translation_once"
            ),
        ]

    def __str__(self) -> str:
        return f"[{self.language}] {self.label}"
