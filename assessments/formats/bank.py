"""What a question-bank file holds, independent of the file format and of the database."""

from __future__ import annotations

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
    """Something in the file that was not imported, with the line it starts on (1-based)."""

    line: int
    message: str
    name: str = ""


@dataclass(frozen=True)
class ParseResult:
    questions: tuple[ParsedQuestion, ...] = ()
    problems: tuple[Problem, ...] = ()
    categories: tuple[str, ...] = field(default=())
