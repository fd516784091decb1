"""QA findings, the training rules they trigger, and the suggestions leads decide on."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from courses.models import Assignment, Module
from skills.models import Skill


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
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="qa_findings")
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
                fields=("agent", "interaction_ref", "criterion"), name="qa_finding_once"
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
        Skill, on_delete=models.CASCADE, null=True, blank=True, related_name="rules"
    )
    criterion = models.CharField(
        _("scorecard criterion"),
        max_length=200,
        blank=True,
        help_text=_("Match findings on this criterion instead of a skill."),
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="rules")
    threshold = models.PositiveSmallIntegerField(_("findings (N)"), default=3)
    window_days = models.PositiveSmallIntegerField(_("within days (W)"), default=30)
    cooldown_days = models.PositiveSmallIntegerField(_("cooldown days (C)"), default=30)
    due_days = models.PositiveSmallIntegerField(_("due in days (D)"), default=7)
    mode = models.CharField(max_length=8, choices=Mode.choices, default=Mode.SUGGEST)
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

    rule = models.ForeignKey(TrainingRule, on_delete=models.CASCADE, related_name="suggestions")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="training_suggestions"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    assignment = models.ForeignKey(
        Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ("-created_at", "-pk")
        constraints = [
            models.UniqueConstraint(
                fields=("rule", "agent"),
                condition=Q(status="pending"),
                name="qa_one_pending_suggestion",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.module} for {self.agent_id} ({self.status})"


class RuleFiring(models.Model):
    """A rule triggered for an agent: the cooldown counts from here, and "is it working"
    compares the agent's findings on ``skill`` before and after the training. A firing held
    out (``held_out_until``) led to nothing: the agent is in the comparison group."""

    rule = models.ForeignKey(TrainingRule, on_delete=models.CASCADE, related_name="firings")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rule_firings"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+")
    fired_at = models.DateTimeField(default=timezone.now)
    finding_count = models.PositiveSmallIntegerField()
    assignment = models.ForeignKey(
        Assignment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    suggestion = models.OneToOneField(
        TrainingSuggestion, on_delete=models.SET_NULL, null=True, blank=True, related_name="firing"
    )
    held_out_until = models.DateTimeField(_("held out until"), null=True, blank=True)

    class Meta:
        ordering = ("-fired_at",)
        indexes = [models.Index(fields=("rule", "agent", "fired_at"))]

    def __str__(self) -> str:
        return f"{self.rule} fired for {self.agent_id}"
