"""Numbers as each language writes them, beyond Django's own formats (dates, times, decimal
and thousands separators come from ``django/conf/locale/<lang>/formats.py``).

A percentage follows the language's CLDR percent pattern: English and Polish write the sign
right after the number ("80%", "12,5%"), German and French put a no-break space before it
("80 %"). Adding a language: add its pattern here if it is not "number then %".
"""

from __future__ import annotations

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
