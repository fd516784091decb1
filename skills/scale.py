"""How a skill cell is shown: one colour class, always beside a number and a word."""

from __future__ import annotations

from skills.selectors import SkillCell


def heat(cell: SkillCell) -> str:
    """A colour class that always comes with a number and a word (readable without colour)."""
    if not cell.enough:
        return "unknown"
    if cell.gap is None:
        return "neutral"
    if cell.gap <= 0:
        return "met"
    return "near" if cell.gap < 0.15 else "gap"
