from __future__ import annotations

from typing import Any

from rest_framework import serializers


class ErasureOutput(serializers.Serializer[Any]):
    deleted = serializers.DictField(
        child=serializers.IntegerField(), help_text="Rows deleted, per model."
    )
    anonymised = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Rows kept without the link to the person, per model.",
    )
    redacted = serializers.DictField(
        child=serializers.IntegerField(),
        help_text="Rows of other people whose free text named them, per model.",
    )
