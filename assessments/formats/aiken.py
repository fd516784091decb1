"""Moodle's Aiken format: one single-choice question per paragraph, read and written.

    Which channel answers fastest?
    A. Email
    B) Chat
    ANSWER: B

Read as Moodle's importer reads it (``question/format/aiken/format.php``):

- a line that is neither an option nor an ``ANSWER:`` line starts a question; Moodle wants
  the text on one line, and here the lines right after it (no blank line between) continue it;
- an option is a capital letter, ``.`` or ``)`` and its text; the space after the marker is
  optional (``A)Chat``), except that ``U.S. Army…`` or ``A.I. …`` is text, not an option;
- ``ANSWER:`` and the letter end the question; blank lines anywhere else are ignored.

A broken question is reported with the line where it went wrong, as Moodle reports it, and
the reader carries on with the next line, so the next good question imports on its own: an
option or an ``ANSWER:`` line with no question before it, a question with fewer than two
options (at its ``ANSWER:`` line), or a question whose ``ANSWER:`` line never comes (where
the next question starts, or at its first line when the file ends).

Aiken is plain text: ``<b>`` is four characters, not bold. The question text is stored as
Markdown (how every question is shown), so it is escaped (``bank.plain_markdown``) and shows
as written; options are stored as plain text already. Aiken has no names, feedback or weights.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from assessments.formats.bank import (
    ParsedAnswer,
    ParsedQuestion,
    ParseResult,
    Problem,
    plain_markdown,
)
from core.markdown import render_markdown

# Moodle: '/^[A-Z][).][ \t]?/'. Without the space, "A." followed by a letter and a dot
# ("U.S.", "A.I.", "E.g.") starts a sentence, not an option.
_OPTION_RE = re.compile(r"^([A-Z])(?:[.)][ \t]+|\)|\.(?![A-Za-z]\.))(.*)$")
_ANSWER_RE = re.compile(r"^ANSWER\s*:(.*)$")  # as Moodle: capitals, then anything
_ANSWER_ANY_CASE_RE = re.compile(r"^answer\s*:(\s*[A-Za-z][.)]?\s*)$", re.IGNORECASE)
_LETTER_RE = re.compile(r"^\s*([A-Za-z])[.)]?\s*$")
NAME_LENGTH = 80  # of the text naming a broken question in its problem (Moodle's default name)


@dataclass
class _Question:
    start: int
    stem: list[str]
    options: list[tuple[str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        first = self.stem[0]
        return first if len(first) <= NAME_LENGTH else first[: NAME_LENGTH - 1] + "…"


def parse(text: str) -> ParseResult:
    questions: list[ParsedQuestion] = []
    problems: list[Problem] = []
    current: _Question | None = None
    after_blank = False

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            after_blank = True
            continue
        continuing_text = not after_blank
        after_blank = False
        answer = _ANSWER_RE.match(line) or _ANSWER_ANY_CASE_RE.match(line)
        option = None if answer else _OPTION_RE.match(line)
        if answer:
            if current is None:
                problems.append(Problem(number, _("An “ANSWER:” line has no question before it.")))
                continue
            problem = _check(current.options, answer.group(1))
            if problem:
                problems.append(Problem(number, problem, current.name))
            else:
                questions.append(_question(current, answer.group(1)))
            current = None
        elif option:
            if current is None:
                problems.append(
                    Problem(number, _("An option comes before the question it belongs to."))
                )
                continue
            current.options.append((option.group(1), option.group(2).strip()))
        elif current is not None and not current.options and continuing_text:
            current.stem.append(line)  # the question's text goes on over the next line
        else:
            if current is not None:
                problems.append(
                    Problem(
                        number,
                        _(
                            "The question on line {start} has no “ANSWER:” line before the "
                            "next question starts here."
                        ).format(start=current.start),
                        current.name,
                    )
                )
            current = _Question(start=number, stem=[line])
    if current is not None:
        problems.append(
            Problem(current.start, _("The question has no “ANSWER:” line."), current.name)
        )
    return ParseResult(tuple(questions), tuple(problems))


def _check(options: list[tuple[str, str]], answer: str) -> str:
    if len(options) < 2:
        return _("A question needs at least two options (“A.”, “B.”, …).")
    letters = [key for key, _text in options]
    if len(set(letters)) != len(letters):
        return _("Two options have the same letter.")
    empty = next((key for key, text in options if not text), "")
    if empty:
        return _("Option {letter} has no text.").format(letter=empty)
    match = _LETTER_RE.match(answer)
    if not match or match.group(1).upper() not in letters:
        return _("The answer “{letter}” is not one of the options {letters}.").format(
            letter=answer.strip(), letters=", ".join(letters)
        )
    return ""


def _question(question: _Question, answer: str) -> ParsedQuestion:
    match = _LETTER_RE.match(answer)
    letter = match.group(1).upper() if match else ""
    return ParsedQuestion(
        kind="single",
        name="",
        text=plain_markdown("\n".join(question.stem)),
        answers=tuple(
            ParsedAnswer(text=text, fraction=1.0 if key == letter else 0.0)
            for key, text in question.options
        ),
        text_format="markdown",
        line=question.start,
    )


def _plain_text(text: str, text_format: str) -> str:
    """``text`` as the words it shows: Aiken can't hold Markdown or HTML (Moodle writes
    its plain-text rendering too)."""
    if text_format == "markdown":
        text = render_markdown(text)
    elif text_format != "html":
        return text
    return html.unescape(strip_tags(text))


def dump(questions: Iterable[ParsedQuestion]) -> str:
    """Aiken text for the single-choice questions with exactly one right answer; the rest
    can't be written in Aiken and are left out (``writable`` says which)."""
    out = []
    for question in questions:
        if not writable(question):
            continue
        lines = [" ".join(_plain_text(question.text, question.text_format).split())]
        right = ""
        for index, answer in enumerate(question.answers):
            letter = chr(ord("A") + index)
            lines.append(f"{letter}. {' '.join(answer.text.split())}")
            right = letter if answer.fraction == 1 else right
        lines.append(f"ANSWER: {right}")
        out.append("\n".join(lines) + "\n")
    return "\n".join(out)


def writable(question: ParsedQuestion) -> bool:
    return (
        question.kind in ("single", "true_false")
        and 2 <= len(question.answers) <= 26
        and [answer.fraction for answer in question.answers].count(1.0) == 1
        and all(answer.fraction in (0.0, 1.0) for answer in question.answers)
    )
