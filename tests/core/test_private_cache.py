"""Every answer to an authenticated request says ``Cache-Control: private, no-store`` (pages,
CSV exports, API answers), so no shared cache or browser disk keeps someone's data
(core.security.PrivateCacheMiddleware). Answers that chose their own header keep it; anonymous
answers and static files are not touched."""

from __future__ import annotations

import pytest
from django.http import StreamingHttpResponse
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

PRIVATE = "private, no-store"


def test_a_page_of_a_logged_in_person(client, member):
    client.force_login(member)
    response = client.get("/training/")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_a_csv_export_streamed_to_a_lead(client, lead, team):
    client.force_login(lead)
    response = client.get(f"/teams/{team.pk}/results.csv")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Cache-Control"] == PRIVATE


def test_an_api_answer_to_a_token(api_as, member):
    response = api_as(member).get("/api/v1/me/")
    assert response.status_code == 200
    assert response["Cache-Control"] == PRIVATE


def test_an_api_answer_to_a_refused_token():
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-real-one")
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["Cache-Control"] == PRIVATE


def test_an_answer_with_its_own_cache_control_keeps_it(client, member):
    client.force_login(member)
    response = client.get("/healthz")  # never_cache
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


@pytest.mark.parametrize(
    "path", ["/api/v1/quizzes/", "/static/css/app.css"], ids=["api-401", "static"]
)
def test_anonymous_answers_are_not_marked(client, path):
    response = client.get(path)
    assert response.status_code in {200, 401}
    assert PRIVATE not in response.get("Cache-Control", "")


def test_the_login_page_keeps_its_own_header(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert response["Cache-Control"] != PRIVATE  # never_cache's, for everyone
