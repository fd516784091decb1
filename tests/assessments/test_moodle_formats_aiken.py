"""The Aiken reader against Moodle's own importer (question/format/aiken/format.php), its test
(tests/aikenformat_test.php with fixtures/aiken_errors.txt) and its import scenario
(tests/behat/aiken_import.feature with fixtures/questions.aiken.txt)."""

from __future__ import annotations

import html

import pytest
from django.utils.html import strip_tags
from hypothesis import given, settings
from hypothesis import strategies as st

from assessments import question_bank
from assessments.formats import aiken
from assessments.formats.bank import ParsedAnswer, ParsedQuestion, plain_markdown
from core.markdown import render_markdown

# Moodle's fixtures/aiken_errors.txt, and the third good question its test looks for.
MOODLE_ERRORS = """\
A question with too few answers
A) Only answer
ANSWER: A

A) Question not started

ANSWER: Question not started

A good question
A) Correct
B) Incorrect
ANSWER: A

A question started but not finished
A) Correct-ish
B) Incorrect-ish

A second good question
A)Incorrect (No space)
B)Correct (No space)
ANSWER: B

A third good question with HTML chars such as > < &
A) Correct (< > &)
B) Incorrect (< > &)
ANSWER: A
"""

# Moodle's fixtures/questions.aiken.txt
MOODLE_QUESTIONS = """\
The Moodle project was started by:
A) Petr Skoda
B) Martin Dougiamas
C) Eloy Lafuente
D) Tim Hunt
ANSWER: B

Moodle's abilities include handling user input that includes <html class="cool"> & images:
A) True
B) False
ANSWER: A
"""


def shown(markdown: str) -> str:
    """The text a reader sees where ``markdown`` is rendered (as question text is)."""
    return html.unescape(strip_tags(render_markdown(markdown)))


def test_moodles_error_fixture_reports_each_broken_question_at_moodles_lines():
    result = aiken.parse(MOODLE_ERRORS)
    assert [(p.line, p.name) for p in result.problems] == [
        (3, "A question with too few answers"),  # Moodle: "… at least 2 answers on line 3"
        (5, ""),  # "Question not started on line 5" (an option with no question)
        (7, ""),  # "Question not started on line 7" (an ANSWER line with no question)
        (18, "A question started but not finished"),  # "… before next question start …"
    ]
    messages = [p.message for p in result.problems]
    assert "at least two options" in messages[0]
    assert "option comes before" in messages[1]
    assert "no question before it" in messages[2]
    assert "line 14" in messages[3]
    assert "no “ANSWER:” line" in messages[3]


def test_moodles_error_fixture_imports_its_three_good_questions_each_on_its_own():
    good, second, third = aiken.parse(MOODLE_ERRORS).questions
    assert (good.text, good.line) == ("A good question", 9)
    assert good.answers == (ParsedAnswer("Correct", 1.0), ParsedAnswer("Incorrect", 0.0))
    # "A)Incorrect" with no space after the marker is an option, as in Moodle
    assert (shown(second.text), second.line) == ("A second good question", 18)
    assert second.answers == (
        ParsedAnswer("Incorrect (No space)", 0.0),
        ParsedAnswer("Correct (No space)", 1.0),
    )
    # options are plain text, shown escaped: Moodle stores "Correct (&lt; &gt; &amp;)"
    assert shown(third.text) == "A third good question with HTML chars such as > < &"
    assert third.answers == (
        ParsedAnswer("Correct (< > &)", 1.0),
        ParsedAnswer("Incorrect (< > &)", 0.0),
    )


def test_a_question_without_an_answer_line_in_a_file_without_blank_lines_loses_only_itself():
    result = aiken.parse(
        "First?\nA. a\nB. b\nSecond?\nA. x\nB. y\nANSWER: B\nThird?\nA. c\nB. d\nANSWER: A\n"
    )
    assert [(shown(q.text), q.line) for q in result.questions] == [("Second?", 4), ("Third?", 8)]
    assert [(p.line, p.name) for p in result.problems] == [(4, "First?")]


def test_a_stray_line_is_reported_and_not_merged_into_the_next_question():
    result = aiken.parse("A stray note\n\nWhich?\nA. a\nB. b\nANSWER: A\n")
    assert [(shown(q.text), q.line) for q in result.questions] == [("Which?", 3)]
    assert [(p.line, p.name) for p in result.problems] == [(3, "A stray note")]


def test_blank_lines_between_the_text_the_options_and_the_answer_are_ignored_as_in_moodle():
    result = aiken.parse("Which?\n\nA. a\n\nB. b\n\nANSWER: B\n")
    assert result.problems == ()
    (question,) = result.questions
    assert [a.fraction for a in question.answers] == [0.0, 1.0]


def test_text_lines_right_after_each_other_are_one_question_text():
    (question,) = aiken.parse("Read this.\nThen: which?\nA. a\nB. b\nANSWER: A\n").questions
    assert shown(question.text) == "Read this.\nThen: which?"


@pytest.mark.parametrize(
    ("line", "option"),
    [
        ("A)Incorrect", ("A", "Incorrect")),
        ("B.Correct", ("B", "Correct")),
        ("C)\tTabbed", ("C", "Tabbed")),
        ("D.  Two spaces", ("D", "Two spaces")),
        ("E) 3.5", ("E", "3.5")),
    ],
)
def test_an_option_needs_no_space_after_its_marker(line, option):
    (question,) = aiken.parse(f"Which?\n{line}\nZ) other\nANSWER: {option[0]}\n").questions
    assert question.answers[0] == ParsedAnswer(option[1], 1.0)


