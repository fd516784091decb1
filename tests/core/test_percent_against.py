"""A figure beside a verdict never contradicts it: a score is judged on its exact value, and
the shown percentage stays on the verdict's side of the pass mark (79.69% against 80% is not
shown as "80%" beside "not passed yet")."""

from __future__ import annotations

import re

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from assessments import services
from assessments.models import Attempt
from core.formats import percent_against
from tests import factories


@pytest.mark.parametrize(
    ("value", "mark", "english", "polish"),
    [
        (79.69, 80, "79.7%", "79,7%"),
        (79.996, 80, "79.99%", "79,99%"),
        (79.4, 80, "79%", "79%"),
        (80.0, 80, "80%", "80%"),
        (80.4, 80, "80%", "80%"),
        (99.6, 100, "99.6%", "99,6%"),
        (0.0, 0, "0%", "0%"),
        (None, 80, "", ""),
    ],
)
def test_the_shown_figure_stays_on_the_verdicts_side(value, mark, english, polish):
    with translation.override("en"):
        assert percent_against(value, mark) == english
    with translation.override("pl"):
        assert percent_against(value, mark) == polish


@given(
    value=st.floats(min_value=0, max_value=100, allow_nan=False),
    mark=st.integers(min_value=1, max_value=100),
)
def test_never_on_the_other_side(value, mark):
    with translation.override("en"):
        shown = float(percent_against(value, mark).rstrip("%"))
    assert (shown >= mark) == (value >= mark)
    assert abs(shown - value) < 1  # and still the figure, not a made-up one


def scored_just_below_the_mark(member) -> tuple[Attempt, int]:
    """A scored attempt of ``member`` 0.31 points below its pass mark, and the mark."""
    quiz = factories.quiz_published()
    attempt = services.attempt_start(quiz=quiz, user=member)
    services.attempt_submit(attempt=attempt)
    services.attempt_score(attempt_id=attempt.pk)
    pass_mark = attempt.quiz_version.pass_percent
    Attempt.objects.filter(pk=attempt.pk).update(percent=pass_mark - 0.31, passed=False)
    return attempt, pass_mark


@pytest.mark.django_db
def test_the_result_page_shows_79_7_beside_not_passed_yet(client, member):
    attempt, pass_mark = scored_just_below_the_mark(member)
    client.force_login(member)
    page = client.get(f"/attempts/{attempt.pk}/result/").content.decode()
    assert "not passed yet" in page
    shown = re.search(r'<span class="muted">([\d.]+)%</span>', page)
    assert shown, page
    assert float(shown.group(1)) < pass_mark


@pytest.mark.django_db
def test_the_quiz_list_shows_the_best_score_on_its_verdict_s_side(client, member):
    """The quiz list showed "best 80%" (in green) for a best attempt of 79.69% against 80%."""
    attempt, pass_mark = scored_just_below_the_mark(member)
    client.force_login(member)
    page = client.get("/quizzes/").content.decode()
    assert f'<span class="badge warn">best {pass_mark - 0.3:g}% · not passed yet</span>' in page
    Attempt.objects.filter(pk=attempt.pk).update(percent=pass_mark, passed=True)
    page = client.get("/quizzes/").content.decode()
    assert f'<span class="badge ok">best {pass_mark}%</span>' in page
