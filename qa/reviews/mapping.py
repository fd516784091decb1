"""Which column of an export holds what, and which skill a category reads like: the guesses a
lead confirms once per source, and the check that a saved mapping fits a file."""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qa.models import ReviewSource
from skills.models import Skill

# What a column can hold: (key, label, needed in long form, needed in wide form).
ROLES: tuple[tuple[str, Any, bool, bool], ...] = (
    ("agent", gettext_lazy("Agent (email or name)"), True, True),
    ("conversation", gettext_lazy("Conversation or ticket id"), True, True),
    ("review", gettext_lazy("Review id"), False, False),
    ("reviewer", gettext_lazy("Reviewer"), False, False),
    ("date", gettext_lazy("Date"), False, False),
    ("category", gettext_lazy("Rating category"), True, False),
    ("rating", gettext_lazy("Rating"), True, False),
    ("comment", gettext_lazy("Comment"), False, False),
    ("root_cause", gettext_lazy("Root cause"), False, False),
)
ROLE_KEYS = tuple(r[0] for r in ROLES)
_SYNONYMS = {
    "agent": ("agent email", "agent", "reviewee email", "reviewee", "agent name", "assignee"),
    "conversation": (
        "conversation id",
        "conversation",
        "ticket id",
        "ticket",
        "interaction",
        "interaction id",
        "external id",
        "chat id",
        "call id",
    ),
    "review": ("review id", "evaluation id", "review"),
    "reviewer": ("reviewer email", "reviewer", "reviewer name", "evaluator", "graded by"),
    "date": ("review date", "reviewed at", "date", "created at", "created", "conversation date"),
    "category": ("category", "rating category", "category name", "criterion", "question"),
    "rating": ("rating", "score", "category score", "result", "answer"),
    "comment": ("comment", "comments", "note", "feedback"),
    "root_cause": ("root cause", "root causes", "reason"),
}


def mapping_guess(header: list[str]) -> dict[str, str]:
    """A first guess of which column holds what, from common export column names."""
    folded = {h.strip().casefold().replace("_", " "): h for h in header if h.strip()}
    guess: dict[str, str] = {}
    taken: set[str] = set()
    for role in ROLE_KEYS:
        for name in _SYNONYMS[role]:
            column = folded.get(name)
            if column is not None and column not in taken:
                guess[role] = column
                taken.add(column)
                break
    return guess


def mapping_problems(
    *, source: ReviewSource, header: list[str], rows_may_omit: bool = False
) -> list[str]:
    """Why the saved mapping does not fit this file's columns (empty: it fits). Rows pushed to
    the webhook may leave out the optional columns (``rows_may_omit``)."""
    present = {h.casefold() for h in header if h}
    problems = []
    for role, label, long_needed, wide_needed in ROLES:
        column = source.columns.get(role, "")
        needed = long_needed if source.shape == ReviewSource.Shape.LONG else wide_needed
        if column and column.casefold() not in present and (needed or not rows_may_omit):
            problems.append(
                _("The file has no column “%(column)s” (mapped as %(role)s).")
                % {"column": column, "role": label}
            )
        elif needed and not column:
            problems.append(_("Choose the column that holds: %(role)s.") % {"role": label})
    return problems


def category_key(name: str) -> str:
    return " ".join((name or "").split()).casefold()


SUGGEST_MIN_RATIO = 0.85
"""How alike two whole names must read (``SequenceMatcher``) to count without a shared word."""


def _words_match(a: str, b: str) -> bool:
    """The same word, or one a form of the other ("escalation", "escalations", "escalated"):
    a common start of at least five letters covering most of the shorter word."""
    if a == b:
        return True
    shorter = min(len(a), len(b))
    common = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), shorter)
    return common >= 5 and common >= 0.75 * shorter


def skill_suggest(name: str, skills: list[Skill]) -> Skill | None:
    """The skill whose name (or code) matches a category's name, if any does: a word in
    common (or a form of it), or the whole names nearly alike. A name that merely reads a bit
    like another ("Greeting" and "Reporting", "Empathy" and "Team morale") suggests nothing:
    a wrong suggestion is worse than none, since a lead may accept it unread."""
    target = category_key(name)
    words = set(target.replace("-", " ").replace("/", " ").split())
    best, best_score = None, 0.0
    for skill in skills:
        for label in (skill.name.casefold(), skill.slug.replace("-", " ").casefold()):
            label_words = set(label.split())
            shared = sum(1 for w in words if any(_words_match(w, lw) for lw in label_words))
            score = shared / max(len(words | label_words), 1) + 1.0 if shared else 0.0
            ratio = SequenceMatcher(None, target, label).ratio()
            if ratio >= SUGGEST_MIN_RATIO:
                score = max(score, ratio)
            if score > best_score:
                best, best_score = skill, score
    return best
