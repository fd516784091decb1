"""Daily practice: each person's spaced-repetition cards (FSRS), their daily sets and answers.

A ``PracticeCard`` is one question a person has practised, with its FSRS memory state and the
time it is due again. A ``PracticeSet`` is one person's questions for one calendar day of
theirs (built ahead by ``practice.build_sets``), and a ``PracticeAnswer`` one answer in it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from assessments.models import Question

RESPONSE_MAX_LENGTH = 255  # as a quiz's typed answer (``assessments.services.ANSWER_TEXT_MAX``)


class PracticeCard(models.Model):
    """The FSRS memory state of one question for one person (``fsrs.Card``'s fields)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="practice_cards",
        verbose_name=_("person"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", verbose_name=_("question")
    )
    state = models.PositiveSmallIntegerField(
        _("state"), help_text=_("FSRS state: 1 learning, 2 review, 3 relearning.")
    )
    step = models.PositiveSmallIntegerField(_("learning step"), null=True, blank=True)
    stability = models.FloatField(_("stability"), null=True, blank=True)
    difficulty = models.FloatField(_("difficulty"), null=True, blank=True)
    due_at = models.DateTimeField(_("due"))
    last_review = models.DateTimeField(_("last practised"), null=True, blank=True)
    reviews = models.PositiveIntegerField(_("times practised"), default=0)
    lapses = models.PositiveIntegerField(_("times forgotten"), default=0)

    class Meta:
        verbose_name = _("practice card")
        verbose_name_plural = _("practice cards")
        constraints = [
            models.UniqueConstraint(fields=("user", "question"), name="practice_card_once"),
        ]
        indexes = [models.Index(fields=("user", "due_at"))]

    def __str__(self) -> str:
        return gettext("%(person)s/%(question)s due %(when)s") % {
            "person": self.user_id,
            "question": self.question_id,
            "when": f"{self.due_at:%Y-%m-%d %H:%M}",
        }


class PracticeSet(models.Model):
    """One person's practice for one of their calendar days: question ids in order."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="practice_sets",
        verbose_name=_("person"),
    )
    day = models.DateField(
        _("day"), help_text=_("The person's own calendar day (their time zone).")
    )
    question_ids = models.JSONField(_("questions"), default=list)
    sources = models.JSONField(
        _("drawn from"),
        null=True,
        blank=True,
        help_text=_(
            "The quiz and bank versions the set was drawn from, in order; when the versions "
            "the person may practise change during the day, the set is refilled."
        ),
    )
    built_at = models.DateTimeField(_("built"), default=timezone.now)

    class Meta:
        ordering = ("-day",)
        verbose_name = _("practice set")
        verbose_name_plural = _("practice sets")
        constraints = [
            models.UniqueConstraint(fields=("user", "day"), name="practice_set_once_per_day"),
        ]

    def __str__(self) -> str:
        count = len(self.question_ids)
        return ngettext(
            "%(person)s %(day)s: %(count)d question",
            "%(person)s %(day)s: %(count)d questions",
            count,
        ) % {"person": self.user_id, "day": self.day, "count": count}


class PracticeAnswer(models.Model):
    set = models.ForeignKey(
        PracticeSet,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("practice set"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="+", verbose_name=_("question")
    )
    choice_ids = models.JSONField(_("chosen options"), default=list)
    response_text = models.CharField(
        _("typed answer"), max_length=RESPONSE_MAX_LENGTH, blank=True, default=""
    )
    credit = models.FloatField(_("credit"), validators=[MaxValueValidator(1.0)])
    correct = models.BooleanField(_("correct"))
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)

    class Meta:
        ordering = ("answered_at", "pk")
        verbose_name = _("practice answer")
        verbose_name_plural = _("practice answers")
        constraints = [
            models.UniqueConstraint(fields=("set", "question"), name="practice_answer_once"),
        ]
        indexes = [models.Index(fields=("answered_at",))]

    def __str__(self) -> str:
        return f"{self.set_id}/{self.question_id}: {self.credit:g}"


class PracticePreference(models.Model):
    """When (and whether) a person is nudged that today's practice is ready. Without a row:
    nudged at ``PRACTICE_NUDGE_HOUR`` if they are a member of a team (a learner), never
    otherwise."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="practice_preference",
        verbose_name=_("person"),
    )
    nudge = models.BooleanField(_("remind me when today's practice is ready"), default=True)
    nudge_hour = models.PositiveSmallIntegerField(
        _("at (hour, your time zone)"), default=9, validators=[MaxValueValidator(23)]
    )

    class Meta:
        verbose_name = _("practice reminder")
        verbose_name_plural = _("practice reminders")

    def __str__(self) -> str:
        if not self.nudge:
            return gettext("%(person)s: no reminder") % {"person": self.user_id}
        return gettext("%(person)s: reminded at %(hour)s:00") % {
            "person": self.user_id,
            "hour": self.nudge_hour,
        }


class PracticeNudgeGroup(models.Model):
    """Whether a learner is in the randomized hold-out of the practice nudge (never nudged, so
    "Is practice working?" has a comparison group): drawn once, when their first set is built
    while ``PRACTICE_NUDGE_HOLDOUT_PERCENT`` is above 0."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="practice_nudge_group",
        verbose_name=_("person"),
    )
    held_out = models.BooleanField(_("held out (never nudged)"))
    assigned_at = models.DateTimeField(_("drawn"), default=timezone.now)

    class Meta:
        verbose_name = _("practice nudge group")
        verbose_name_plural = _("practice nudge groups")

    def __str__(self) -> str:
        if self.held_out:
            return gettext("%(person)s: held out") % {"person": self.user_id}
        return gettext("%(person)s: nudged") % {"person": self.user_id}
