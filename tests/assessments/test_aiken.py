"""The Aiken reader and writer, on the examples of Moodle's Aiken documentation."""

from __future__ import annotations

import pytest

from assessments.formats import aiken
from assessments.formats.bank import ParsedAnswer, ParsedQuestion

MOODLE_EXAMPLE = """\
What is the correct answer to this question?
A. Is it this one?
B. Maybe this answer?
C. Possibly this one?
D. Must be this one!
ANSWER: D
Which LMS has the most quiz import formats?
A) Moodle
B) ATutor
C) Claroline
ANSWER: A
"""


def test_both_option_styles_and_questions_without_blank_lines_between():
    result = aiken.parse(MOODLE_EXAMPLE)
    assert result.problems == ()
    first, second = result.questions
    assert (first.text, first.line, first.kind) == (
        "What is the correct answer to this question?",
        1,
        "single",
    )
    assert [(a.text, a.fraction) for a in first.answers] == [
        ("Is it this one?", 0.0),
        ("Maybe this answer?", 0.0),
        ("Possibly this one?", 0.0),
        ("Must be this one!", 1.0),
    ]
    assert second.line == 7
    assert [a.fraction for a in second.answers] == [1.0, 0.0, 0.0]


@pytest.mark.parametrize(
    ("source", "problems"),
    [
        ("Q?\nA. one\nB. two\nANSWER: E", [(9, "not one of the options")]),
        ("Q?\nA. one\nANSWER: A", [(8, "at least two options")]),
        ("Q?\nA. one\nB. two", [(10, "The question on line 6 has no “ANSWER:” line")]),
        (
            "Q?\nA. one\nB. two\nsomething else\nANSWER: A",
            [(9, "The question on line 6 has no “ANSWER:” line"), (10, "at least two options")],
        ),
        ("ANSWER: A", [(6, "no question before it")]),
        (
            "A. one\nB. two\nANSWER: A",
            [(6, "option comes before"), (7, "option comes before"), (8, "no question before")],
        ),
        ("Q?\nA. one\nA. two\nANSWER: A", [(9, "same letter")]),
    ],
)
def test_bad_questions_are_reported_with_their_line_and_the_next_one_is_kept(source, problems):
    """Each at the line where Moodle's importer reports it."""
    result = aiken.parse(
        f"Kept?\nA. yes\nB. no\nANSWER: A\n\n{source}\n\nAlso kept?\nA. x\nB. y\nANSWER: b\n"
    )
    assert [q.text for q in result.questions] == ["Kept?", "Also kept?"]
    assert len(result.problems) == len(problems)
    for problem, (line, message) in zip(result.problems, problems, strict=True):
        assert problem.line == line
        assert message in problem.message


def test_writing_then_reading_gives_the_same_questions_and_skips_what_aiken_cannot_hold():
    single = ParsedQuestion(
        kind="single",
        name="",
        text="Which channel answers fastest?",
        answers=(ParsedAnswer("Email", 0.0), ParsedAnswer("Chat", 1.0)),
        text_format="markdown",  # as a stored question is written
    )
    weighted = ParsedQuestion(
        kind="multiple",
        name="",
        text="Pick two",
        answers=(ParsedAnswer("a", 0.5), ParsedAnswer("b", 0.5), ParsedAnswer("c", 0.0)),
    )
    written = aiken.dump([single, weighted])
    assert "Pick two" not in written
    assert aiken.writable(single)
    assert not aiken.writable(weighted)
    (again,) = aiken.parse(written).questions
    assert again.same_content(single)
