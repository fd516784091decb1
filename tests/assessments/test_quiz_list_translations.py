"""The quiz list in Polish shows each quiz's own translated title and description (it showed
one quiz's Polish title on every row)."""

from __future__ import annotations

import pytest

from assessments import selectors
from assessments.models import QuizVersionTranslation
from tests import factories

pytestmark = pytest.mark.django_db


def test_each_quiz_keeps_its_own_translation(member, client):
    member.language = "pl"
    member.save(update_fields=["language"])
    quizzes = [factories.quiz_published() for _n in range(3)]
    for n, quiz in enumerate(quizzes):
        quiz.title = f"Quiz {n}"
        quiz.save(update_fields=["title"])
    for n, quiz in enumerate(quizzes[:2]):
        QuizVersionTranslation.objects.create(
            version=quiz.versions.get(),
            language="pl",
            title=f"Sprawdzian {n}",
            description=f"Opis {n}",
        )
    rows = {
        q.title: (getattr(q, "translated_title"), getattr(q, "translated_description"))  # noqa: B009
        for q in selectors.quizzes_list(user=member)
    }
    assert rows == {
        "Quiz 0": ("Sprawdzian 0", "Opis 0"),
        "Quiz 1": ("Sprawdzian 1", "Opis 1"),
        "Quiz 2": (None, None),
    }
    client.force_login(member)
    page = client.get("/quizzes/").content.decode()
    for shown in ("Sprawdzian 0", "Sprawdzian 1", "Quiz 2"):
        assert shown in page


def test_my_training_and_home_show_an_assigned_quiz_in_the_reader_s_language(
    member, lead, team, client
):
    """ "Agent knowledge check" stood on a Polish agent's My training and home page."""
    member.language = "pl"
    member.save(update_fields=["language"])
    quiz = factories.quiz_published()
    quiz.title = "Agent knowledge check"
    quiz.save(update_fields=["title"])
    QuizVersionTranslation.objects.create(
        version=quiz.versions.get(), language="pl", title="Sprawdzian wiedzy", description=""
    )
    factories.assign_by_ids(assigned_by=lead, quiz_id=quiz.pk, user_ids=[member.pk])
    client.force_login(member)
    for url in ("/training/", "/"):
        page = client.get(url).content.decode()
        assert "Sprawdzian wiedzy" in page, url
        assert "Agent knowledge check" not in page, url
    lead.language = "en"
    lead.save(update_fields=["language"])
    client.force_login(lead)
    team_page = client.get(f"/teams/{team.pk}/training/").content.decode()
    assert "Agent knowledge check" in team_page


def test_a_polish_lead_reads_quiz_titles_and_bands_in_polish_on_results_and_candidates(
    member, lead, team, client, django_capture_on_commit_callbacks
):
    """ "Ready for the queue", "Passed" and English quiz titles stood on a Polish lead's
    results and candidates pages, in the results CSV and in the assign form."""
    from datetime import timedelta

    from django.utils import timezone

    from assessments import services
    from assessments.models import ResultBandTranslation

    lead.language = "pl"
    lead.save(update_fields=["language"])
    quiz = factories.quiz_published()
    version = quiz.versions.get()
    QuizVersionTranslation.objects.create(
        version=version, language="pl", title="Sprawdzian wiedzy", description=""
    )
    for band in version.bands.all():
        ResultBandTranslation.objects.create(
            band=band, language="pl", label=f"Poziom {band.label}", message="…"
        )
    (attempt,) = factories.attempts_answered_right(quiz, [member])
    with django_capture_on_commit_callbacks(execute=True):
        services.attempt_submit(attempt=attempt)
    services.candidate_invitation_create(
        invited_by=lead,
        email="kandydat@example.com",
        quiz=quiz,
        team=team,
        expires_at=timezone.now() + timedelta(days=7),
    )
    client.force_login(lead)
    pages = {
        "results": f"/teams/{team.pk}/results/",
        "results.csv": f"/teams/{team.pk}/results.csv",
        "candidates": f"/teams/{team.pk}/candidates/",
        "assign form": f"/teams/{team.pk}/training/",
    }
    for name, url in pages.items():
        response = client.get(url)
        text = b"".join(response).decode() if response.streaming else response.content.decode()
        assert "Sprawdzian wiedzy" in text, name
        assert quiz.title not in text, name
    results = client.get(pages["results"]).content.decode()
    assert "Poziom High" in results
    assert ">High<" not in results
