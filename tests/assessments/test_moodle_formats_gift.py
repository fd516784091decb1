"""The GIFT reader against Moodle's own importer (question/format/gift/format.php, which reads
lines trimmed by question/format.php), its fixture (tests/fixtures/questions.gift.txt, which
Moodle imports as 9 questions), its examples (examples.txt) and the "GIFT format" page of
Moodle's documentation."""

from __future__ import annotations

import html

import pytest
from django.utils.html import strip_tags

from assessments import question_bank
from assessments.formats import gift
from assessments.formats.bank import ParsedAnswer
from core.markdown import render_markdown

# Moodle's tests/fixtures/questions.gift.txt (the stray '";' are in Moodle's file too)
MOODLE_FIXTURE = """\
// essay
::Q8:: How are you? {}

// question: 2  name: Moodle activities
::Moodle activities::[html]Match the <b>activity</b> to the description.{
    =[html]An activity supporting asynchronous discussions. -> Forum
    =[moodle]A teacher asks a question and specifies a choice of multiple responses. -> Choice
    =[plain]A bank of record entries which participants can add to. -> Database
    =[markdown]A collection of web pages that anyone can add to or edit. -> Wiki
    = -> Chat
}

// multiple choice with specified feedback for right and wrong answers
::Q2:: What's between orange and green in the spectrum?
{
    =yellow # right; good!
    ~red # [html]wrong, it's yellow
    ~[plain]blue # wrong, it's yellow
}

// multiple choice, multiple response with specified feedback for right and wrong answers
::colours:: What's between orange and green in the spectrum?
{
    ~%50%yellow # right; good!
    ~%-100%red # [html]wrong
    ~%50%off-beige # right; good!
    ~%-100%[plain]blue # wrong
}

// math range question
::Q5:: What is a number from 1 to 5? {#3:2~#Completely wrong}";

// question: 666  name: Shortanswer
::Shortanswer::Which is the best animal?{
    =Frog#Good!
    =%50%Cat#What is it with Moodlers and cats?
    =%0%*#Completely wrong
}

// true/false, with general feedback
::Q1:: 42 is the Absolute Answer to everything.{
FALSE#42 is the Ultimate Answer.#You gave the right answer.
####This is, of course, a Hitchiker's Guide to the Galaxy reference.}";

// name 0-11
::2-08 TSL::TSL is blablabla.{T}

// name 0-11
::2-08 TSL::TSL is blablabla.{TRUE}
"""

# The quick examples at the top of Moodle's "GIFT format" documentation page.
DOC_QUICK_EXAMPLES = """\
// true/false
::Q1:: 1+1=2 {T}

// multiple choice with specified feedback for right and wrong answers
::Q2:: What's between orange and green in the spectrum?
{ =yellow # right; good! ~red # wrong, it's yellow ~blue # wrong, it's yellow }

// fill-in-the-blank
::Q3:: Two plus {=two =2} equals four.

// matching
::Q4:: Which animal eats which food? { =cat -> cat food =dog -> dog food }

// math range question
::Q5:: What is a number from 1 to 5? {#3:2}

// math range specified with interval end points
::Q6:: What is a number from 1 to 5? {#1..5}
// translated on import to the same as Q5, but unavailable from Moodle question interface

// multiple numeric answers with partial credit and feedback
::Q7:: When was Ulysses S. Grant born? {#
         =1822:0      # Correct! Full credit.
         =%50%1822:2  # He was born in 1822. Half credit for being close.
}

// essay
::Q8:: How are you? {}
"""


def shown(markdown: str) -> str:
    """The text a reader sees where ``markdown`` is rendered (as question text is)."""
    return html.unescape(strip_tags(render_markdown(markdown)))


def named(result, name):
    return next(q for q in result.questions if q.name == name)


