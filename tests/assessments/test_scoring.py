"""The pure scoring rules, bands at their edges and stable shuffles (item analysis:
``test_item_analysis.py``)."""

from dataclasses import dataclass

import pytest

from assessments.scoring import answer_credit, band_for, shuffled


@pytest.mark.parametrize(
    ("kind", "correct", "chosen", "credit"),
    [
        ("single", {1}, {1}, 1.0),
        ("single", {1}, {2}, 0.0),
        ("single", {1}, set(), 0.0),
        ("single", {1}, {1, 2}, 0.0),
        ("true_false", {7}, {7}, 1.0),
        ("true_false", {7}, {8}, 0.0),
        ("multiple", {1, 2, 3}, {1, 2, 3}, 1.0),
        ("multiple", {1, 2, 3}, {1, 2}, 2 / 3),
        ("multiple", {1, 2, 3}, {1, 2, 4}, 1 / 3),
        ("multiple", {1, 2, 3}, {1, 2, 3, 4, 5}, 1 / 3),
        ("multiple", {1, 2}, {3, 4}, 0.0),
        ("multiple", {1, 2}, {1, 3, 4}, 0.0),
        ("multiple", {1, 2}, set(), 0.0),
    ],
    ids=[
        "single-right",
        "single-wrong",
        "single-blank",
        "single-two-chosen",
        "tf-right",
        "tf-wrong",
        "multi-all-right",
        "multi-two-of-three",
        "multi-two-right-one-wrong",
        "multi-everything",
        "multi-only-wrong",
        "multi-never-negative",
        "multi-blank",
    ],
)
def test_answer_credit(kind, correct, chosen, credit):
    assert answer_credit(kind=kind, correct=correct, chosen=chosen) == pytest.approx(credit)


@dataclass
class Band:
    min_score: float
    label: str


LEAD_BANDS = [Band(4, "Ready to lead"), Band(2, "On the right track"), Band(0, "Time to skill up")]


@pytest.mark.parametrize(
    ("score", "label"),
    [
        (5, "Ready to lead"),
        (4, "Ready to lead"),
        (3.99, "On the right track"),
        (3.5, "On the right track"),
        (2, "On the right track"),
        (1.99, "Time to skill up"),
        (1, "Time to skill up"),
        (0, "Time to skill up"),
    ],
)
def test_bands_at_their_edges(score, label):
    assert band_for(LEAD_BANDS, score).label == label


def test_no_band_below_the_lowest():
    assert band_for([Band(1, "x")], 0.5) is None
    assert band_for([], 3) is None


def test_shuffles_are_stable_per_seed_and_differ_between_seeds():
    items = list(range(20))
    assert shuffled(items, 42) == shuffled(items, 42)
    assert sorted(shuffled(items, 42)) == items
    assert shuffled(items, 42) != shuffled(items, 43)
