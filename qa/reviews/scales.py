"""Rating scales of QA tools, without the database: reading a rating, judging it against the
pass mark, and the severity of a failed one.

Scales: ``binary`` (pass / fail), ``3``/``4``/``5`` (points from 1) and ``percent`` (0–100).
A rating at or above the pass mark passes. A failed rating's severity follows how far below
the pass mark it fell, as a share of the way from the pass mark down to the bottom of the
scale: up to a third is ``low``, up to two thirds ``medium``, more is ``high``; a failed
binary rating is ``medium`` (it says nothing about how far). A failed *critical* category is
always ``critical``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

SCALE_RANGE = {
    "binary": (0.0, 1.0),
    "3": (1.0, 3.0),
    "4": (1.0, 4.0),
    "5": (1.0, 5.0),
    "percent": (0.0, 100.0),
}
DEFAULT_PASS_MARK = {"binary": 1.0, "3": 2.0, "4": 3.0, "5": 4.0, "percent": 80.0}
PASS_WORDS = frozenset({"yes", "y", "pass", "passed", "ok", "true", "met", "✓", "✔"})
FAIL_WORDS = frozenset({"no", "n", "fail", "failed", "false", "not met", "x", "✗", "✘"})
_NUMBER = re.compile(r"^\s*(-?\d+(?:[.,]\d+)?)\s*(%|/\s*\d+(?:[.,]\d+)?)?\s*$")


class RatingError(ValueError):
    """The rating is not on the category's scale."""


def na_set(text: str) -> frozenset[str]:
    """The ratings a source counts as N/A (an empty rating always is)."""
    return frozenset(v.strip().casefold() for v in (text or "").split(",") if v.strip())


def rating_read(text: str, *, scale: str, na: Iterable[str] = ()) -> float | None:
    """The rating as a number on its scale, ``None`` for N/A, else ``RatingError``."""
    value = (text or "").strip()
    folded = value.casefold()
    if not value or folded in na:
        return None
    if scale == "binary":
        if folded in PASS_WORDS:
            return 1.0
        if folded in FAIL_WORDS:
            return 0.0
    match = _NUMBER.match(value)
    if match is None:
        raise RatingError(value)
    number = float(match.group(1).replace(",", "."))
    suffix = (match.group(2) or "").replace(" ", "")
    if suffix.startswith("/"):
        top = float(suffix[1:].replace(",", "."))
        low, high = SCALE_RANGE[scale]
        if top != high:
            raise RatingError(value)
    elif suffix == "%" and scale != "percent":
        raise RatingError(value)
    low, high = SCALE_RANGE[scale]
    if scale == "binary" and number == 100:
        number = 1.0  # some tools write a passed yes/no line as 100 (%)
    if not low <= number <= high:
        raise RatingError(value)
    return number


def rating_judge(value: float, *, scale: str, pass_mark: float, critical: bool) -> str | None:
    """``None`` when the rating passes, else the severity of the finding it becomes."""
    if value >= pass_mark:
        return None
    if critical:
        return "critical"
    if scale == "binary":
        return "medium"
    low = SCALE_RANGE[scale][0]
    span = pass_mark - low
    depth = (pass_mark - value) / span if span > 0 else 1.0
    if depth <= 1 / 3 + 1e-9:
        return "low"
    if depth <= 2 / 3 + 1e-9:
        return "medium"
    return "high"


def scale_guess(ratings: Iterable[str], *, default: str, na: Iterable[str] = ()) -> str:
    """The scale a new category's ratings suggest: words or only 0/1 → binary, a number over
    5 or a "%" → percent, "n/5" → that scale, else the source's usual point scale when every
    value fits it, otherwise the smallest point scale that holds them."""
    na = frozenset(na)
    seen = [r.strip().casefold() for r in ratings if r.strip() and r.strip().casefold() not in na]
    if not seen:
        return default
    if all(r in PASS_WORDS or r in FAIL_WORDS or r in {"0", "1"} for r in seen):
        return "binary" if any(r not in {"1"} for r in seen) or default == "binary" else default
    numbers = []
    out_of: set[str] = set()
    for r in seen:
        match = _NUMBER.match(r)
        if match:
            numbers.append(float(match.group(1).replace(",", ".")))
            if match.group(2) and match.group(2).startswith("/"):
                out_of.add(match.group(2)[1:].strip())
    if any(n > 5 for n in numbers) or any(r.endswith("%") for r in seen):
        return "percent"
    if len(out_of) == 1 and (written := out_of.pop()) in {"3", "4", "5"}:
        return written  # "3/5": the export says the scale
    if not numbers:
        return default
    # The values seen decide: the source's usual point scale if they fit it, else the smallest
    # point scale that holds them all (a 5 is never read on a 4-point scale).
    highest = max(numbers)
    if default in {"3", "4", "5"} and highest <= SCALE_RANGE[default][1]:
        return default
    return next(scale for scale in ("3", "4", "5") if highest <= SCALE_RANGE[scale][1])


def pass_mark_valid(scale: str, pass_mark: float) -> bool:
    low, high = SCALE_RANGE[scale]
    return low < pass_mark <= high
