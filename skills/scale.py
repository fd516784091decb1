"""How a skill cell is shown: one colour class, always beside a number and a word."""

from __future__ import annotations

from skills.selectors import SkillCell


def heat(cell: SkillCell) -> str:
    """The cell's category (``skill_model.gap_category``) as its colour class: every page
    uses the same words and colours for the same numbers (readable without colour)."""
    return cell.category
