"""What a question-bank file holds, independent of the file format and of the database."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["single", "multiple", "true_false", "short_answer", "numerical"]
TextFormat = Literal["moodle", "html", "markdown", "plain"]


@dataclass(frozen=True)
class ParsedAnswer:
    """One answer. ``fraction`` is the share of the question's mark it earns (−1 … 1).

    Numerical answers carry ``value`` and ``tolerance`` (an answer is right when it lies within
    ``value ± tolerance``); ``text`` is then the answer as written in the file.
    """

    text: str
    fraction: float
    feedback: str = ""
    value: float | None = None
    tolerance: float | None = None


@dataclass(frozen=True)
class ParsedQuestion:
    kind: Kind
    name: str
    text: str
    answers: tuple[ParsedAnswer, ...]
    text_format: TextFormat = "moodle"
    general_feedback: str = ""
    category: str = ""
    wrong_feedback: str = ""  # numerical: feedback for any answer outside every range
    line: int = 0

    def same_content(self, other: ParsedQuestion) -> bool:
        """Equal apart from where the question stood in its file."""
        return _without_line(self) == _without_line(other)


def _without_line(question: ParsedQuestion) -> tuple[object, ...]:
    return (
        question.kind,
        question.name,
        question.text,
        question.answers,
        question.text_format,
        question.general_feedback,
        question.category,
        question.wrong_feedback,
    )


@dataclass(frozen=True)
class Problem:
    """Something in the file that was not imported, with its line (1-based): where it starts,
    or the line where the format's reader found it wrong (Aiken, as Moodle reports it).
    ``name`` names the question if the file does (GIFT) or its first line (Aiken)."""

    line: int
    message: str
    name: str = ""


@dataclass(frozen=True)
class ParseResult:
    questions: tuple[ParsedQuestion, ...] = ()
    problems: tuple[Problem, ...] = ()
    categories: tuple[str, ...] = field(default=())


# Markdown that plain text must not trigger. Anywhere in a line: escapes, code, emphasis,
# links and images, raw HTML and autolinks, table cells, and entities (``&amp;``).
_INLINE_RE = re.compile(r"[\\`*_\[\]<|]|&(?=#?[0-9A-Za-z]+;)")
# At the start of a line: headings, block quotes, list items, setext underlines, fences,
# thematic breaks, and ordered list items ("1. " or "1) ": the dot or bracket is escaped).
_LINE_START_RE = re.compile(r"^(?:([#>+\-=~])|(\d{1,9})([.)])(?=\s|$))")


def plain_markdown(text: str) -> str:
    """Plain ``text`` as Markdown that shows it as written (``<b>`` as four characters, not
    bold), for question text, which is stored and shown as Markdown. Each line is trimmed:
    the page would not show the spaces around it anyway."""
    return "\n".join(_plain_markdown_line(line.strip()) for line in text.split("\n"))


def _plain_markdown_line(line: str) -> str:
    escaped = _INLINE_RE.sub(lambda m: "\\" + m.group(0), line)
    return _LINE_START_RE.sub(
        lambda m: "\\" + m.group(1) if m.group(1) else m.group(2) + "\\" + m.group(3), escaped
    )
