"""A candidate's language: the invitation names one; on the invitation page, before starting,
the candidate may choose another with the language switcher. The choice wins when the quiz
is offered in it (the page, then the attempt and its texts); otherwise the page stays in the
invitation's language and says which languages the quiz is in. An attempt's pages are in the
attempt's language, the one its texts are in."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from assessments import selectors, services
from assessments.models import Attempt, CandidateInvitation
from tests import factories
from tests.assessments.test_quiz_languages import polish_quiz

pytestmark = pytest.mark.django_db


def invite(lead, quiz, language: str) -> tuple[CandidateInvitation, str]:
    invitation = services.candidate_invitation_create(
        invited_by=lead,
        email="kandydat@example.test",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=3),
        language=language,
    )
    return invitation, urlsplit(selectors.candidate_invitation_url(invitation)).path


def choose(client: Client, language: str, page: str) -> None:
    """The language switcher on ``page``."""
    response = client.post("/accounts/language/", {"language": language, "next": page})
    assert response.status_code == 302
    assert response["Location"] == page


def test_the_candidate_s_choice_wins_when_the_quiz_is_offered_in_it(lead):
    quiz = polish_quiz()
    invitation, link = invite(lead, quiz, "pl")
    client = Client()
    assert '<html lang="pl">' in client.get(link).content.decode()

    choose(client, "en", link)
    intro = client.get(link).content.decode()
    assert '<html lang="en">' in intro
    assert f"<h1>{quiz.title}</h1>" in intro
    assert 'id="quiz-languages"' not in intro

    take = client.get(client.post(link)["Location"]).content.decode()
    assert Attempt.objects.get(invitation=invitation).language == "en"
    assert '<html lang="en">' in take
    assert "Q2 wrong one" in take
    assert "PL Q2" not in take


def test_a_choice_the_quiz_is_not_offered_in_keeps_the_invitation_s_language_and_says_so(lead):
    quiz = factories.quiz_published()  # English only
    invitation, link = invite(lead, quiz, "en")
    client = Client()
    choose(client, "pl", link)

    intro = client.get(link).content.decode()
    assert '<html lang="en">' in intro  # the page's words match the quiz's
    assert "This quiz is available in: English." in intro

    take = client.get(client.post(link)["Location"]).content.decode()
    assert Attempt.objects.get(invitation=invitation).language == "en"
    assert '<html lang="en">' in take


def test_the_browser_s_language_alone_does_not_override_the_invitation(lead):
    quiz = polish_quiz()
    invitation, link = invite(lead, quiz, "pl")
    client = Client(headers={"accept-language": "en"})

    assert '<html lang="pl">' in client.get(link).content.decode()
    client.post(link)
    assert Attempt.objects.get(invitation=invitation).language == "pl"


def test_an_attempt_s_pages_stay_in_its_language_after_another_choice(lead):
    quiz = polish_quiz()
    invitation, link = invite(lead, quiz, "pl")
    client = Client()
    take_url = client.post(link)["Location"]
    attempt = Attempt.objects.get(invitation=invitation)
    assert attempt.language == "pl"

    choose(client, "en", take_url)
    take = client.get(take_url).content.decode()
    assert '<html lang="pl">' in take  # its texts are Polish: so are the page's words
    assert "PL Q2 wrong one" in take
    # Back on the invitation page, the open attempt is resumed, not restarted in English.
    assert client.post(link)["Location"] == take_url
    assert Attempt.objects.get(invitation=invitation).language == "pl"
