"""Onboarding: checklist templates, and each new hire's plan made from one."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from assessments.models import Quiz
from courses.models import SOP, Module


class ChecklistTemplate(models.Model):
    """An onboarding checklist to start for new hires (e.g. "New agent: first month")."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        ordering = ("name",)
        verbose_name = _("checklist")
        verbose_name_plural = _("checklists")

    def __str__(self) -> str:
        return self.name


class ItemKind(models.TextChoices):
    READ_SOP = "read_sop", _("Read an SOP")
    MODULE = "module", _("Complete a module")
    QUIZ = "quiz", _("Pass a quiz")
    TASK = "task", _("Task")
    LEAD_SIGNOFF = "lead_signoff", _("Lead sign-off")


# Who completes an item of each kind.
ITEM_COMPLETED_BY = {
    ItemKind.READ_SOP: _("completes itself when the SOP is acknowledged"),
    ItemKind.MODULE: _("completes itself when the module is completed"),
    ItemKind.QUIZ: _("completes itself when the quiz is passed"),
    ItemKind.TASK: _("ticked by the new hire"),
    ItemKind.LEAD_SIGNOFF: _("signed off by the lead"),
}


class ChecklistItemTemplate(models.Model):
    template = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name=_("checklist"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"), max_length=14, choices=ItemKind.choices, default=ItemKind.TASK
    )
    sop = models.ForeignKey(
        SOP,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SOP"),
    )
    module = models.ForeignKey(
        Module,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("module"),
    )
    quiz = models.ForeignKey(
        Quiz,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"purpose": "assessment"},  # a practice bank is never taken
        verbose_name=_("quiz"),
    )
    due_offset_days = models.PositiveSmallIntegerField(
        _("due after (days)"), default=0, help_text=_("Days after the plan's start date.")
    )

    class Meta:
        ordering = ("template", "due_offset_days", "position", "pk")
        verbose_name = _("checklist step")
        verbose_name_plural = _("checklist steps")

    def __str__(self) -> str:
        return self.title

    @property
    def completed_by(self) -> str:
        return str(ITEM_COMPLETED_BY[ItemKind(self.kind)])


class OnboardingPlan(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="onboarding_plans",
        verbose_name=_("new hire"),
    )
    template = models.ForeignKey(
        ChecklistTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plans",
        verbose_name=_("checklist"),
    )
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start date"))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("started by"),
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        ordering = ("-start_date", "pk")
        verbose_name = _("onboarding plan")
        verbose_name_plural = _("onboarding plans")

    def __str__(self) -> str:
        return gettext("%(plan)s for %(person)s") % {"plan": self.name, "person": self.user}


class PlanItem(models.Model):
    """One step of a plan: a copy of its template item, so editing a template never changes
    a running plan. Linked content deleted later shows as unavailable."""

    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")

    plan = models.ForeignKey(
        OnboardingPlan, on_delete=models.CASCADE, related_name="items", verbose_name=_("plan")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(_("kind"), max_length=14, choices=ItemKind.choices)
    sop = models.ForeignKey(
        SOP,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("SOP"),
    )
    module = models.ForeignKey(
        Module,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("module"),
    )
    quiz = models.ForeignKey(
        Quiz,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"purpose": "assessment"},  # a practice bank is never taken
        verbose_name=_("quiz"),
    )
    due_offset_days = models.PositiveSmallIntegerField(_("due after (days)"), default=0)
    due_on = models.DateField(
        _("due on"),
        help_text=_("A calendar day: the same day for everyone, whatever their time zone."),
    )
    status = models.CharField(
        _("status"), max_length=6, choices=Status.choices, default=Status.OPEN
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ("plan", "due_offset_days", "position", "pk")
        verbose_name = _("plan step")
        verbose_name_plural = _("plan steps")
        indexes = [models.Index(fields=("status", "due_on"))]

    def __str__(self) -> str:
        return self.title

    @property
    def completed_by_label(self) -> str:
        return str(ITEM_COMPLETED_BY[ItemKind(self.kind)])

    @property
    def is_available(self) -> bool:
        """False when the SOP, module or quiz it points to was deleted."""
        linked = {
            ItemKind.READ_SOP: self.sop_id,
            ItemKind.MODULE: self.module_id,
            ItemKind.QUIZ: self.quiz_id,
        }
        return self.kind not in linked or linked[ItemKind(self.kind)] is not None

    @property
    def phase(self) -> str:
        """ "Day 1", "Week 1", "Week 2" … from the offset after the start date."""
        if self.due_offset_days == 0:
            return str(_("Day 1"))
        return str(_("Week %(n)d") % {"n": (self.due_offset_days - 1) // 7 + 1})
