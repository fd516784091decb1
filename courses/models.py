"""Versioned SOPs, modules with lessons, and the training assigned to people."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models import Quiz
from core.models import TranslatedContent
from skills.models import Skill


class SOP(models.Model):
    """A standard operating procedure; its text lives in immutable published versions."""

    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(
        _("language"),
        max_length=10,
        default="en",
        help_text=_("The language it is written in: people see SOPs in their language first."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("title",)
        verbose_name = _("SOP")
        verbose_name_plural = _("SOPs")

    def __str__(self) -> str:
        return self.title


class SOPVersion(models.Model):
    """One text of an SOP. Drafts can be edited; a published version never changes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    sop = models.ForeignKey(
        SOP, on_delete=models.CASCADE, related_name="versions", verbose_name=_("SOP")
    )
    number = models.PositiveIntegerField(
        _("version"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Given when published: 1, 2, 3…"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    body = models.TextField(_("text (Markdown)"))
    body_html = models.TextField(_("text (HTML)"), editable=False, default="")
    change_summary = models.CharField(
        _("what changed"), max_length=300, help_text=_("One line, shown to readers.")
    )
    requires_reack = models.BooleanField(
        _("requires re-acknowledgement"),
        default=False,
        help_text=_(
            "Everyone who acknowledged an older version must read and acknowledge this one."
        ),
    )

    class ReackScope(models.TextChoices):
        EVERYONE = "everyone", _("Everyone who read an older version")
        BELOW_TARGET = "below_target", _("Only those not yet shown at target on its skills")

    reack_scope = models.CharField(
        _("who must re-read"),
        max_length=12,
        choices=ReackScope.choices,
        default=ReackScope.EVERYONE,
        help_text=_(
            "With re-acknowledgement: everyone, or only those whose skill level on this "
            "version's skills is not shown at their role's target (the lower end of its likely "
            "range below the target, or not enough evidence)."
        ),
    )
    skills = models.ManyToManyField(
        Skill,
        blank=True,
        related_name="sop_versions",
        verbose_name=_("skills"),
        help_text=_("The skills this SOP teaches: findings and practice on them link here."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True, editable=False)
    reack_assigned_at = models.DateTimeField(
        _("re-acknowledgement assigned"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When re-acknowledgement was assigned (the sweep retries until it is set)."),
    )

    class Meta:
        ordering = ("sop", "-number")
        verbose_name = _("SOP version")
        verbose_name_plural = _("SOP versions")
        constraints = [
            models.UniqueConstraint(fields=("sop", "number"), name="courses_sopversion_number"),
            models.UniqueConstraint(
                fields=("sop",),
                condition=Q(status="draft"),
                name="courses_sopversion_one_draft",
            ),
            models.CheckConstraint(
                condition=Q(status="draft", number__isnull=True, published_at__isnull=True)
                | Q(status="published", number__isnull=False, published_at__isnull=False),
                name="courses_sopversion_published_has_number",
            ),
        ]

    def __str__(self) -> str:
        label = f"v{self.number}" if self.number else _("draft")
        return f"{self.sop.title} ({label})"

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class SOPAcknowledgement(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="sop_acknowledgements",
        verbose_name=_("person"),
    )
    sop_version = models.ForeignKey(
        SOPVersion,
        on_delete=models.CASCADE,
        related_name="acknowledgements",
        verbose_name=_("SOP version"),
    )
    acknowledged_at = models.DateTimeField(_("acknowledged"), default=timezone.now)

    class Meta:
        ordering = ("-acknowledged_at",)
        verbose_name = _("SOP acknowledgement")
        verbose_name_plural = _("SOP acknowledgements")
        constraints = [
            models.UniqueConstraint(fields=("user", "sop_version"), name="courses_ack_unique"),
        ]

    def __str__(self) -> str:
        return gettext("%(person)s acknowledged %(version)s") % {
            "person": self.user,
            "version": self.sop_version,
        }


# django-stubs can't type the reverse manager of a model whose manager modeltranslation swaps
class Module(TranslatedContent):  # type: ignore[django-manager-missing]
    """A training module: ordered lessons, linked to skills and to the SOP versions it teaches."""

    # django-modeltranslation swaps the manager at start-up for one that reads the active
    # language; declared here so type checkers know it.
    objects: models.Manager[Module] = models.Manager()
    slug = models.SlugField(_("slug"), unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="modules", verbose_name=_("skills")
    )
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=15)
    sop_versions: models.ManyToManyField[SOPVersion, Any] = models.ManyToManyField(
        SOPVersion,
        blank=True,
        related_name="modules",
        limit_choices_to={"status": SOPVersion.Status.PUBLISHED},
        verbose_name=_("based on SOP versions"),
    )
    completion_quiz = models.OneToOneField(
        Quiz,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"purpose": "assessment"},  # a practice bank is never taken
        verbose_name=_("completion quiz"),
        help_text=_("Passing this quiz completes the module."),
    )
    is_published = models.BooleanField(_("published"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("position", "title")
        verbose_name = _("module")
        verbose_name_plural = _("modules")

    def __str__(self) -> str:
        return self.title


class Lesson(TranslatedContent):  # title and text per language (courses/translation.py)
    objects: models.Manager[Lesson] = models.Manager()
    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="lessons", verbose_name=_("module")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    body_html = models.TextField(_("text (HTML)"), editable=False, default="")

    class Meta:
        ordering = ("module", "position", "pk")
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self) -> str:
        return self.title


class LessonProgress(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
        verbose_name=_("person"),
    )
    lesson = models.ForeignKey(
        Lesson, on_delete=models.CASCADE, related_name="progress", verbose_name=_("lesson")
    )
    completed_at = models.DateTimeField(_("completed"), default=timezone.now)

    class Meta:
        verbose_name = _("lesson read")
        verbose_name_plural = _("lessons read")
        constraints = [
            models.UniqueConstraint(fields=("user", "lesson"), name="courses_progress_unique"),
        ]

    def __str__(self) -> str:
        return gettext("%(person)s read lesson %(lesson)s") % {
            "person": self.user_id,
            "lesson": self.lesson_id,
        }


class ModuleCompletion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="module_completions",
        verbose_name=_("person"),
    )
    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, related_name="completions", verbose_name=_("module")
    )
    completed_at = models.DateTimeField(_("completed"), default=timezone.now)

    class Meta:
        verbose_name = _("module completion")
        verbose_name_plural = _("module completions")
        constraints = [
            models.UniqueConstraint(fields=("user", "module"), name="courses_completion_unique"),
        ]

    def __str__(self) -> str:
        return gettext("%(person)s completed module %(module)s") % {
            "person": self.user_id,
            "module": self.module_id,
        }


class Assignment(models.Model):
    """Training someone must do: a module, an SOP to (re-)acknowledge, or a quiz."""

    class Kind(models.TextChoices):
        MODULE = "module", _("Module")
        SOP = "sop", _("SOP")
        QUIZ = "quiz", _("Quiz")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Assigned by a lead")
        ONBOARDING = "onboarding", _("Onboarding")
        QA_RULE = "qa_rule", _("QA finding")
        SOP_CHANGE = "sop_change", _("SOP change")
        QUIZ_RESULT = "quiz_result", _("Quiz result")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETED = "completed", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    module = models.ForeignKey(
        Module,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("module"),
    )
    sop = models.ForeignKey(
        SOP,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("SOP"),
    )
    quiz = models.ForeignKey(
        Quiz,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
        verbose_name=_("quiz"),
    )
    sop_version = models.ForeignKey(
        SOPVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SOP version"),
        help_text=_("For an SOP: the version (or a later one) to acknowledge."),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments_given",
        verbose_name=_("assigned by"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    source = models.CharField(
        _("source"), max_length=12, choices=Source.choices, default=Source.MANUAL
    )
    due_on = models.DateField(
        _("due on"),
        null=True,
        blank=True,
        help_text=_("A calendar day: the same day for everyone, whatever their time zone."),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    class Meta:
        ordering = ("status", models.F("due_on").asc(nulls_last=True), "pk")
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=("user", "module"),
                condition=Q(status="open", module__isnull=False),
                name="courses_assignment_one_open_module",
            ),
            models.UniqueConstraint(
                fields=("user", "sop"),
                condition=Q(status="open", sop__isnull=False),
                name="courses_assignment_one_open_sop",
            ),
            models.UniqueConstraint(
                fields=("user", "quiz"),
                condition=Q(status="open", quiz__isnull=False),
                name="courses_assignment_one_open_quiz",
            ),
            models.CheckConstraint(
                condition=Q(
                    kind="module", module__isnull=False, sop__isnull=True, quiz__isnull=True
                )
                | Q(kind="sop", sop__isnull=False, module__isnull=True, quiz__isnull=True)
                | Q(kind="quiz", quiz__isnull=False, module__isnull=True, sop__isnull=True),
                name="courses_assignment_target_matches_kind",
            ),
        ]
        indexes = [
            models.Index(fields=("user", "status", "due_on")),
            models.Index(fields=("status", "due_on")),
        ]

    def __str__(self) -> str:
        return gettext("%(kind)s “%(title)s” for %(person)s") % {
            "kind": self.get_kind_display(),
            "title": self.target_title,
            "person": self.user,
        }

    @property
    def target_title(self) -> str:
        if self.module_id and self.module:
            return self.module.title
        if self.sop_id and self.sop:
            return self.sop.title
        if self.quiz_id and self.quiz:
            # the reader's language where the list annotated it (``quiz_title``)
            return getattr(self, "quiz_title", None) or str(self.quiz)
        return ""
