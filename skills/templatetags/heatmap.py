"""``{% heat_cell cell tone %}``: one cell of a skills heatmap (the org report, a team's
skills page), written in Python rather than as an included template: a page of 50 people ×
12 skills has 600 cells, and an ``{% include %}`` with its translation tags costs about 0.4 ms
a cell, most of the org report's time. The words and numbers are the same as in
``skills/_category_word.html`` (same messages, so the same translations) and the numbers are
formatted as ``floatformat:2`` does, in the active language (``two_places``)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django import template
from django.utils.formats import get_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext

register = template.Library()
_CENT = Decimal("0.01")


def two_places(value: float) -> str:
    """``value|floatformat:2`` (half up, the active language's decimal separator) for the
    numbers a heatmap shows (under 1,000: no thousands separator), at a quarter of its cost."""
    rounded = Decimal(repr(float(value))).quantize(_CENT, ROUND_HALF_UP)
    text = str(abs(rounded) if rounded == 0 else rounded)  # no "-0.00", as floatformat
    return text.replace(".", str(get_format("DECIMAL_SEPARATOR")))


def category_word(category: str, gap: float | None) -> str:
    """What ``skills/_category_word.html`` says for ``category`` and ``gap``."""
    if category == "unknown":
        return gettext("not enough evidence")
    if category == "met":
        return gettext("on target")
    if category == "near":
        if gap is None or gap < 0.005:
            return gettext("just below target, not sure")
        return gettext("gap %(g)s, not sure") % {"g": two_places(gap)}
    if category == "gap":
        return gettext("gap %(g)s") % {"g": "" if gap is None else two_places(gap)}
    return gettext("no target")


@register.simple_tag
def heat_cell(cell: Any, tone: str) -> SafeString:
    """``<td class="heat {tone}">`` with the level, the verdict in words and the likely range."""
    likely: str = ""
    if cell.enough:
        level = two_places(cell.level)
        likely = format_html(
            '<span class="heat-range">{}</span>',
            gettext("likely %(l)s–%(h)s")
            % {"l": two_places(cell.likely_low), "h": two_places(cell.likely_high)},
        )
    else:
        level = "–"
    return format_html(
        '<td class="heat {}"><span class="level">{}</span><span class="heat-word">{}</span>{}</td>',
        tone,
        level,
        category_word(tone, cell.gap),
        likely,
    )
