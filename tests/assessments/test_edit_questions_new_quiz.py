""" "Edit questions" on a quiz with no version yet said "People have taken version ." (an
empty number): it now offers to create the first version."""

from __future__ import annotations

import pytest

from assessments.models import Quiz, QuizVersion

pytestmark = pytest.mark.django_db


def test_a_new_quiz_offers_its_first_version(client, admin_user):
    quiz = Quiz.objects.create(slug="new-quiz", title="New quiz")
    client.force_login(admin_user)
    url = f"/admin/assessments/quiz/{quiz.pk}/edit-questions/"
    page = client.get(url).content.decode()
    assert "People have taken version" not in page
    assert "no questions yet" in page
    assert 'value="Create the first version"' in page
    assert not QuizVersion.objects.filter(quiz=quiz).exists()  # a GET only asks
    response = client.post(url)
    assert response.status_code == 302
    (version,) = QuizVersion.objects.filter(quiz=quiz)
    assert version.number == 1
    assert response.url == f"/admin/assessments/quizversion/{version.pk}/change/"
