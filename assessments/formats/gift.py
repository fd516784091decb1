"""Moodle's GIFT question format: read and write.

Written here because no maintained Python library reads GIFT (the PyPI packages are
unmaintained, cover a subset, and report no line numbers). The grammar follows Moodle's
documentation (docs.moodle.org, "GIFT format") and behaves as Moodle's importer does where
the documentation is silent:

- questions are separated by blank lines; lines starting with ``//`` are comments;
- every line is trimmed first, as Moodle does (an indented continuation keeps no indent);
- ``$CATEGORY: path`` sets the category of the questions after it;
- ``::name::`` names a question; ``[html]``, ``[markdown]``, ``[plain]`` or ``[moodle]`` before
  a text gives its format (``[plain]`` question text becomes Markdown that shows it as written);
- ``\\~ \\= \\# \\{ \\} \\: \\\\`` are literal characters and ``\\n`` a line break;
- inside the braces: ``####`` starts the general feedback, ``#`` an answer's feedback;
  ``=`` marks a right answer and ``~`` a wrong one; ``~%50%`` or ``=%-25%`` give a weight;
- ``{T}``/``{TRUE}``/``{F}``/``{FALSE}`` is true/false (``{T#wrong#right}`` adds feedback);
  only ``=`` answers is short answer; ``{#…}`` is numerical (``3:2`` value and tolerance,
  ``1..5`` a range, several ``=%w%`` answers for partial credit, ``~#…`` feedback for the rest);
- text after the closing brace makes the braces a blank ("missing word" format).

Essay (``{}``), matching (``=a -> b``) and description (no braces) questions can't be scored
automatically: each is reported as a problem with its line and skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from decimal import Decimal

from django.utils.translation import gettext as _

from assessments.formats.bank import (
    ParsedAnswer,
    ParsedQuestion,
    ParseResult,
    Problem,
    TextFormat,
    plain_markdown,
)
from core import limits

FORMATS: tuple[TextFormat, ...] = ("moodle", "html", "markdown", "plain")
BLANK = "_____"
_BLANK_MARK = "\ue010"  # holds the blank's place while plain text is escaped
MAX_ANSWERS = limits.GIFT.choices or 0  # an alias of core.limits.GIFT

# Escaped characters become private-use code points while the structure is parsed.
_ESCAPED = {"\\": "\ue000", ":": "\ue001", "#": "\ue002", "=": "\ue003", "{": "\ue004"}
_ESCAPED |= {"}": "\ue005", "~": "\ue006", "n": "\ue007"}
_RESTORED = {code: ("\n" if char == "n" else char) for char, code in _ESCAPED.items()}
_ESCAPE_RE = re.compile(r"\\([\\:#={}~n])")
_WEIGHT_RE = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TRUE, _FALSE = ("T", "TRUE"), ("F", "FALSE")


class _Skip(Exception):
    """A question that can't be imported; the message says why."""


def parse(text: str) -> ParseResult:
    """Every question in ``text`` (a whole GIFT file), and every problem with its line."""
    questions: list[ParsedQuestion] = []
    problems: list[Problem] = []
    categories: list[str] = []
    category = ""
    for line, block in _blocks(text):
        if block.startswith("$CATEGORY:"):
            category = _restore(block[len("$CATEGORY:") :]).strip()
            if category and category not in categories:
                categories.append(category)
            continue
        name = ""
        try:
            name, body = _name(block)
            questions.append(_question(body, name=name, category=category, line=line))
        except _Skip as skip:
            problems.append(Problem(line=line, message=str(skip), name=name))
    return ParseResult(tuple(questions), tuple(problems), tuple(categories))