def test_moodles_fixture_gives_every_question_moodle_imports_that_can_be_scored():
    result = gift.parse(MOODLE_FIXTURE)
    # Moodle imports 9; essay and matching questions can't be scored here and are reported
    assert [(p.line, p.name) for p in result.problems] == [
        (2, "Q8"),
        (5, "Moodle activities"),
    ]
    assert [q.name for q in result.questions] == [
        "Q2",
        "colours",
        "Q5",
        "Shortanswer",
        "Q1",
        "2-08 TSL",
        "2-08 TSL",
    ]
    single = named(result, "Q2")
    assert single.answers == (
        ParsedAnswer("yellow", 1.0, "right; good!"),
        ParsedAnswer("red", 0.0, "wrong, it's yellow"),  # "[html]" is the feedback's format
        ParsedAnswer("blue", 0.0, "wrong, it's yellow"),  # "[plain]" is the answer's format
    )
    assert [a.fraction for a in named(result, "colours").answers] == [0.5, -1.0, 0.5, -1.0]
    numerical = named(result, "Q5")
    assert [(a.value, a.tolerance) for a in numerical.answers] == [(3, 2)]
    assert numerical.wrong_feedback == "Completely wrong"
    assert [(a.text, a.fraction) for a in named(result, "Shortanswer").answers] == [
        ("Frog", 1.0),
        ("Cat", 0.5),
        ("*", 0.0),
    ]
    false = named(result, "Q1")
    assert false.general_feedback.startswith("This is, of course,")
    assert [(a.text, a.fraction, a.feedback) for a in false.answers] == [
        ("True", 0.0, "42 is the Ultimate Answer."),
        ("False", 1.0, "You gave the right answer."),
    ]


@pytest.mark.django_db
def test_moodles_fixture_imports_both_identical_true_false_questions(quiz):
    """Moodle's fixture ends with "::2-08 TSL::TSL is blablabla." twice, once {T} and once
    {TRUE}; Moodle imports both (9 questions)."""
    outcome = question_bank.question_bank_import(
        user=None, quiz=quiz, parse_result=gift.parse(MOODLE_FIXTURE), confirm=True
    )
    assert outcome.created == 7


def test_the_quick_examples_of_moodles_documentation():
    result = gift.parse(DOC_QUICK_EXAMPLES)
    assert [(p.line, p.name) for p in result.problems] == [(12, "Q4"), (28, "Q8")]
    assert [(q.name, q.kind) for q in result.questions] == [
        ("Q1", "true_false"),
        ("Q2", "single"),
        ("Q3", "short_answer"),
        ("Q5", "numerical"),
        ("Q6", "numerical"),
        ("Q7", "numerical"),
    ]
    assert named(result, "Q1").text == "1+1=2"
    assert named(result, "Q3").text == "Two plus _____ equals four."
    # "translated on import to the same as Q5"
    assert named(result, "Q6").answers == named(result, "Q5").answers
    assert [
        (a.fraction, a.value, a.tolerance, a.feedback) for a in named(result, "Q7").answers
    ] == [
        (1.0, 1822, 0, "Correct! Full credit."),
        (0.5, 1822, 2, "He was born in 1822. Half credit for being close."),
    ]


def test_feedback_over_several_lines_loses_each_lines_indentation_as_in_moodle():
    """examples.txt: Moodle trims every line of a file before it reads the question."""
    result = gift.parse(
        "::Numerical example::\n"
        "When was Ulysses S. Grant born? {#\n"
        "     =1822:0      #Correct! 100% credit\n"
        "     =%50%1822:2  #He was born in 1822.\n"
        "                  You get 50% credit for being close.\n"
        "}\n"
        "\n"
        "::GIFT Control Characters::\n"
        "Which of the following is NOT a control character for the GIFT import format? {\n"
        "   ~ \\~     # \\~ is a control character.\n"
        "   = \\\\     # Correct! \\\\ (backslash) is not a control character. BUT,\n"
        "              it is used to escape the control characters.\n"
        "}\n"
    )
    assert result.problems == ()
    numerical, control = result.questions
    assert numerical.answers[1].feedback == (
        "He was born in 1822.\nYou get 50% credit for being close."
    )
    assert control.answers == (
        ParsedAnswer("~", 0.0, "~ is a control character."),
        ParsedAnswer(
            "\\",
            1.0,
            "Correct! \\ (backslash) is not a control character. BUT,\n"
            "it is used to escape the control characters.",
        ),
    )


