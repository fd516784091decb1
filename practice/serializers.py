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


class PracticeAnswerOutput(serializers.Serializer[Any]):
    correct = serializers.BooleanField()
    credit = serializers.FloatField()
    choices = serializers.ListField(child=serializers.IntegerField())
    right_choices = serializers.ListField(child=serializers.IntegerField())
    feedback = PracticeFeedbackChoiceOutput(many=True)
    next_due_at = serializers.DateTimeField(allow_null=True)
    interval_days = serializers.FloatField(allow_null=True)


class PracticeQuestionOutput(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    quiz = serializers.CharField()
    kind = serializers.CharField()
    text_html = serializers.CharField()
    skills = serializers.ListField(child=serializers.CharField())
    choices = PracticeChoiceOutput(many=True)
    answer = PracticeAnswerOutput(allow_null=True)


class PracticeTodayOutput(serializers.Serializer[Any]):
    day = serializers.DateField()
    total = serializers.IntegerField()
    answered = serializers.IntegerField()
    questions = PracticeQuestionOutput(many=True)


class PracticeAnswerInput(serializers.Serializer[Any]):
    question = IdField()
    choices = serializers.ListField(child=IdField(), min_length=1, max_length=50)
