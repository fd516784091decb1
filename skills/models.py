"""Skills, role profiles with target levels, and the evidence behind each person's level.

``SkillEvidence`` is the log every estimate is computed from; it names its source (a scored
answer, a QA finding, a completed module) by kind and id, because those live in apps above
this one. ``SkillProficiency`` is a projection of the log, rebuildable at any time.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.models import TranslatedContent

LEVEL_VALIDATORS = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class Skill(TranslatedContent):
    # django-modeltranslation swaps the manager at start-up for one that reads the active
    # language; declared here so type checkers know it.
    objects: models.Manager[Skill] = models.Manager()
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ("position", "name")
        verbose_name = _("skill")
        verbose_name_plural = _("skills")

    def __str__(self) -> str:
        return self.name


class RoleProfile(TranslatedContent):
    """A rung of the career ladder: the level expected in each skill."""

    # django-modeltranslation swaps the manager at start-up for one that reads the active
    # language; declared here so type checkers know it.
    objects: models.Manager[RoleProfile] = models.Manager()
    slug = models.SlugField(_("slug"), unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    skills: models.ManyToManyField[Skill, SkillTarget] = models.ManyToManyField(
        Skill, through="SkillTarget", related_name="role_profiles", verbose_name=_("skills")
    )

    class Meta:
        ordering = ("position", "name")
        verbose_name = _("role profile")
        verbose_name_plural = _("role profiles")

    def __str__(self) -> str:
        return self.name


class SkillTarget(models.Model):
    role_profile = models.ForeignKey(
        RoleProfile,
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=_("role profile"),
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.CASCADE, related_name="targets", verbose_name=_("skill")
    )
    level = models.FloatField(
        _("target level"), validators=LEVEL_VALIDATORS, help_text=_("0 to 1, e.g. 0.7")
    )

    class Meta:
        ordering = ("role_profile", "skill__position")
        verbose_name = _("target level")
        verbose_name_plural = _("target levels")
        constraints = [
            models.UniqueConstraint(fields=("role_profile", "skill"), name="skills_target_unique"),
            models.CheckConstraint(
                condition=Q(level__gte=0) & Q(level__lte=1), name="skills_target_level_0_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_profile}: {self.skill} ≥ {self.level:.2f}"


class LearnerProfile(models.Model):
    """The role profile a person is measured against (their current or next rung)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="learner_profile",
        verbose_name=_("person"),
    )
    role_profile = models.ForeignKey(
        RoleProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="learners",
        verbose_name=_("role profile"),
    )

    class Meta:
        verbose_name = _("learner profile")
        verbose_name_plural = _("learner profiles")

    def __str__(self) -> str:
        return f"{self.user} → {self.role_profile or '—'}"


class SkillEvidence(models.Model):
    """One piece of evidence about a person's skill: a scored answer, a QA finding or a
    completed module, stored raw (outcome, weight, when): the decay is applied when the
    projection is computed and when it is read (see ``skills.skill_model``).

    The source is ``(source, source_id)``: the id of the answer, finding or module, each at
    most once per person and skill. ``params`` keeps what the evidence list shows about the
    source (quiz title, scorecard criterion …), written when the evidence is recorded."""

    class Source(models.TextChoices):
        ANSWER = "answer", _("Quiz answer")
        QA_FINDING = "qa_finding", _("QA finding")
        QA_PASS = "qa_pass", _("Passed QA category")
        MODULE = "module", _("Completed module")
        PRACTICE = "practice", _("Practice answer (lower weight)")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="skill_evidence",
        verbose_name=_("person"),
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("skill")
    )
    outcome = models.FloatField(
        _("outcome"), validators=[MinValueValidator(0.0), MaxValueValidator(1.0)]
    )
    weight = models.FloatField(_("weight"), default=1.0)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    source_id = models.BigIntegerField(
        _("source id"), help_text=_("Id of the answer, finding or module.")
    )
    params = models.JSONField(_("details"), default=dict, blank=True)
    occurred_at = models.DateTimeField(_("when"))
    occurred_day = models.FloatField(
        _("day"), help_text=_("The time as days since 2025-01-01, for the decay in SQL.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("-occurred_at",)
        verbose_name = _("skill evidence")
        verbose_name_plural = _("skill evidence")
        constraints = [
            models.UniqueConstraint(
                fields=("source", "source_id", "user", "skill"), name="skills_evidence_once"
            ),
        ]
        indexes = [models.Index(fields=("user", "skill", "occurred_at"))]

    def __str__(self) -> str:
        return f"{self.user_id} {self.skill_id} {self.outcome:.2f}×{self.weight:g} ({self.source})"


class SkillProficiency(models.Model):
    """The projection: per user and skill, Σa and Σb of the evidence as of ``anchor_day``
    (when it was computed). Rebuildable from ``SkillEvidence`` at any time
    (``manage.py rebuild_skill_profiles``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="skill_proficiencies",
        verbose_name=_("person"),
    )
    skill = models.ForeignKey(
        Skill, on_delete=models.CASCADE, related_name="+", verbose_name=_("skill")
    )
    alpha = models.FloatField("α")
    beta = models.FloatField("β")
    anchor_day = models.FloatField(
        _("computed on (day)"), help_text=_("When α and β were computed (days since 2025).")
    )
    evidence_count = models.PositiveIntegerField(_("pieces of evidence"))
    last_evidence_at = models.DateTimeField(_("last evidence"), null=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("skill level")
        verbose_name_plural = _("skill levels")
        constraints = [
            models.UniqueConstraint(fields=("user", "skill"), name="skills_proficiency_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.skill_id}: α={self.alpha} β={self.beta}"