def test_indented_question_text_and_general_feedback_lines_are_trimmed_too():
    (question,) = gift.parse(
        "::Kanji Origins::Japanese characters originally\n"
        "    came from what country? {\n"
        "    =China\n"
        "    ~Korea\n"
        "    ####Kanji came\n"
        "        from China.\n"
        "}\n"
    ).questions
    assert question.text == "Japanese characters originally\ncame from what country?"
    assert question.general_feedback == "Kanji came\nfrom China."


@pytest.mark.parametrize(
    ("answer", "value", "tolerance"),
    [
        ("3.141..3.142", 3.1415, 0.0005),
        ("0.1..0.2", 0.15, 0.05),
        ("-0.3..-0.1", -0.2, 0.1),
        ("1..5", 3, 2),
        ("1.1..1.1", 1.1, 0),
        ("1e-3..3e-3", 0.002, 0.001),
    ],
)
def test_a_range_is_its_exact_midpoint_and_half_width(answer, value, tolerance):
    (question,) = gift.parse(f"Pick one {{#{answer}}}").questions
    (parsed,) = question.answers
    assert (parsed.value, parsed.tolerance) == (value, tolerance)


def test_a_range_reads_back_as_written_in_the_preview_and_the_export():
    result = gift.parse("What is the value of pi (to 3 decimal places)? {#3.141..3.142}.")
    (question,) = result.questions
    assert question.text == "What is the value of pi (to 3 decimal places)? _____."
    assert "=3.1415:0.0005" in gift.dump([question])
    planned, _problem = question_bank._planned(question, question_bank._SkillSlugs())
    assert planned is not None
    assert planned.choices[0].text == "3.1415 ± 0.0005"


def test_an_answer_with_no_equals_sign_is_a_short_answer_as_in_moodles_documentation():
    """The documentation's "Special characters" example: ``1 + 2 \\= {3}``."""
    (question,) = gift.parse("1 + 2 \\= {3}").questions
    assert (question.kind, question.text) == ("short_answer", "1 + 2 =")
    assert question.answers == (ParsedAnswer("3", 1.0),)


def test_answers_and_feedback_on_separate_lines_with_spaces_inside_the_braces():
    """The layout the documentation's examples are also written in."""
    result = gift.parse(
        "::Q1:: 1+1=2\n{ T }\n\n"
        "::Q7:: When was Ulysses S. Grant born?\n{\n  #\n"
        "  =1822:0\n  # Correct! You get full credit.\n"
        "  =%50%1822:2\n  # He was born in 1822. You get half credit for being close.\n}\n"
    )
    assert result.problems == ()
    true, numerical = result.questions
    assert [a.fraction for a in true.answers] == [1.0, 0.0]
    assert [(a.fraction, a.value, a.tolerance, a.feedback) for a in numerical.answers] == [
        (1.0, 1822, 0, "Correct! You get full credit."),
        (0.5, 1822, 2, "He was born in 1822. You get half credit for being close."),
    ]


def test_general_feedback_takes_its_own_format_prefix_off():
    """Moodle's test_import_shortanswer_with_general_feedback."""
    (question,) = gift.parse(
        "::Shortanswer::Which is the best animal?{\n    =Frog#Good!\n"
        "    ####[html]Here is some general feedback!\n}"
    ).questions
    assert question.general_feedback == "Here is some general feedback!"


def test_plain_question_text_is_shown_as_written():
    """``[plain]`` (the documentation's format table): "<b>" is text, as in Moodle."""
    result = gift.parse(
        "::Tags::[plain]Is <b>bold</b> a *tag*? {T}\n\n"
        "::Blank::[plain]1. Use <br> for {=a line break ~a paragraph} in HTML.\n"
    )
    assert result.problems == ()
    tags, blank = result.questions
    assert tags.text_format == blank.text_format == "markdown"
    assert shown(tags.text) == "Is <b>bold</b> a *tag*?"
    assert shown(blank.text) == "1. Use <br> for _____ in HTML."
    again = gift.parse(gift.dump(result.questions))
    assert again.problems == ()
    for before, after in zip(result.questions, again.questions, strict=True):
        assert after.same_content(before), (before, after)
