"""The skill model's decay in SQL, in one place for the projection (``services``) and every
read (``selectors``), so the database computes exactly what ``skill_model.decay`` describes.

``value × ½^halves`` is computed in log space, ``exp(ln(value) − halves·ln 2)``, and a result
below ``e^FLOOR`` is exactly 0. A plain product of a small Σa (old evidence) and a small
factor (a short half-life, a far date) underflows: SQLite silently gives 0, but PostgreSQL
raises ``value out of range: underflow`` (for a product, and for ``power()`` and ``exp()``
whose result is too small), which turned pages into 500s for H = 1 day from 2040 on. In log
space nothing is ever multiplied or raised to below the floor, on either database.
"""

from __future__ import annotations

import math

from django.db.models import Case, Expression, F, FloatField, Value, When
from django.db.models.functions import Exp, Ln
from django.db.models.lookups import LessThan, LessThanOrEqual

FLOOR = -700.0
"""``e^-700 ≈ 1e-304``: still a normal double; anything smaller counts as nothing."""
LN_2 = math.log(2.0)


def decayed_value(value: Expression | F, halves: Expression | F) -> Case:
    """``value × ½^halves`` for ``value ≥ 0``, without underflow (0 below ``e^FLOOR``)."""
    exponent = Ln(value) - halves * Value(LN_2)
    return Case(
        When(LessThanOrEqual(value, Value(0.0)), then=Value(0.0)),
        When(LessThan(exponent, Value(FLOOR)), then=Value(0.0)),
        default=Exp(exponent),
        output_field=FloatField(),
    )
