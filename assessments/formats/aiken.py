"""Moodle's Aiken format: one single-choice question per paragraph, read and written.

    Which channel answers fastest?
    A. Email
    B) Chat
    ANSWER: B

The question text comes first (Moodle wants one line; several lines are accepted), then the
options, each a capital letter with ``.`` or ``)`` and a space, then ``ANSWER:`` and the letter.
Blank lines between questions are optional. Aiken has no names, feedback or weights.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

from assessments.formats.bank import ParsedAnswer, ParsedQuestion, ParseResult, Problem

_OPTION_RE = re.compile(r"^([A-Z])[.)]\s+(.*\S)\s*$")
_ANSWER_RE = re.compile(r"^ANSWER\s*:\s*(\S*)\s*$", re.IGNORECASE)


def parse(text: str) -> ParseResult:
    questions: list[ParsedQuestion] = []
    problems: list[Problem] = []
    start = 0
    stem: list[str] = []
    options: list[tuple[str, str]] = []
    skipping = False  # after a broken question: up to its ANSWER line or a blank line

    def reset() -> None:
        nonlocal start
        stem.clear()
        options.clear()
        start = 0

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if skipping:
            skipping = bool(line) and not _ANSWER_RE.match(line)
            continue
        if not line:
            if stem and not options:
                continue  # a blank line inside a question's text
            if options:
                problems.append(Problem(start, _("The question has no “ANSWER:” line.")))
                reset()
            continue
        if not start:
            start = number
        answer = _ANSWER_RE.match(line)
        option = _OPTION_RE.match(line)
        if answer:
            problem = _check(stem, options, answer.group(1).upper())
            if problem:
                problems.append(Problem(start, problem))
            else:
                letter = answer.group(1).upper()
                answers = tuple(
                    ParsedAnswer(text=text, fraction=1.0 if key == letter else 0.0)
                    for key, text in options
                )
                questions.append(
                    ParsedQuestion(
                        kind="single", name="", text="\n".join(stem), answers=answers, line=start
                    )
                )
            reset()
        elif option and stem:
            options.append((option.group(1), option.group(2)))
        elif options:
            problems.append(
                Problem(
                    number,
                    _("“{line}” is neither an option nor an “ANSWER:” line.").format(line=line),
                )
            )
            reset()
            skipping = True
        else:
            stem.append(line)
    if stem:
        problems.append(Problem(start, _("The question has no “ANSWER:” line.")))
    return ParseResult(tuple(questions), tuple(problems))


def _check(stem: list[str], options: list[tuple[str, str]], letter: str) -> str:
    if not stem:
        return _("An “ANSWER:” line has no question before it.")
    if len(options) < 2:
        return _("A question needs at least two options (“A.”, “B.”, …).")
    letters = [key for key, _text in options]
    if len(set(letters)) != len(letters):
        return _("Two options have the same letter.")
    if letter not in letters:
        return _("The answer “{letter}” is not one of the options {letters}.").format(
            letter=letter, letters=", ".join(letters)
        )
    return ""


def dump(questions: Iterable[ParsedQuestion]) -> str:
    """Aiken text for the single-choice questions with exactly one right answer; the rest
    can't be written in Aiken and are left out (``writable`` says which)."""
    out = []
    for question in questions:
        if not writable(question):
            continue
        lines = [" ".join(question.text.split())]
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
