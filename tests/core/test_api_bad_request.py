"""What Django refuses before any view runs answers the API's JSON error format under /api/
(``core.views.bad_request``, Django's ``handler400``), with DEBUG off as in production: a
``Host`` header not in ALLOWED_HOSTS is a 400 ``disallowed_host``, another suspicious request
a 400 ``bad_request``. Pages keep Django's own "Bad Request (400)"."""

from __future__ import annotations

import pytest
from django.core.exceptions import SuspiciousOperation
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def production(settings):
    """The documented production settings that matter here: DEBUG off, HTTPS enforced."""
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["readiness.example.com"]
    settings.SECURE_SSL_REDIRECT = True


def suspicious(request):
    raise SuspiciousOperation("something odd in the request")


urlpatterns = [
    path("api/v1/suspicious/", suspicious),
    path("suspicious/", suspicious),
    *project_urlpatterns,
]
handler400 = "core.views.bad_request"


@pytest.mark.parametrize("secure", [True, False], ids=["https", "plain-http"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_an_unknown_host_on_the_api_is_a_json_400(client, method, secure):
    response = getattr(client, method)("/api/v1/me/", HTTP_HOST="evil.example", secure=secure)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "This site does not serve that host name.",
        "code": "disallowed_host",
    }


def test_an_unknown_host_on_a_page_keeps_djangos_400(client):
    response = client.get("/accounts/login/", HTTP_HOST="evil.example", secure=True)
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert b"Bad Request (400)" in response.content


def test_the_known_host_is_served(client):
    response = client.get("/api/v1/me/", HTTP_HOST="readiness.example.com", secure=True)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.urls(__name__)
def test_another_suspicious_request_on_the_api_is_a_json_400(client):
    client.raise_request_exception = False
    response = client.get("/api/v1/suspicious/", HTTP_HOST="readiness.example.com", secure=True)
    assert response.status_code == 400
    assert response.json() == {"detail": "The request could not be read.", "code": "bad_request"}


@pytest.mark.urls(__name__)
def test_another_suspicious_request_on_a_page_keeps_djangos_400(client):
    response = client.get("/suspicious/", HTTP_HOST="readiness.example.com", secure=True)
    assert response.status_code == 400
    assert b"Bad Request (400)" in response.content