def _blocks(text: str) -> Iterable[tuple[int, str]]:
    """(first line number, text) of each blank-line separated block, comments removed and
    each line trimmed (as Moodle's ``qformat_default::readquestions``: an indented second line
    of feedback keeps none of its indentation).

    A ``$CATEGORY:`` line is a block of its own even without blank lines around it.
    """
    lines: list[str] = []
    start = 0

    def block() -> str:
        return _ESCAPE_RE.sub(lambda m: _ESCAPED[m.group(1)], "\n".join(lines).strip())

    for number, raw in enumerate([*text.splitlines(), ""], start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("$CATEGORY:"):
            if lines:
                yield start, block()
            lines = []
            if stripped:
                yield number, _ESCAPE_RE.sub(lambda m: _ESCAPED[m.group(1)], stripped)
            continue
        if stripped.startswith("//"):
            continue
        if not lines:
            start = number
        lines.append(stripped)  # Moodle trims every line before it reads a question


def _restore(text: str) -> str:
    for code, char in _RESTORED.items():
        text = text.replace(code, char)
    return text


def _name(block: str) -> tuple[str, str]:
    if not block.startswith("::"):
        return "", block
    end = block.find("::", 2)
    if end < 0:
        raise _Skip(_("The question name is not closed with “::”."))
    return _restore(block[2:end]).strip(), block[end + 2 :].strip()


def _formatted(text: str, default: TextFormat = "moodle") -> tuple[str, TextFormat]:
    """Split a leading ``[format]`` off ``text``; an unknown one is part of the text."""
    match = re.match(r"^\[(\w+)\]", text)
    if match and match.group(1) in FORMATS:
        fmt: TextFormat = match.group(1)  # type: ignore[assignment]
        return _restore(text[match.end() :]).strip(), fmt
    return _restore(text).strip(), default


def _question(body: str, *, name: str, category: str, line: int) -> ParsedQuestion:
    opening, closing = body.count("{"), body.count("}")
    if opening == 0 and closing == 0:
        raise _Skip(_("A description without answers can't be scored; it was skipped."))
    if opening != closing:
        raise _Skip(
            _(
                "The braces around the answers are not balanced: {opening} “{{” and {closing} “}}”."
            ).format(opening=opening, closing=closing)
        )
    if opening > 1:
        raise _Skip(
            _("A question with more than one set of answers (embedded answers) can't be imported.")
        )
    start, end = body.index("{"), body.index("}")
    if end < start:
        raise _Skip(_("A “}” comes before the “{” that should open the answers."))
    answers_text = body[start + 1 : end].strip()
    after = body[end + 1 :].strip()
    question_text = body[:start] + (BLANK + body[end + 1 :] if after else "")
    text, text_format = _formatted(question_text.strip())
    general_feedback = ""
    if "####" in answers_text:
        answers_text, _sep, general = answers_text.rpartition("####")
        answers_text = answers_text.strip()
        general_feedback = _formatted(general.strip(), text_format)[0]
    if not text:
        raise _Skip(_("The question has no text."))
    if text_format == "plain":  # question text is shown as Markdown: "<b>" must stay text
        text = plain_markdown(text.replace(BLANK, _BLANK_MARK)).replace(_BLANK_MARK, BLANK)
        text_format = "markdown"

    def build(kind: str, answers: list[ParsedAnswer], wrong_feedback: str = "") -> ParsedQuestion:
        return ParsedQuestion(
            kind=kind,  # type: ignore[arg-type]
            name=name,
            text=text,
            answers=tuple(answers),
            text_format=text_format,
            general_feedback=general_feedback,
            category=category,
            wrong_feedback=wrong_feedback,
            line=line,
        )

    if not answers_text:
        raise _Skip(_("An essay question can't be scored automatically; it was skipped."))
    # Counted before the answers are split: a question of a million "~a" cost a minute.
    answers_count = answers_text.count("~") + answers_text.count("=")
    if answers_count > MAX_ANSWERS:
        raise _Skip(
            _("A question may have at most {limit} answers; this one has {count}.").format(
                limit=MAX_ANSWERS, count=answers_count
            )
        )
    if answers_text.startswith("#"):
        answers, wrong = _numerical(answers_text[1:], text_format)
        return build("numerical", answers, wrong)
    if "~" in answers_text:
        single = "=" in answers_text
        answers = _choices(answers_text, text_format)
        _check_choices(answers, single=single)
        return build("single" if single else "multiple", answers)
    if "=" in answers_text and "->" in answers_text:
        raise _Skip(_("A matching question can't be imported; it was skipped."))
    verdict = answers_text.split("#", 1)[0].strip()
    if verdict in _TRUE + _FALSE:
        return build("true_false", _true_false(answers_text, text_format))
    return build("short_answer", _short_answers(answers_text, text_format))


def _weight(answer: str, default: float) -> tuple[float, str]:
    match = _WEIGHT_RE.match(answer)
    if not match:
        return default, answer
    percent = float(match.group(1))
    if not -100 <= percent <= 100:
        raise _Skip(
            _("The weight {weight}% is outside −100% … 100%.").format(weight=match.group(1))
        )
    return round(percent / 100, 6), answer[match.end() :]


def _with_feedback(answer: str, text_format: TextFormat) -> tuple[str, str]:
    text, _sep, feedback = answer.partition("#")
    return _formatted(text.strip(), text_format)[0], _formatted(feedback.strip(), text_format)[0]


def _choices(answers_text: str, text_format: TextFormat) -> list[ParsedAnswer]:
    pieces = [piece.strip() for piece in answers_text.replace("=", "~=").split("~")]
    answers = []
    for piece in pieces:
        if not piece:
            continue
        if piece.startswith("="):
            fraction, rest = 1.0, piece[1:]
        else:
            fraction, rest = _weight(piece, 0.0)
        text, feedback = _with_feedback(rest, text_format)
        if not text:
            raise _Skip(_("An answer has no text."))
        answers.append(ParsedAnswer(text=text, fraction=fraction, feedback=feedback))
    return answers


def _check_choices(answers: list[ParsedAnswer], *, single: bool) -> None:
    if len(answers) < 2:
        raise _Skip(_("A multiple-choice question needs at least two answers."))
    if not any(answer.fraction > 0 for answer in answers):
        raise _Skip(_("No answer is marked right (“=” or a positive weight)."))
    positive = sum(answer.fraction for answer in answers if answer.fraction > 0)
    if not single and abs(positive - 1) > 0.01:
        raise _Skip(
            _("The positive weights add up to {total}%, not 100%.").format(
                total=f"{positive * 100:g}"
            )
        )


def _true_false(answers_text: str, text_format: TextFormat) -> list[ParsedAnswer]:
    verdict, *feedback = (piece.strip() for piece in answers_text.split("#", 2))
    wrong = _formatted(feedback[0], text_format)[0] if feedback else ""
    right = _formatted(feedback[1], text_format)[0] if len(feedback) > 1 else ""
    is_true = verdict in _TRUE
    return [
        ParsedAnswer(
            text=_("True"), fraction=1.0 if is_true else 0.0, feedback=right if is_true else wrong
        ),
        ParsedAnswer(
            text=_("False"), fraction=0.0 if is_true else 1.0, feedback=wrong if is_true else right
        ),
    ]


def _short_answers(answers_text: str, text_format: TextFormat) -> list[ParsedAnswer]:
    answers = []
    for piece in answers_text.split("="):
        piece = piece.strip()
        if not piece:
            continue
        fraction, rest = _weight(piece, 1.0)
        text, feedback = _with_feedback(rest, text_format)
        if not text:
            raise _Skip(_("An accepted answer has no text."))
        answers.append(ParsedAnswer(text=text, fraction=fraction, feedback=feedback))
    if not answers:
        raise _Skip(_("A short-answer question needs at least one accepted answer."))
    if not any(answer.fraction > 0 for answer in answers):
        raise _Skip(_("No answer is marked right (“=” or a positive weight)."))
    return answers


def _number(text: str) -> float:
    try:
        value = float(text.strip())
    except ValueError:
        raise _Skip(_("“{text}” is not a number.").format(text=_restore(text.strip()))) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise _Skip(_("“{text}” is not a number.").format(text=text.strip()))
    return value


def _midpoint(low_text: str, high_text: str) -> tuple[float, float]:
    """The middle of the range and its half width, computed on the decimals as written:
    ``3.141..3.142`` is 3.1415 ± 0.0005, not 3.1414999999999997 ± 0.0004999999999999449.
    (Halving a decimal is exact; both texts already read as finite floats.)"""
    low, high = _number(low_text), _number(high_text)
    try:
        exact_low, exact_high = Decimal(low_text.strip()), Decimal(high_text.strip())
    except ArithmeticError:  # decimal.InvalidOperation: a number only float() reads
        return (low + high) / 2, (high - low) / 2
    return float((exact_low + exact_high) / 2), float((exact_high - exact_low) / 2)


def _numerical(answers_text: str, text_format: TextFormat) -> tuple[list[ParsedAnswer], str]:
    wrong_feedback = ""
    if "~" in answers_text:
        answers_text, _sep, wrong = answers_text.partition("~")
        wrong_feedback = _formatted(wrong.strip().removeprefix("#").strip(), text_format)[0]
    answers = []
    for piece in answers_text.split("="):
        piece = piece.strip()
        if not piece:
            continue
        fraction, rest = _weight(piece, 1.0)
        written, _sep, feedback = rest.partition("#")
        written = written.strip()
        if ".." in written[1:]:
            low_text, high_text = written.split("..", 1)
            low, high = _number(low_text), _number(high_text)
            if high < low:
                raise _Skip(
                    _("The range {range} ends below where it starts.").format(range=written)
                )
            value, tolerance = _midpoint(low_text, high_text)
        elif ":" in written[1:]:
            value_text, tolerance_text = written.split(":", 1)
            value, tolerance = _number(value_text), abs(_number(tolerance_text))
        else:
            value, tolerance = _number(written), 0.0
        answers.append(
            ParsedAnswer(
                text="",
                fraction=fraction,
                feedback=_formatted(feedback.strip(), text_format)[0],
                value=value,
                tolerance=tolerance,
            )
        )
    if not answers:
        raise _Skip(_("A numerical question needs at least one accepted answer."))
    if not any(answer.fraction > 0 for answer in answers):
        raise _Skip(_("No answer is marked right (“=” or a positive weight)."))
    return answers, wrong_feedback


# Writing ---------------------------------------------------------------------------------------

_RESERVED = str.maketrans({"\\": "\\\\", "#": "\\#", "=": "\\=", "~": "\\~", "{": "\\{"})
_RESERVED_MORE = str.maketrans({"}": "\\}", ":": "\\:", "\n": "\\n", "\r": ""})


def escape(text: str) -> str:
    return text.translate(_RESERVED).translate(_RESERVED_MORE)


def _text(text: str, text_format: TextFormat, default: TextFormat = "moodle") -> str:
    prefix = f"[{text_format}]" if text and text_format != default else ""
    if not prefix and re.match(r"^\[(\w+)\]", text):
        prefix = f"[{text_format}]"  # keep a literal leading “[word]” from reading as a format
    return prefix + escape(text)


def _percent(fraction: float) -> str:
    return f"{round(fraction * 100, 4):g}"


def dump(questions: Iterable[ParsedQuestion]) -> str:
    """GIFT text for ``questions``; ``parse(dump(qs))`` gives the same questions."""
    out: list[str] = []
    category = ""
    for question in questions:
        if question.category != category:
            category = question.category
            out.append(f"$CATEGORY: {escape(category)}\n")
        out.append(_dump_question(question))
    return "\n".join(out)


def _dump_question(question: ParsedQuestion) -> str:
    fmt = question.text_format
    head = f"::{escape(question.name)}::" if question.name else ""
    before, blank, after = question.text.partition(BLANK)
    opening = head + _text(before if blank else before + " ", fmt) + "{"
    closing = "}" + (escape(after) if blank else "")
    general = (
        "####" + _text(question.general_feedback, fmt, fmt) if question.general_feedback else ""
    )
    if question.kind == "true_false":
        right = next(answer for answer in question.answers if answer.fraction > 0)
        wrong = next(answer for answer in question.answers if answer.fraction <= 0)
        verdict = "TRUE" if right is question.answers[0] else "FALSE"
        feedback = ""
        if wrong.feedback or right.feedback:
            feedback = "#" + _text(wrong.feedback, fmt, fmt)
        if right.feedback:
            feedback += "#" + _text(right.feedback, fmt, fmt)
        return opening + verdict + feedback + general + closing + "\n"
    lines = [opening + ("#" if question.kind == "numerical" else "")]
    lines += ["\t" + _dump_answer(question, answer) for answer in question.answers]
    if question.kind == "numerical" and question.wrong_feedback:
        lines.append("\t~#" + _text(question.wrong_feedback, fmt, fmt))
    if general:
        lines.append("\t" + general)
    return "\n".join([*lines, closing]) + "\n"


def _number_text(value: float | None) -> str:
    text = repr(float(value or 0))  # the shortest text that reads back as the same float
    return text.removesuffix(".0")


def _dump_answer(question: ParsedQuestion, answer: ParsedAnswer) -> str:
    fmt = question.text_format
    feedback = "#" + _text(answer.feedback, fmt, fmt) if answer.feedback else ""
    if question.kind == "numerical":
        value = _number_text(answer.value)
        if answer.tolerance:
            value += ":" + _number_text(answer.tolerance)
        weight = "" if answer.fraction == 1 else f"%{_percent(answer.fraction)}%"
        return f"={weight}{value}{feedback}"
    body = _text(answer.text, fmt, fmt)
    if question.kind == "short_answer":
        weight = "" if answer.fraction == 1 else f"%{_percent(answer.fraction)}%"
        return f"={weight}{body}{feedback}"
    if question.kind == "single" and answer.fraction == 1:
        return f"={body}{feedback}"
    if answer.fraction == 0:
        return f"~{body}{feedback}"
    return f"~%{_percent(answer.fraction)}%{body}{feedback}"
