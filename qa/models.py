"""QA findings, the training rules they trigger, and the suggestions leads decide on."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.models import Team
from courses.models import Assignment, Module
from skills.models import Skill

RATING_SCALES = [
    ("binary", _("Pass / fail")),
    ("3", _("3-point (1–3)")),
    ("4", _("4-point (1–4)")),
    ("5", _("5-point (1–5)")),
    ("percent", _("Percentage (0–100)")),
]


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
        REVIEW = "review", _("QA review import")
        WEBHOOK = "webhook", _("QA review webhook")

    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="qa_findings",
        verbose_name=_("agent"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="qa_findings_recorded",
        verbose_name=_("reviewer"),
    )
    interaction_ref = models.CharField(_("interaction"), max_length=200)
    criterion = models.CharField(_("scorecard criterion"), max_length=200)
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="qa_findings", verbose_name=_("skill")
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    note = models.TextField(_("note"), blank=True)
    occurred_at = models.DateTimeField(_("when it happened"))
    source = models.CharField(
        _("source"), max_length=8, choices=Source.choices, default=Source.PAGE
    )
    review_source = models.ForeignKey(
        "ReviewSource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="findings",
        verbose_name=_("QA tool source"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("-occurred_at", "-pk")
        verbose_name = _("QA finding")
        verbose_name_plural = _("QA findings")
        constraints = [
            # The same scorecard line on the same interaction is one finding (re-imports).
            models.UniqueConstraint(
                fields=("agent", "interaction_ref", "criterion"), name="qa_finding_once"
            ),
        ]
        indexes = [
            models.Index(fields=("agent", "skill", "occurred_at")),
            models.Index(fields=("agent", "criterion", "occurred_at")),
        ]

    def __str__(self) -> str:
        return gettext("%(criterion)s on %(interaction)s (%(agent)s)") % {
            "criterion": self.criterion,
            "interaction": self.interaction_ref,
            "agent": self.agent_id,
        }


class TrainingRule(models.Model):
    """N findings on a skill (or a scorecard criterion) within W days → a module, due in D
    days, at most once per C days per agent; assigned automatically or suggested to the lead."""

    class Mode(models.TextChoices):
        AUTO = "auto", _("Assign automatically")
        SUGGEST = "suggest", _("Suggest to the lead")

    name = models.CharField(_("name"), max_length=200)
    skill = models.ForeignKey(
        Skill,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name=_("skill"),
    )
    criterion = models.CharField(
        _("scorecard criterion"),
        max_length=200,
        blank=True,
        help_text=_("Match findings on this criterion instead of a skill."),
    )
    review_source = models.ForeignKey(
        "ReviewSource",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
        verbose_name=_("only findings from"),
        help_text=_("Count only the findings imported from this QA tool source."),
    )
    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="rules", verbose_name=_("module")
    )
    threshold = models.PositiveSmallIntegerField(_("findings (N)"), default=3)
    window_days = models.PositiveSmallIntegerField(_("within days (W)"), default=30)
    cooldown_days = models.PositiveSmallIntegerField(_("cooldown days (C)"), default=30)
    due_days = models.PositiveSmallIntegerField(_("due in days (D)"), default=7)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices, default=Mode.SUGGEST)
    is_active = models.BooleanField(_("active"), default=True)
    holdout_percent = models.PositiveSmallIntegerField(
        _("held out (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "When the rule fires, this share of agents, drawn at random, gets no training or "
            "suggestion for a while. “Is it working?” compares trained agents with them."
        ),
    )
    holdout_days = models.PositiveSmallIntegerField(
        _("held out for days"),
        default=30,
        validators=[MinValueValidator(1)],
        help_text=_("How long a held-out agent gets no training from this rule."),
    )

    class Meta:
        ordering = ("name",)
        verbose_name = _("training rule")
        verbose_name_plural = _("training rules")
        constraints = [
            models.CheckConstraint(
                condition=(Q(skill__isnull=False) & Q(criterion=""))
                | (Q(skill__isnull=True) & ~Q(criterion="")),
                name="qa_rule_skill_or_criterion",
            ),
            models.CheckConstraint(condition=Q(threshold__gte=1), name="qa_rule_threshold"),
            models.CheckConstraint(
                condition=Q(holdout_percent__lte=100), name="qa_rule_holdout_percent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class TrainingSuggestion(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        ACCEPTED = "accepted", _("Accepted")
        DISMISSED = "dismissed", _("Dismissed")

    rule = models.ForeignKey(
        TrainingRule,
        on_delete=models.CASCADE,
        related_name="suggestions",
        verbose_name=_("training rule"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="training_suggestions",
        verbose_name=_("agent"),
    )
    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="+", verbose_name=_("module")
    )
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignment"),
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("training suggestion")
        verbose_name_plural = _("training suggestions")
        constraints = [
            models.UniqueConstraint(
                fields=("rule", "agent"),
                condition=Q(status="pending"),
                name="qa_one_pending_suggestion",
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(module)s for %(agent)s (%(status)s)") % {
            "module": self.module,
            "agent": self.agent_id,
            "status": self.get_status_display(),
        }


class RuleFiring(models.Model):
    """A rule triggered for an agent: the cooldown counts from here, and "is it working"
    compares the agent's findings on ``skill`` before and after the training. A firing held
    out (``held_out_until``) led to nothing: the agent is in the comparison group."""

    rule = models.ForeignKey(
        TrainingRule,
        on_delete=models.CASCADE,
        related_name="firings",
        verbose_name=_("training rule"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="rule_firings",
        verbose_name=_("agent"),
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.CASCADE, related_name="+", verbose_name=_("skill")
    )
    fired_at = models.DateTimeField(_("fired"), default=timezone.now)
    finding_count = models.PositiveSmallIntegerField(_("findings"))
    assignment = models.ForeignKey(
        Assignment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("assignment"),
    )
    suggestion = models.OneToOneField(
        TrainingSuggestion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="firing",
        verbose_name=_("suggestion"),
    )
    held_out_until = models.DateTimeField(_("held out until"), null=True, blank=True)

    class Meta:
        ordering = ("-fired_at",)
        verbose_name = _("rule firing")
        verbose_name_plural = _("rule firings")
        indexes = [models.Index(fields=("rule", "agent", "fired_at"))]

    def __str__(self) -> str:
        return gettext("%(rule)s fired for %(agent)s") % {"rule": self.rule, "agent": self.agent_id}


class ReviewSource(models.Model):
    """A QA tool's review export (or webhook) as one team's leads mapped it once: which column
    holds what, the shape of the file, and the defaults for categories seen for the first time.
    The webhook's secret is never stored: it is derived from ``SECRET_KEY`` and
    ``secret_salt`` (rotating draws a new salt)."""

    class Shape(models.TextChoices):
        LONG = "long", _("One row per review and category (with the rating)")
        WIDE = "wide", _("One row per review, one column per category")

    class AgentMatch(models.TextChoices):
        EMAIL = "email", _("Email address")
        NAME = "name", _("Full name")

    class Encoding(models.TextChoices):
        AUTO = "auto", _("Detect (UTF-8, else Windows-1252 / Latin-1)")
        UTF8 = "utf-8", _("UTF-8")
        CP1252 = "cp1252", _("Windows-1252 / Latin-1 (Western Europe)")
        CP1250 = "cp1250", _("Windows-1250 (Central Europe)")

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="qa_review_sources", verbose_name=_("team")
    )
    name = models.CharField(_("name"), max_length=100)
    shape = models.CharField(_("shape"), max_length=4, choices=Shape.choices, default=Shape.LONG)
    columns = models.JSONField(
        _("columns"), default=dict, blank=True, help_text=_("Which column holds what.")
    )
    agent_match = models.CharField(
        _("agents are named by"), max_length=5, choices=AgentMatch.choices, default="email"
    )
    encoding = models.CharField(
        _("text encoding"), max_length=8, choices=Encoding.choices, default=Encoding.AUTO
    )
    default_scale = models.CharField(
        _("usual rating scale"), max_length=8, choices=RATING_SCALES, default="4"
    )
    na_values = models.CharField(
        _("ratings meaning N/A"),
        max_length=200,
        default="n/a, na, -, not applicable",
        blank=True,
        help_text=_("Comma-separated; an empty rating is always N/A."),
    )
    webhook_enabled = models.BooleanField(_("webhook on"), default=False)
    secret_salt = models.CharField(_("secret salt"), max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_received_at = models.DateTimeField(
        _("last received"), null=True, blank=True, editable=False
    )

    class Meta:
        ordering = ("name", "pk")
        verbose_name = _("QA tool source")
        verbose_name_plural = _("QA tool sources")
        constraints = [
            models.UniqueConstraint(fields=("team", "name"), name="qa_review_source_name"),
        ]

    def __str__(self) -> str:
        return self.name


class ReviewCategory(models.Model):
    """One rating category (scorecard line) of a source: its skill (or ignored), its scale,
    the pass mark, and whether failing it fails the whole review (critical)."""

    source = models.ForeignKey(
        ReviewSource,
        on_delete=models.CASCADE,
        related_name="categories",
        verbose_name=_("QA tool source"),
    )
    name = models.CharField(_("category"), max_length=200)
    key = models.CharField(_("key"), max_length=200, editable=False)
    skill = models.ForeignKey(
        Skill,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skill"),
    )
    ignored = models.BooleanField(_("ignore"), default=False)
    scale = models.CharField(_("scale"), max_length=8, choices=RATING_SCALES, default="4")
    pass_mark = models.FloatField(_("pass mark"))
    critical = models.BooleanField(_("critical"), default=False)
    weight = models.FloatField(
        _("weight"),
        default=1.0,
        validators=[MinValueValidator(0.0), MaxValueValidator(10.0)],
        help_text=_("Multiplies the evidence of this category (1 = like a finding)."),
    )

    class Meta:
        ordering = ("name", "pk")
        verbose_name = _("review category")
        verbose_name_plural = _("review categories")
        constraints = [
            models.UniqueConstraint(fields=("source", "key"), name="qa_review_category_once"),
            models.CheckConstraint(
                condition=Q(ignored=True) | Q(skill__isnull=False),
                name="qa_review_category_skill_or_ignored",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ReviewRating(models.Model):
    """One category of one review, imported once per (source, review, category): a failed
    rating points at its finding, a passed one is positive skill evidence (its id is the
    evidence's ``source_id``). N/A and ignored categories are not stored."""

    class Result(models.TextChoices):
        PASSED = "pass", _("Passed")
        FAILED = "fail", _("Failed")

    source = models.ForeignKey(
        ReviewSource,
        on_delete=models.CASCADE,
        related_name="ratings",
        verbose_name=_("QA tool source"),
    )
    review_ref = models.CharField(_("review"), max_length=200)
    category = models.CharField(_("category"), max_length=200)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,  # an erased agent's ratings stay, anonymous (docs/privacy.md)
        related_name="qa_review_ratings",
        verbose_name=_("agent"),
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.PROTECT, related_name="+", verbose_name=_("skill")
    )
    interaction_ref = models.CharField(_("interaction"), max_length=200)
    rating = models.CharField(_("rating"), max_length=50)
    result = models.CharField(_("result"), max_length=4, choices=Result.choices)
    severity = models.CharField(_("severity"), max_length=10, blank=True)
    finding = models.ForeignKey(
        QAFinding,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("QA finding"),
    )
    reviewer_name = models.CharField(_("reviewer"), max_length=200, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    root_cause = models.CharField(_("root cause"), max_length=200, blank=True)
    occurred_at = models.DateTimeField(_("when it happened"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("-occurred_at", "-pk")
        verbose_name = _("review rating")
        verbose_name_plural = _("review ratings")
        constraints = [
            models.UniqueConstraint(
                fields=("source", "review_ref", "category"), name="qa_review_rating_once"
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(category)s on %(review)s: %(rating)s") % {
            "category": self.category,
            "review": self.review_ref,
            "rating": self.rating,
        }


class WebhookDelivery(models.Model):
    """A signed webhook request already accepted (its signature), so a replay is refused."""

    source = models.ForeignKey(
        ReviewSource, on_delete=models.CASCADE, related_name="+", verbose_name=_("QA tool source")
    )
    signature = models.CharField(_("signature"), max_length=64)
    received_at = models.DateTimeField(_("received"), default=timezone.now)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=("source", "signature"), name="qa_webhook_once"),
        ]
        indexes = [models.Index(fields=("received_at",))]

    def __str__(self) -> str:
        return gettext("%(source)s at %(received)s") % {
            "source": self.source_id,
            "received": f"{self.received_at:%Y-%m-%d %H:%M:%S}",
        }
