from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.ids import IdField


class PracticeChoiceOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    text = serializers.CharField()


class PracticeFeedbackChoiceOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    text = serializers.CharField()
    correct = serializers.BooleanField()
    chosen = serializers.BooleanField()
    explanation = serializers.CharField()


class PracticeSopLinkOutput(serializers.Serializer[Any]):
    slug = serializers.SlugField()
    title = serializers.CharField()
    url = serializers.CharField(help_text="The SOP's page, with the heading's anchor if named.")


class PracticeAnswerOutput(serializers.Serializer[Any]):
    correct = serializers.BooleanField()
    partly = serializers.BooleanField(help_text="Partly right: the credit is between 0 and 1.")
    credit = serializers.FloatField(help_text="As the quiz engine scores it, 0 to 1.")
    choices = serializers.ListField(child=serializers.IntegerField())
    response = serializers.CharField(help_text="The typed answer (short answer, numerical).")
    right_choices = serializers.ListField(child=serializers.IntegerField())
    feedback = PracticeFeedbackChoiceOutput(many=True)
    general_feedback = serializers.CharField()
    sops = PracticeSopLinkOutput(many=True, help_text="SOPs that explain the answer.")
    next_due_at = serializers.DateTimeField(allow_null=True)
    interval_days = serializers.FloatField(allow_null=True)


class PracticeQuestionOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    quiz = serializers.CharField()
    kind = serializers.CharField()
    text_html = serializers.CharField()
    skills = serializers.ListField(child=serializers.CharField())
    choices = PracticeChoiceOutput(
        many=True, help_text="Empty for a typed question (short answer, numerical)."
    )
    answer = PracticeAnswerOutput(allow_null=True)


class PracticeTodayOutput(serializers.Serializer[Any]):
    day = serializers.DateField()
    total = serializers.IntegerField()
    answered = serializers.IntegerField()
    reason = serializers.ChoiceField(
        choices=["", "no_team", "nothing_yet"],
        help_text="Why there are no questions: `no_team` (practice is for members of a team), "
        "`nothing_yet` (no practice bank or taken quiz to draw from yet); empty otherwise.",
    )
    questions = PracticeQuestionOutput(many=True)


class PracticeAnswerInput(serializers.Serializer[Any]):
    question = IdField()
    choices = serializers.ListField(
        child=IdField(),
        max_length=50,
        required=False,
        default=list,
        help_text="The chosen choices (single, multiple, true/false questions).",
    )
    response = serializers.CharField(
        max_length=255,
        required=False,
        default="",
        allow_blank=True,
        trim_whitespace=True,
        help_text="The typed answer (short answer and numerical questions).",
    )
