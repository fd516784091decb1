"""Readiness criteria per role profile, each version kept, and the decisions leads record.

``Criteria`` belongs to the role profile someone steps up to ("Live chat agent", "Customer
Service Lead"); ``from_roles`` names who works towards it (people measured against those
profiles). Each edit makes a new ``CriteriaVersion`` whose ``Criterion`` rows never change, so a
``Decision`` can name the version it was judged by. A decision is never edited: revoking it is
a new record. ``Regression`` is the daily sweep's alert that someone decided ready no longer
meets a criterion.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Quiz
from core.models import TranslatedContent
from courses.models import SOP, Module
from skills.models import RoleProfile, Skill


class Criteria(models.Model):
    role_profile = models.OneToOneField(
        RoleProfile,
        on_delete=models.CASCADE,
        related_name="readiness_criteria",
        verbose_name=_("role profile"),
    )
    from_roles: models.ManyToManyField[RoleProfile, models.Model] = models.ManyToManyField(
        RoleProfile,
        blank=True,
        related_name="+",
        verbose_name=_("who works towards it"),
        help_text=_("People measured against these role profiles work towards this role."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("role_profile__position", "role_profile__name")
        verbose_name = _("readiness criteria")
        verbose_name_plural = _("readiness criteria")

    def __str__(self) -> str:
        return str(self.role_profile)


class CriteriaVersion(models.Model):  # type: ignore[django-manager-missing]
    criteria = models.ForeignKey(
        Criteria, on_delete=models.CASCADE, related_name="versions", verbose_name=_("criteria")
    )
    number = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )
    change = models.CharField(_("what changed"), max_length=300, blank=True)

    class Meta:
        ordering = ("criteria", "-number")
        verbose_name = _("criteria version")
        verbose_name_plural = _("criteria versions")
        constraints = [
            models.UniqueConstraint(fields=("criteria", "number"), name="readiness_version_once"),
        ]

    def __str__(self) -> str:
        return f"{self.criteria} v{self.number}"


class Kind(models.TextChoices):
    ONBOARDING = "onboarding", _("Onboarding plan signed off")
    SOPS = "sops", _("SOPs acknowledged at their current version")
    MODULES = "modules", _("Modules completed")
    QUIZ = "quiz", _("Quiz passed")
    SKILL = "skill", _("Skill at the role's target")
    QA_CRITICAL = "qa_critical", _("No critical QA finding")
    QA_PASS_RATE = "qa_pass_rate", _("QA pass rate")
    SIGNOFF = "signoff", _("Lead sign-off")


class Criterion(TranslatedContent):  # type: ignore[django-manager-missing]
    """One line of a criteria version. Which fields matter depends on ``kind``
    (``readiness.forms.CriterionForm`` checks them); ``key`` stays the same across versions,
    so a lead's sign-off outlives an edit of the other lines."""

    version = models.ForeignKey(
        CriteriaVersion, on_delete=models.CASCADE, related_name="items", verbose_name=_("version")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    key = models.CharField(_("key"), max_length=32, default="", editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    label = models.CharField(
        _("label"),
        max_length=200,
        blank=True,
        help_text=_("Required for a sign-off, e.g. “Shadowed three escalations”."),
    )
    count = models.PositiveSmallIntegerField(
        _("steps done (N)"),
        null=True,
        blank=True,
        help_text=_("Onboarding: empty for a signed-off plan, else N of its steps done."),
    )
    sops: models.ManyToManyField[SOP, models.Model] = models.ManyToManyField(
        SOP, blank=True, related_name="+", verbose_name=_("SOPs")
    )
    modules: models.ManyToManyField[Module, models.Model] = models.ManyToManyField(
        Module, blank=True, related_name="+", verbose_name=_("modules")
    )
    quiz = models.ForeignKey(
        Quiz,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"purpose": "assessment"},
        verbose_name=_("quiz"),
    )
    min_band = models.CharField(
        _("at least the band"),
        max_length=100,
        blank=True,
        help_text=_("Quiz: a result band's label; empty for the pass mark."),
    )
    within_days = models.PositiveSmallIntegerField(
        _("within the last (days)"), null=True, blank=True
    )
    skill = models.ForeignKey(
        Skill,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skill"),
    )
    categories = models.JSONField(
        _("QA categories"),
        default=list,
        blank=True,
        help_text=_("QA pass rate: the category names; empty for every category."),
    )
    min_rate = models.FloatField(
        _("pass rate at least"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
    )
    min_count = models.PositiveSmallIntegerField(
        _("over at least (interactions)"), null=True, blank=True
    )

    class Meta:
        ordering = ("version", "position", "pk")
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria lines")

    def __str__(self) -> str:
        return self.label or self.get_kind_display()

    def save(self, *args: object, **kwargs: object) -> None:
        if not self.key:
            self.key = uuid.uuid4().hex
        super().save(*args, **kwargs)


class SignOff(models.Model):
    """A lead's sign-off of a human criterion for one person (kept across criteria versions by
    the criterion's ``key``); withdrawing it deletes it."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="readiness_signoffs",
        verbose_name=_("person"),
    )
    criteria = models.ForeignKey(
        Criteria, on_delete=models.CASCADE, related_name="signoffs", verbose_name=_("criteria")
    )
    key = models.CharField(_("criterion"), max_length=32)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("signed by"),
    )
    signed_at = models.DateTimeField(_("signed"), default=timezone.now)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        constraints = [
            models.UniqueConstraint(
                fields=("person", "criteria", "key"), name="readiness_signoff_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.criteria_id} {self.key}"


class Verdict(models.TextChoices):
    MET = "met", _("Met")
    NOT_MET = "not_met", _("Not met")
    UNSURE = "unsure", _("Not enough evidence")
    CANNOT = "cannot", _("Cannot be judged")


class Decision(models.Model):
    """A lead's decision, with every criterion's verdict and evidence frozen in ``snapshot``.
    Never edited: a revocation is a new decision pointing at the one it revokes."""

    class Outcome(models.TextChoices):
        READY = "ready", _("Ready")
        NOT_YET = "not_yet", _("Not yet")
        REVOKED = "revoked", _("Withdrawn")

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="readiness_decisions",
        verbose_name=_("person"),
    )
    criteria = models.ForeignKey(
        Criteria, on_delete=models.PROTECT, related_name="decisions", verbose_name=_("role")
    )
    version = models.ForeignKey(
        CriteriaVersion,
        on_delete=models.PROTECT,
        related_name="decisions",
        verbose_name=_("criteria version"),
    )
    outcome = models.CharField(_("decision"), max_length=8, choices=Outcome.choices)
    verdict = models.CharField(
        _("criteria verdict then"), max_length=8, choices=Verdict.choices, blank=True
    )
    overridden = models.BooleanField(
        _("ready despite unmet criteria"), default=False, editable=False
    )
    reason = models.TextField(_("reason"), blank=True)
    plan = models.TextField(_("plan"), blank=True)
    snapshot = models.JSONField(_("evidence then"), default=list, editable=False)
    revokes = models.OneToOneField(
        "self",
        on_delete=models.CASCADE,  # only an erasure deletes decisions, all of a person's
        null=True,
        blank=True,
        related_name="revoked_by",
        verbose_name=_("revokes"),
    )
    assignment_id = models.BigIntegerField(_("training assigned"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("-decided_at", "-pk")
        verbose_name = _("readiness decision")
        verbose_name_plural = _("readiness decisions")
        indexes = [models.Index(fields=("person", "criteria", "decided_at"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="revoked", revokes__isnull=False)
                | (~Q(outcome="revoked") & Q(revokes__isnull=True)),
                name="readiness_decision_revokes_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.criteria_id} {self.outcome} {self.decided_at:%Y-%m-%d}"


class Regression(models.Model):
    """Someone decided ready who no longer meets a criterion, found by the daily sweep. One
    per decision; ``resolved_at`` is set when the criteria are met again."""

    decision = models.OneToOneField(
        Decision, on_delete=models.CASCADE, related_name="regression", verbose_name=_("decision")
    )
    found_at = models.DateTimeField(_("found"), default=timezone.now)
    failing = models.JSONField(_("failing criteria"), default=list)
    resolved_at = models.DateTimeField(_("met again"), null=True, blank=True)

    class Meta:
        ordering = ("-found_at",)
        verbose_name = _("readiness regression")
        verbose_name_plural = _("readiness regressions")

    def __str__(self) -> str:
        return f"{self.decision_id} since {self.found_at:%Y-%m-%d}"
