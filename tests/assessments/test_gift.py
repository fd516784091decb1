"""The GIFT reader and writer, on the examples of Moodle's GIFT documentation."""

from __future__ import annotations

import pytest

from assessments.formats import gift
from assessments.formats.bank import ParsedAnswer, ParsedQuestion

MOODLE_EXAMPLES = """\
// Examples from Moodle's "GIFT format" documentation page.
$CATEGORY: tom/dick/harry

//Comment line
::Question title
:: Question {
     =A correct answer
     ~Wrong answer1
     #A response to wrong answer1
     ~Wrong answer2
     #A response to wrong answer2
}

Who's buried in Grant's tomb?{~Grant ~Jefferson =no one}

Grant is {~buried =entombed ~living} in Grant's tomb.

Grant is buried in Grant's tomb.{FALSE#No one is buried in Grant's tomb.#Right.}

The sun rises in the east.{T}

Who's buried in Grant's tomb?{=no one#excellent answer! =nobody =%50%Grant#half credit}

When was Ulysses S. Grant born? {#1822:5}

What is the value of pi (to 3 decimal places)? {#3.141..3.142}

When was Ulysses S. Grant born? {#
         =1822:0      # Correct! Full credit.
         =%50%1822:2  # He was born in 1822. Half credit for being close.
         ~#Not even close.
}

What two people are entombed in Grant's tomb? {
   ~%-100%No one
   ~%50%Grant
   ~%50%Grant's wife
   ~%-100%Grant's father
}

$CATEGORY: escalations

::Escapes:: [markdown]Which is **\\{not\\}** a \\: separator \\~ here?\\nSecond line {
   =a \\= b#right\\#1
   ~c
   ####General \\# feedback
}
"""


def by_text(result, start: str) -> ParsedQuestion:
    return next(q for q in result.questions if q.text.startswith(start))


def test_every_scorable_type_of_the_moodle_examples_is_read_with_its_answers():
    result = gift.parse(MOODLE_EXAMPLES)
    assert result.problems == ()
    assert result.categories == ("tom/dick/harry", "escalations")
    assert len(result.questions) == 11

    titled = result.questions[0]
    assert (titled.name, titled.text, titled.kind, titled.line) == (
        "Question title",
        "Question",
        "single",
        5,
    )
    assert titled.category == "tom/dick/harry"
    assert titled.answers == (
        ParsedAnswer("A correct answer", 1.0),
        ParsedAnswer("Wrong answer1", 0.0, "A response to wrong answer1"),
        ParsedAnswer("Wrong answer2", 0.0, "A response to wrong answer2"),
    )

    missing_word = by_text(result, "Grant is _____")
    assert missing_word.text == "Grant is _____ in Grant's tomb."
    assert [a.text for a in missing_word.answers if a.fraction == 1] == ["entombed"]

    false = by_text(result, "Grant is buried")
    assert false.kind == "true_false"
    assert [(a.fraction, a.feedback) for a in false.answers] == [
        (0.0, "No one is buried in Grant's tomb."),  # True: the wrong answer's feedback
        (1.0, "Right."),
    ]
    assert [a.fraction for a in by_text(result, "The sun").answers] == [1.0, 0.0]

    short = by_text(result, "Who's buried in Grant's tomb?")
    assert short.kind == "single"  # the first one; the short-answer one follows
    short = next(q for q in result.questions if q.kind == "short_answer")
    assert short.answers == (
        ParsedAnswer("no one", 1.0, "excellent answer!"),
        ParsedAnswer("nobody", 1.0),
        ParsedAnswer("Grant", 0.5, "half credit"),
    )

    numerical = [q for q in result.questions if q.kind == "numerical"]
    assert [(a.value, a.tolerance) for a in numerical[0].answers] == [(1822, 5)]
    assert numerical[1].answers[0].value == pytest.approx(3.1415)
    assert numerical[1].answers[0].tolerance == pytest.approx(0.0005)
    assert [(a.fraction, a.value, a.tolerance, a.feedback) for a in numerical[2].answers] == [
        (1.0, 1822, 0, "Correct! Full credit."),
        (0.5, 1822, 2, "He was born in 1822. Half credit for being close."),
    ]
    assert numerical[2].wrong_feedback == "Not even close."

    multiple = by_text(result, "What two people")
    assert multiple.kind == "multiple"
    assert [a.fraction for a in multiple.answers] == [-1.0, 0.5, 0.5, -1.0]


def test_escapes_formats_and_general_feedback():
    question = gift.parse(MOODLE_EXAMPLES).questions[-1]
    assert question.name == "Escapes"
    assert question.text_format == "markdown"
    assert question.text == "Which is **{not}** a : separator ~ here?\nSecond line"
    assert question.answers[0] == ParsedAnswer("a = b", 1.0, "right#1")
    assert question.general_feedback == "General # feedback"
    assert question.category == "escalations"


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("Write an essay. {}", 3, "essay"),
        ("Match. {=Canada -> Ottawa =Italy -> Rome}", 3, "matching"),
        ("Just a description.", 3, "description"),
        ("Unbalanced {=a ~b", 3, "not balanced"),
        ("No right answer {~a ~b}", 3, "No answer is marked right"),
        ("Weights {~%50%a ~%20%b ~c}", 3, "add up to 70%"),
        ("Too heavy {~%150%a ~b}", 3, "outside"),
        ("::Unclosed name {=a ~b}", 3, "not closed"),
        ("Not a number {#twelve}", 3, "not a number"),
        ("Backwards {#5..1}", 3, "ends below"),
        ("Two blanks {=a ~b} and {=c ~d}", 3, "more than one set"),
    ],
)
def test_what_cannot_be_imported_is_reported_with_its_line_and_the_rest_is_kept(
    source, line, message
):
    text = f"// a comment\n\n{source}\n\nKept {{=yes ~no}}\n"
    result = gift.parse(text)
    assert [q.text for q in result.questions] == ["Kept"]
    assert len(result.problems) == 1
    assert result.problems[0].line == line
    assert message in result.problems[0].message


def test_an_empty_file_has_no_questions_and_no_problems():
    assert gift.parse("") == gift.parse("// only a comment\n\n\n")
    assert gift.parse("").questions == ()


def test_writing_then_reading_gives_the_same_questions():
    original = gift.parse(MOODLE_EXAMPLES).questions
    written = gift.dump(original)
    again = gift.parse(written)
    assert again.problems == ()
    assert len(again.questions) == len(original)
    for before, after in zip(original, again.questions, strict=True):
        assert after.same_content(before), (before, after)


def test_text_that_looks_like_gift_syntax_survives_a_round_trip():
    question = ParsedQuestion(
        kind="single",
        name="Colons: and {braces}",
        text="[Draft] 50% of ~users = #1\\n? Use C:\\path\n- a list",
        answers=(
            ParsedAnswer("=yes", 1.0, "#fine"),
            ParsedAnswer("~no {really}", 0.0),
            ParsedAnswer("maybe", 0.25, "partial"),
        ),
        general_feedback="See SOP: escalations",
        category="a/b",
    )
    again = gift.parse(gift.dump([question]))
    assert again.problems == ()
    assert again.questions[0].same_content(question)


def test_a_category_line_needs_no_blank_line_after_it():
    result = gift.parse("$CATEGORY: escalations\nWho decides? {=the lead ~the agent}\n")
    assert [(q.category, q.line) for q in result.questions] == [("escalations", 2)]
