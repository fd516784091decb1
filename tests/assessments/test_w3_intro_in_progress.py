"""The quiz's intro while an attempt is open: it said "You have no attempts left (of 1)" to a
learner, a staff learner or a candidate in the middle of their only attempt. It now says the
attempt is in progress and links to it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from assessments import services
from assessments.selectors import candidate_invitation_url
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """A request as a Polish learner leaves Polish active in the thread (the user preferences
    middleware activates it and never deactivates): later tests expect the default."""
    yield
    translation.deactivate()


def attempts_left(html: str) -> str:
    match = re.search(r'<li id="attempts-left">(.*?)</li>', html, re.S)
    assert match
    return match.group(1).strip()


@pytest.mark.parametrize("taker", ["member", "admin_user"], ids=["learner", "staff-learner"])
@pytest.mark.parametrize("allowed", [1, 3, 0], ids=["one-attempt", "three-attempts", "unlimited"])
def test_a_learner_mid_attempt_is_offered_to_continue_it(client, request, taker, allowed):
    # given a learner in the middle of an attempt
    user = request.getfixturevalue(taker)
    quiz = factories.quiz_published(attempts_allowed=allowed)
    attempt = services.attempt_start(quiz=quiz, user=user)
    client.force_login(user)

    # when they open the quiz's intro
    page = client.get(f"/quizzes/{quiz.slug}/").content.decode()

    # then it says the attempt is open and links to it
    assert attempts_left(page) == (
        f'You have an attempt in progress. <a href="/attempts/{attempt.pk}/">Continue</a>'
    )
    assert "no attempts left" not in page


def test_a_candidate_mid_attempt_is_offered_to_continue_it(client, lead):
    quiz = factories.quiz_published(attempts_allowed=1)
    invitation = services.candidate_invitation_create(
        invited_by=lead,
        email="cand@example.test",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=3),
    )
    link = candidate_invitation_url(invitation)
    attempt = services.attempt_start(quiz=quiz, invitation=invitation)

    page = client.get(link).content.decode()

    assert attempts_left(page) == (
        f'You have an attempt in progress. <a href="{link}attempts/{attempt.pk}/">Continue</a>'
    )
    assert "no attempts left" not in page


def test_after_the_last_attempt_the_intro_says_none_are_left(client, member):
    quiz = factories.quiz_published(attempts_allowed=1)
    attempt = services.attempt_start(quiz=quiz, user=member)
    services.attempt_submit(attempt=attempt)
    client.force_login(member)

    page = client.get(f"/quizzes/{quiz.slug}/").content.decode()

    assert attempts_left(page) == "You have no attempts left (of 1)."


def test_in_polish_the_intro_says_the_attempt_is_in_progress(client, member):
    """Needs the Polish catalogue with the new message."""
    member.language = "pl"
    member.save(update_fields=["language"])
    quiz = factories.quiz_published(attempts_allowed=1)
    attempt = services.attempt_start(quiz=quiz, user=member)
    client.force_login(member)

    page = client.get(f"/quizzes/{quiz.slug}/").content.decode()

    assert attempts_left(page) == (
        f'Masz podejście w toku. <a href="/attempts/{attempt.pk}/">Kontynuuj</a>'
    )
