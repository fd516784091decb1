"""Choosing another interface language while an attempt is open: the attempt goes on in the
language it started in (its questions, choices and scoring; ``Attempt.language``), and the
taking pages now say so, in the language the taker chose. Before, nothing was said: a learner
saw the page's words change and the questions stay; a candidate saw nothing change."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone, translation

from assessments import selectors, services
from assessments.models import Attempt
from tests import factories
from tests.assessments.test_quiz_languages import polish_quiz

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_language_left_active():
    """A request as a Polish learner leaves Polish active in the thread (the user preferences
    middleware activates it and never deactivates): later tests expect the default."""
    yield
    translation.deactivate()


NOTICE = re.compile(r'<p class="notice" id="attempt-language" lang="(\w+)">(.*?)</p>', re.S)


def notice(html: str) -> tuple[str, str] | None:
    """The language notice's ``(lang, text)``, if the page has one."""
    match = NOTICE.search(html)
    return (match.group(1), match.group(2)) if match else None


def choose(client: Client, language: str, page: str) -> None:
    """The language switcher on ``page``."""
    response = client.post("/accounts/language/", {"language": language, "next": page})
    assert response.status_code == 302


def learner_in(language: str):
    user = factories.UserFactory.create()
    user.language = language
    user.save(update_fields=["language"])
    return user


@pytest.mark.parametrize("page", ["", "review/"], ids=["questions", "review"])
def test_a_learner_who_switches_to_english_mid_attempt_is_told_it_stays_polish(client, page):
    # given a learner whose attempt started in Polish
    member = learner_in("pl")
    quiz = polish_quiz()
    attempt = services.attempt_start(quiz=quiz, user=member)
    assert attempt.language == "pl"
    client.force_login(member)
    url = f"/attempts/{attempt.pk}/{page}"

    # when they switch the interface to English
    choose(client, "en", url)
    html = client.get(url).content.decode()

    # then the page's words are English, the attempt stays Polish, and the page says so
    assert '<html lang="en">' in html
    assert notice(html) == ("en", "This attempt continues in Polish, the language it started in.")
    attempt.refresh_from_db()
    assert attempt.language == "pl"
    if page == "":
        assert "PL Q2 wrong one" in html


def test_a_candidate_who_switches_mid_attempt_is_told_in_the_language_they_chose(lead):
    quiz = polish_quiz()
    invitation = services.candidate_invitation_create(
        invited_by=lead,
        email="kandydat@example.test",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=3),
        language="pl",
    )
    link = urlsplit(selectors.candidate_invitation_url(invitation)).path
    client = Client()
    take_url = client.post(link)["Location"]

    choose(client, "en", take_url)
    html = client.get(take_url).content.decode()

    # the candidate's pages stay in the attempt's language, the notice is in the chosen one
    assert '<html lang="pl">' in html
    assert "PL Q2 wrong one" in html
    assert notice(html) == ("en", "This attempt continues in Polish, the language it started in.")
    assert Attempt.objects.get(invitation=invitation).language == "pl"


def test_no_notice_while_the_interface_and_the_attempt_share_a_language(client):
    member = learner_in("pl")
    attempt = services.attempt_start(quiz=polish_quiz(), user=member)
    client.force_login(member)

    assert notice(client.get(f"/attempts/{attempt.pk}/").content.decode()) is None


def test_no_notice_for_a_language_the_quiz_is_not_offered_in(client):
    member = learner_in("en")
    attempt = services.attempt_start(quiz=factories.quiz_published(), user=member)  # English
    client.force_login(member)
    url = f"/attempts/{attempt.pk}/"

    choose(client, "pl", url)

    assert notice(client.get(url).content.decode()) is None


def test_a_learner_who_switches_to_polish_is_told_in_polish(client):
    """Needs the Polish catalogue with the new message."""
    member = learner_in("en")
    attempt = services.attempt_start(quiz=polish_quiz(), user=member)
    assert attempt.language == "en"
    client.force_login(member)
    url = f"/attempts/{attempt.pk}/"

    choose(client, "pl", url)
    html = client.get(url).content.decode()

    assert notice(html) == (
        "pl",
        "To podejście jest kontynuowane w języku, w którym je rozpoczęto: angielski.",
    )
    assert "Q2 wrong one" in html
    assert "PL Q2" not in html