@pytest.mark.parametrize(
    "sentence",
    ["U.S. Army ranks: which is highest?", "A.I. helps whom?", "E.g. which one?", "Is it?"],
)
def test_a_sentence_starting_with_initials_is_question_text_not_an_option(sentence):
    result = aiken.parse(f"{sentence}\nA. a\nB. b\nANSWER: A\n")
    assert result.problems == ()
    assert shown(result.questions[0].text) == sentence


def test_answer_in_other_cases_is_read_when_only_a_letter_follows():
    result = aiken.parse(
        "Which?\nA. a\nB. b\nanswer: b\n\nAnswer: see below\nA. c\nB. d\nANSWER: A"
    )
    assert [shown(q.text) for q in result.questions] == ["Which?", "Answer: see below"]


def test_an_option_without_text_is_reported_at_the_answer_line():
    result = aiken.parse("Which?\nA.\nB. b\nANSWER: B\n")
    assert result.questions == ()
    assert [(p.line, p.message) for p in result.problems] == [(4, "Option A has no text.")]


def test_html_in_the_text_is_shown_as_written_as_in_moodles_import_scenario():
    result = aiken.parse(MOODLE_QUESTIONS)
    assert result.problems == ()
    started, cool = result.questions
    assert [a.fraction for a in started.answers] == [0.0, 1.0, 0.0, 0.0]
    literal = (
        "Moodle's abilities include handling user input that includes "
        '<html class="cool"> & images:'
    )
    assert cool.text_format == "markdown"
    assert shown(cool.text) == literal
    assert "<html" not in render_markdown(cool.text)


@pytest.mark.django_db
def test_html_in_an_aiken_question_is_stored_and_rendered_as_text(quiz):
    outcome = question_bank.question_bank_import(
        user=None, quiz=quiz, parse_result=aiken.parse(MOODLE_QUESTIONS), confirm=True, fmt="aiken"
    )
    assert outcome.created == 2
    question = outcome.version.questions.get(pk=outcome.created_ids[1])
    assert "&lt;html class=" in question.text_html
    assert "<html" not in question.text_html
    assert html.unescape(strip_tags(question.text_html)).startswith("Moodle's abilities")
    assert 'includes <html class="cool"> & images:' in html.unescape(question.text_html)


@pytest.mark.parametrize(
    "text",
    [
        "1. Which is first?",
        "2) Which is second?",
        "# Not a heading?",
        "> Not a quote?",
        "- Not a list?",
        "+ Not a list?",
        "* Not a list?",
        "*Not emphasis*?",
        "_Not emphasis_ or __strong__?",
        "`not code`?",
        "```",
        "~~~",
        "---",
        "===",
        "[not a link](http://example.com)?",
        "![not an image](x.png)?",
        "<http://example.com> not an autolink?",
        "<b>not bold</b> & <script>alert(1)</script>?",
        "a | table | row?",
        "&amp; &copy; &#169; &#xA9; stay entities as written?",
        "A backslash \\ and an escape \\* stay?",
        "Ends with a backslash\\",
        "3.14 is pi? 5 * 3 = 15?",
        "Q&A, R&D, AT&T?",
    ],
)
def test_markdown_in_plain_text_shows_as_written(text):
    assert shown(plain_markdown(text)) == text


@settings(deadline=None)  # a loaded CI runner; the property is what is tested
@given(
    st.lists(
        st.text(
            alphabet=st.sampled_from(list("aZ09 .)(-+=#>*_`~[]!<>&;|\\:/\"'\t%{}é")), min_size=1
        )
        .map(str.strip)
        .filter(bool),
        min_size=1,
        max_size=3,
    )
)
def test_any_plain_text_lines_show_as_written(lines):
    markdown = plain_markdown("\n".join(lines))
    assert shown(markdown) == "\n".join(lines)


def test_written_aiken_holds_the_shown_text_and_reads_back_as_the_same_question():
    question = ParsedQuestion(
        kind="single",
        name="",
        text="Which **one** is <b>right</b>? \\<b>",
        answers=(ParsedAnswer("a <i>", 1.0), ParsedAnswer("b", 0.0)),
        text_format="markdown",
    )
    written = aiken.dump([question])
    assert written.startswith("Which one is right? <b>\nA. a <i>\n")
    (again,) = aiken.parse(written).questions
    assert shown(again.text) == "Which one is right? <b>"
    assert aiken.parse(aiken.dump([again])).questions == (again,)


@pytest.mark.django_db
def test_the_import_preview_shows_escaped_text_as_written(client, admin_user, quiz_published):
    """The preview rendered the stored (escaped) Markdown raw: ``\\<html class="cool">``."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    quiz = quiz_published()
    client.force_login(admin_user)
    source = 'Is <html class="cool"> & *this* shown?\nA. Yes\nB. No\nANSWER: A\n'
    response = client.post(
        "/question-bank/import/",
        {"quiz": quiz.pk, "file": SimpleUploadedFile("q.txt", source.encode()), "format": "aiken"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert '<p>Is &lt;html class="cool"&gt; &amp; *this* shown?</p>' in page
    assert "\\&lt;html" not in page
