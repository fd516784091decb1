"""Scoring what GIFT holds (pure functions): weights on choices, short answers, numbers."""

from itertools import chain, combinations

import pytest

from assessments.scoring import Rule, answer_credit, choice_fractions, parse_number, question_credit


def subsets(ids):
    return chain.from_iterable(combinations(ids, n) for n in range(len(ids) + 1))


@pytest.mark.parametrize("kind", ["single", "true_false", "multiple"])
@pytest.mark.parametrize(
    "correct",
    [(1,), (1, 2), (2, 3, 4), (1, 2, 3, 4), ()],
    ids=["one", "two", "three", "all", "none"],
)
def test_choices_without_weights_score_exactly_as_before(kind, correct):
    """Existing quizzes have no weights: every possible answer earns what it always did."""
    rules = [Rule(id=n, is_correct=n in correct) for n in (1, 2, 3, 4)]
    for chosen in subsets([1, 2, 3, 4]):
        if kind != "multiple" and len(chosen) > 1:
            continue  # answer_save refuses several choices on these kinds
        before = answer_credit(kind=kind, correct=set(correct), chosen=set(chosen))
        assert question_credit(kind=kind, rules=rules, chosen=chosen) == pytest.approx(before)


def test_multiple_response_without_weights_gets_the_classic_shares():
    rules = [Rule(1, True), Rule(2, True), Rule(3, False)]
    assert choice_fractions("multiple", rules) == [0.5, 0.5, -0.5]


MOODLE_MULTI = [  # "What two people are entombed in Grant's tomb?" from Moodle's GIFT page
    Rule(1, False, -1.0),
    Rule(2, True, 0.5),
    Rule(3, True, 0.5),
    Rule(4, False, -1.0),
]


@pytest.mark.parametrize(
    ("chosen", "credit"),
    [((2, 3), 1.0), ((2,), 0.5), ((2, 1), 0.0), ((2, 3, 4), 0.0), ((), 0.0)],
    ids=["both", "one", "never-negative", "one-wrong-cancels", "blank"],
)
def test_weights_add_up_and_clamp_to_zero_and_one(chosen, credit):
    assert question_credit(kind="multiple", rules=MOODLE_MULTI, chosen=chosen) == credit


def test_a_partly_right_single_choice_earns_its_weight():
    rules = [Rule(1, True, 1.0), Rule(2, True, 0.5), Rule(3, False, 0.0)]
    assert question_credit(kind="single", rules=rules, chosen=[2]) == 0.5
    weights_over_one = [Rule(1, True, 0.8), Rule(2, True, 0.8)]
    assert question_credit(kind="multiple", rules=weights_over_one, chosen=[1, 2]) == 1.0


SHORT = [
    Rule(1, True, 1.0, text="Ulysses S. Grant"),
    Rule(2, True, 0.5, text="Grant"),
    Rule(3, False, 0.0, text="*Lincoln*"),
]


@pytest.mark.parametrize(
    ("typed", "credit"),
    [
        ("ulysses s. grant", 1.0),
        ("  Ulysses   S.  GRANT ", 1.0),
        ("grant", 0.5),
        ("Abraham Lincoln", 0.0),
        ("Grant!", 0.0),
        ("", 0.0),
    ],
    ids=["case", "spaces", "partial", "wildcard-wrong", "no-match", "blank"],
)
def test_short_answers_ignore_case_and_spacing(typed, credit):
    assert question_credit(kind="short_answer", rules=SHORT, text=typed) == credit


NUMBERS = [
    Rule(1, True, 1.0, value=1822.0, tolerance=0.0),
    Rule(2, True, 0.5, value=1822.0, tolerance=2.0),
    Rule(3, False, 0.0, text="*"),  # any other answer: feedback only
]


@pytest.mark.parametrize(
    ("typed", "credit"),
    [
        ("1822", 1.0),
        ("1822,0", 1.0),
        ("1 822", 1.0),
        ("1823.5", 0.5),
        ("1824", 0.5),
        ("1824.01", 0.0),
        ("eighteen", 0.0),
        ("", 0.0),
    ],
    ids=["exact", "comma", "grouped", "within", "edge", "outside", "words", "blank"],
)
def test_numerical_answers_take_the_first_range_that_holds_them(typed, credit):
    assert question_credit(kind="numerical", rules=NUMBERS, text=typed) == credit


def test_numerical_tolerance_forgives_floating_point_and_ranges_work():
    third = [Rule(1, True, 1.0, value=0.3, tolerance=0.0)]
    assert question_credit(kind="numerical", rules=third, text=str(0.1 + 0.2)) == 1.0
    range_1_to_5 = [Rule(1, True, 1.0, value=3.0, tolerance=2.0)]
    assert question_credit(kind="numerical", rules=range_1_to_5, text="1") == 1.0
    assert question_credit(kind="numerical", rules=range_1_to_5, text="0,99") == 0.0


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("1.5", 1.5),
        ("1,5", 1.5),
        ("-2", -2.0),
        ("+3", 3.0),
        ("1\xa0000", 1000.0),
        ("1,000.5", 1000.5),
        ("1.000,5", 1000.5),
        ("2e3", 2000.0),
        (".5", 0.5),
        ("abc", None),
        ("", None),
        ("1.2.3", None),
        ("nan", None),
        ("inf", None),
        ("1" * 70, None),
    ],
)
def test_numbers_are_read_leniently(text, number):
    assert parse_number(text) == number
