"""Skills, role profiles, versioned SOPs, modules with lessons, and training assignments."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

LEVEL_VALIDATORS = [MinValueValidator(0.0), MaxValueValidator(1.0)]


class Skill(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name


class RoleProfile(models.Model):
    """A rung of the career ladder: the level expected in each skill."""

    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    skills: models.ManyToManyField[Skill, SkillTarget] = models.ManyToManyField(
        Skill, through="SkillTarget", related_name="role_profiles"
    )

    class Meta:
        ordering = ("position", "name")

    def __str__(self) -> str:
        return self.name


class SkillTarget(models.Model):
    role_profile = models.ForeignKey(RoleProfile, on_delete=models.CASCADE, related_name="targets")
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="targets")
    level = models.FloatField(
        _("target level"), validators=LEVEL_VALIDATORS, help_text=_("0 to 1, e.g. 0.7")
    )

    class Meta:
        ordering = ("role_profile", "skill__position")
        constraints = [
            models.UniqueConstraint(fields=("role_profile", "skill"), name="courses_target_unique"),
            models.CheckConstraint(
                condition=Q(level__gte=0) & Q(level__lte=1), name="courses_target_level_0_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role_profile}: {self.skill} ≥ {self.level:.2f}"


class LearnerProfile(models.Model):
    """The role profile a person is measured against (their current or next rung)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="learner_profile"
    )
    role_profile = models.ForeignKey(
        RoleProfile, on_delete=models.SET_NULL, null=True, blank=True, related_name="learners"
    )

    def __str__(self) -> str:
        return f"{self.user} → {self.role_profile or '—'}"


class SOP(models.Model):
    """A standard operating procedure; its text lives in immutable published versions."""

    slug = models.SlugField(unique=True)
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("title",)
        verbose_name = "SOP"
        verbose_name_plural = "SOPs"

    def __str__(self) -> str:
        return self.title


class SOPVersion(models.Model):
    """One text of an SOP. Drafts can be edited; a published version never changes."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    sop = models.ForeignKey(SOP, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text=_("Given when published: 1, 2, 3…")
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    body = models.TextField(_("text (Markdown)"))
    body_html = models.TextField(editable=False, default="")
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
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    reack_assigned_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text=_("When re-acknowledgement was assigned (the sweep retries until it is set)."),
    )

    class Meta:
        ordering = ("sop", "-number")
        verbose_name = "SOP version"
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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sop_acknowledgements"
    )
    sop_version = models.ForeignKey(
        SOPVersion, on_delete=models.CASCADE, related_name="acknowledgements"
    )
    acknowledged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-acknowledged_at",)
        constraints = [
            models.UniqueConstraint(fields=("user", "sop_version"), name="courses_ack_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.sop_version}"


class Module(models.Model):
    """A training module: ordered lessons, linked to skills and to the SOP versions it teaches."""

    slug = models.SlugField(unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    skills = models.ManyToManyField(Skill, blank=True, related_name="modules")
    estimated_minutes = models.PositiveSmallIntegerField(_("estimated minutes"), default=15)
    sop_versions = models.ManyToManyField(
        SOPVersion,
        blank=True,
        related_name="modules",
        limit_choices_to={"status": SOPVersion.Status.PUBLISHED},
        verbose_name=_("based on SOP versions"),
    )
    is_published = models.BooleanField(_("published"), default=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("position", "title")

    def __str__(self) -> str:
        return self.title


class Lesson(models.Model):
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="lessons")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text (Markdown)"))
    body_html = models.TextField(editable=False, default="")

    class Meta:
        ordering = ("module", "position", "pk")

    def __str__(self) -> str:
        return self.title


class LessonProgress(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lesson_progress"
    )
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("user", "lesson"), name="courses_progress_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read lesson {self.lesson_id}"


class ModuleCompletion(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="module_completions"
    )
    module = models.ForeignKey(Module, on_delete=models.CASCADE, related_name="completions")
    completed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("user", "module"), name="courses_completion_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} completed module {self.module_id}"


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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    module = models.ForeignKey(
        Module, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments"
    )
    sop = models.ForeignKey(
        SOP, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments"
    )
    quiz = models.ForeignKey(
        "assessments.Quiz",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
    )
    sop_version = models.ForeignKey(
        SOPVersion,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("For an SOP: the version (or a later one) to acknowledge."),
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assignments_given",
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    source = models.CharField(max_length=12, choices=Source.choices, default=Source.MANUAL)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("status", models.F("due_at").asc(nulls_last=True), "pk")
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
            models.Index(fields=("user", "status", "due_at")),
            models.Index(fields=("status", "due_at")),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} “{self.target_title}” for {self.user}"

    @property
    def target_title(self) -> str:
        if self.module_id and self.module:
            return self.module.title
        if self.sop_id and self.sop:
            return self.sop.title
        if self.quiz_id and self.quiz:
            return str(self.quiz)
        return ""


class Notification(models.Model):
    """An in-app notice (and optionally an email). ``key`` makes each one unique, so a retried
    task or a second sweep can't send the same notice twice."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=40)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    url = models.CharField(max_length=500, blank=True)
    key = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_wanted = models.BooleanField(default=False)
    emailed_at = models.DateTimeField(null=True, blank=True)
    # What a reminder is about, so the sweep can ask "was this already sent?" in SQL.
    subject_type = models.CharField(max_length=20, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        indexes = [
            models.Index(fields=("user", "read_at")),
            models.Index(fields=("email_wanted", "emailed_at")),
            models.Index(fields=("subject_type", "subject_id", "kind", "created_at")),
        ]

    def __str__(self) -> str:
        return f"{self.title} → {self.user_id}"


class ChecklistTemplate(models.Model):
    """An onboarding checklist to start for new hires (e.g. "New agent: first month")."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("name",)

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
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(max_length=14, choices=ItemKind.choices, default=ItemKind.TASK)
    sop = models.ForeignKey(SOP, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    module = models.ForeignKey(
        Module, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    quiz = models.ForeignKey(
        "assessments.Quiz", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_offset_days = models.PositiveSmallIntegerField(
        _("due after (days)"), default=0, help_text=_("Days after the plan's start date.")
    )

    class Meta:
        ordering = ("template", "due_offset_days", "position", "pk")

    def __str__(self) -> str:
        return self.title

    @property
    def completed_by(self) -> str:
        return str(ITEM_COMPLETED_BY[ItemKind(self.kind)])


class OnboardingPlan(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="onboarding_plans"
    )
    template = models.ForeignKey(
        ChecklistTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="plans"
    )
    name = models.CharField(max_length=200)
    start_date = models.DateField(_("start date"))
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-start_date", "pk")

    def __str__(self) -> str:
        return f"{self.name} for {self.user}"


class PlanItem(models.Model):
    """One step of a plan: a copy of its template item, so editing a template never changes
    a running plan. Linked content deleted later shows as unavailable."""

    class Status(models.TextChoices):
        OPEN = "open", _("To do")
        DONE = "done", _("Done")

    plan = models.ForeignKey(OnboardingPlan, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=14, choices=ItemKind.choices)
    sop = models.ForeignKey(SOP, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    module = models.ForeignKey(
        Module, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    quiz = models.ForeignKey(
        "assessments.Quiz", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    due_offset_days = models.PositiveSmallIntegerField(default=0)
    due_at = models.DateTimeField()
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.OPEN)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ("plan", "due_offset_days", "position", "pk")
        indexes = [models.Index(fields=("status", "due_at"))]

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
