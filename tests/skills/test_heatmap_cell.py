"""The heatmap cell written in Python says and formats exactly what the template did."""

from types import SimpleNamespace

import pytest
from django.template import Context, Template
from django.template.defaultfilters import floatformat
from django.utils import translation

from skills.templatetags.heatmap import heat_cell, two_places

VALUES = [0, 0.0, -0.0, -0.001, 0.004999, 0.005, 0.015, 0.125, 0.135, 0.3333, 0.5, 0.995, 0.999, 1]


@pytest.mark.parametrize("language", ["en", "pl"])
def test_two_places_is_floatformat_2(language):
    with translation.override(language):
        for n in range(-100, 1101):
            value = n / 1000
            assert two_places(value) == floatformat(value, 2), value
        for value in VALUES:
            assert two_places(value) == floatformat(value, 2), value
        if language == "pl":
            assert two_places(0.42) == "0,42"


# What skills/_category_word.html says (the cell used to include it), for each verdict.
WORDS = Template('{% include "skills/_category_word.html" with category=tone gap=cell.gap %}')


@pytest.mark.parametrize("language", ["en", "pl"])
@pytest.mark.parametrize(
    ("tone", "gap"),
    [
        ("unknown", None),
        ("met", None),
        ("near", 0.001),
        ("near", 0.12),
        ("gap", 0.2567),
        ("neutral", None),
    ],
)
def test_the_cell_says_what_the_shared_words_say(language, tone, gap):
    enough = tone != "unknown"
    cell = SimpleNamespace(
        enough=enough, level=0.4234, likely_low=0.3125, likely_high=0.545, gap=gap
    )
    with translation.override(language):
        html = str(heat_cell(cell, tone))
        words = WORDS.render(Context({"tone": tone, "cell": cell}))
        level = floatformat(0.4234, 2)
    assert html.startswith(f'<td class="heat {tone}"><span class="level">')
    assert f'<span class="heat-word">{words}</span>' in html
    if enough:
        assert f'<span class="level">{level}</span>' in html
        assert "0.31" in html or "0,31" in html  # 0.3125 rounds half up to 0.31…
        assert "0.55" in html or "0,55" in html  # …and 0.545 to 0.55, as floatformat does
    else:
        assert '<span class="level">–</span>' in html
        assert "heat-range" not in html
