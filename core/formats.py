"""Numbers as each language writes them, beyond Django's own formats (dates, times, decimal
and thousands separators come from ``django/conf/locale/<lang>/formats.py``).

A percentage follows the language's CLDR percent pattern: English and Polish write the sign
right after the number ("80%", "12,5%"), German and French put a no-break space before it
("80 %"). Adding a language: add its pattern here if it is not "number then %".
"""

from __future__ import annotations

import math
from decimal import Decimal

from django.utils import formats, translation

PERCENT_PATTERNS = {
    "de": "{}\u00a0%",  # no-break space
    "fr": "{}\u202f%",  # narrow no-break space
    "es": "{}\u00a0%",
    "cs": "{}\u00a0%",
    "sk": "{}\u00a0%",
}


def percent_format(value: float | int | Decimal | str | None, decimals: int = 0) -> str:
    """``80`` → "80%" (en, pl) or "80 %" (de); ``12.5`` with one decimal → "12,5%" (pl).
    ``value`` is already a percentage (0–100). None or "" gives ""."""
    if value is None or value == "":
        return ""
    number = round(float(value), decimals) + 0.0  # + 0.0: no "-0%"
    text = formats.number_format(number, decimal_pos=decimals, use_l10n=True)
    language = (translation.get_language() or "en").split("-")[0]
    return PERCENT_PATTERNS.get(language, "{}%").format(text)


def percent_against(
    value: float | int | Decimal | None, threshold: float | int | Decimal | None, decimals: int = 0
) -> str:
    """A percentage shown beside a verdict decided on the exact value against ``threshold``
    (a pass mark): rounded once, for display, with as many decimals as it takes (up to two,
    then cut, not rounded) for the shown number to stay on the verdict's side. 79.69 against
    80 is "79.7%", never "80%" beside "not passed yet"; 80.4 against 80 is "80%"."""
    if value is None or threshold is None:
        return percent_format(value, decimals)
    exact, mark = float(value), float(threshold)
    if exact >= mark:
        return percent_format(exact, decimals)  # rounding never takes it below the mark
    for places in range(decimals, 3):
        if round(exact, places) < mark:
            return percent_format(exact, places)
    return percent_format(math.floor(exact * 100) / 100, 2)
