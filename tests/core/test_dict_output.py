"""``core.api.DictOutput`` renders a dict exactly as DRF's ``Serializer`` with the same fields
would (it only skips DRF's attribute lookup), and refuses fields it can't read by name."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer

from core.api import DictOutput


def fields() -> dict[str, Any]:
    return {
        "name": serializers.CharField(),
        "level": serializers.FloatField(),
        "count": serializers.IntegerField(),
        "enough": serializers.BooleanField(),
        "target": serializers.FloatField(allow_null=True),
        "at": serializers.DateTimeField(default_timezone=UTC),
        "kind": serializers.ChoiceField(choices=["met", "gap"]),
        "tags": serializers.ListField(child=serializers.CharField()),
    }


Fast = type("Fast", (DictOutput,), fields())
Plain = type("Plain", (serializers.Serializer,), fields())

ROWS = [
    {
        "name": "refunds",
        "level": 0.52,
        "count": 3,
        "enough": True,
        "target": 0.7,
        "at": datetime(2026, 12, 7, 9, 30, tzinfo=UTC),
        "kind": "gap",
        "tags": ["a", "b"],
        "ignored": "a key the shape does not name",
    },
    {
        "name": "",
        "level": 1,
        "count": 0,
        "enough": False,
        "target": None,
        "at": None,
        "kind": "met",
        "tags": [],
    },
]


@pytest.mark.parametrize("row", ROWS, ids=["full", "nulls-and-zeros"])
def test_a_dict_renders_as_drf_renders_it(row):
    fast, plain = Fast(row).data, Plain(row).data
    assert JSONRenderer().render(fast) == JSONRenderer().render(plain)
    assert list(fast) == list(Plain().fields)


def test_many_and_nested_render_as_drf_renders_them():
    class Outer(serializers.Serializer):
        rows = Fast(many=True)

    class PlainOuter(serializers.Serializer):
        rows = Plain(many=True)

    assert Outer({"rows": ROWS}).data == PlainOuter({"rows": ROWS}).data


def test_a_missing_key_is_an_error_not_a_gap():
    with pytest.raises(KeyError):
        _ = Fast({"name": "x"}).data


def test_a_field_with_another_source_is_refused():
    class Renamed(DictOutput):
        name = serializers.CharField(source="title")

    with pytest.raises(ImproperlyConfigured, match="source="):
        _ = Renamed({"title": "x"}).data
