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
from django.utils.translation import gettext_lazy as _

from assessments.models import Question


class PracticeCard(models.Model):
    """The FSRS memory state of one question for one person (``fsrs.Card``'s fields)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_cards"
    )
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    state = models.PositiveSmallIntegerField(
        help_text=_("FSRS state: 1 learning, 2 review, 3 relearning.")
    )
    step = models.PositiveSmallIntegerField(null=True, blank=True)
    stability = models.FloatField(null=True, blank=True)
    difficulty = models.FloatField(null=True, blank=True)
    due_at = models.DateTimeField()
    last_review = models.DateTimeField(null=True, blank=True)
    reviews = models.PositiveIntegerField(default=0)
    lapses = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=("user", "question"), name="practice_card_once"),
        ]
        indexes = [models.Index(fields=("user", "due_at"))]

    def __str__(self) -> str:
        return f"{self.user_id}/{self.question_id} due {self.due_at:%Y-%m-%d %H:%M}"


class PracticeSet(models.Model):
    """One person's practice for one of their calendar days: question ids in order."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_sets"
    )
    day = models.DateField(help_text=_("The person's own calendar day (their time zone)."))
    question_ids = models.JSONField(default=list)
    built_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("-day",)
        constraints = [
            models.UniqueConstraint(fields=("user", "day"), name="practice_set_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.day}: {len(self.question_ids)} questions"


class PracticeAnswer(models.Model):
    set = models.ForeignKey(PracticeSet, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    choice_ids = models.JSONField(default=list)
    credit = models.FloatField(validators=[MaxValueValidator(1.0)])
    correct = models.BooleanField()
    answered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ("answered_at", "pk")
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
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practice_preference"
    )
    nudge = models.BooleanField(_("remind me when today's practice is ready"), default=True)
    nudge_hour = models.PositiveSmallIntegerField(
        _("at (hour, your time zone)"), default=9, validators=[MaxValueValidator(23)]
    )

    def __str__(self) -> str:
        return f"{self.user_id}: {'on' if self.nudge else 'off'} at {self.nudge_hour}"
