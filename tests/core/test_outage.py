"""Outages answer 503 with ``Retry-After``, never 500 (core/outage.py): the database, broker or
cache away while a view, DRF's authentication or a middleware runs. Here the database is
"away" because every cursor raises; tests/integration/test_database_outage.py stops a real
PostgreSQL cluster."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import kombu.exceptions
import psycopg
import psycopg.errors
import pytest
import redis.exceptions
from django.db import IntegrityError, InterfaceError, OperationalError, ProgrammingError, connection
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.utils import timezone, translation

from accounts.models import User
from assessments import services as assessments_services
from assessments.selectors import candidate_invitation_url
from core.errors import Unavailable
from core.outage import RETRY_AFTER_SECONDS, outage_cause, outage_response

pytestmark = pytest.mark.django_db

RETRY_AFTER = str(RETRY_AFTER_SECONDS)
UNAVAILABLE = {
    "detail": "The service is unavailable for a moment. Please try again shortly.",
    "code": "unavailable",
}


@pytest.fixture
def database_down(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """Call it to take the database away: from then on every cursor raises, as psycopg does
    when the server is gone."""

    def take_away() -> None:
        def refused(*args: Any, **kwargs: Any) -> Any:
            raise OperationalError("connection to server at 127.0.0.1 failed: refused")

        monkeypatch.setattr(connection, "cursor", refused)
        monkeypatch.setattr(connection, "chunked_cursor", refused)

    return take_away


def assert_unavailable_page(response: HttpResponse) -> str:
    assert response.status_code == 503
    assert response["Retry-After"] == RETRY_AFTER
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "<h1>Readiness is unavailable for a moment</h1>" in html
    assert f"Please try again in {RETRY_AFTER_SECONDS} seconds." in html
    return html


def assert_unavailable_json(response: Any) -> None:
    assert response.status_code == 503
    assert response["Retry-After"] == RETRY_AFTER
    assert "no-store" in response["Cache-Control"]
    assert response.json() == UNAVAILABLE


# --- what counts as an outage ------------------------------------------------------------------


def _raised_from(cause: BaseException, as_: type[Exception] = RuntimeError) -> BaseException:
    try:
        raise as_("wrapped") from cause
    except as_ as exc:
        return exc


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("server closed the connection unexpectedly"),
        InterfaceError("connection already closed"),
        psycopg.OperationalError("consuming input failed"),
        kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379"),
        redis.exceptions.ConnectionError("Connection refused"),
        redis.exceptions.TimeoutError("Timeout reading from socket"),
        _raised_from(redis.exceptions.ConnectionError("Connection refused")),
        _raised_from(psycopg.errors.AdminShutdown("terminating connection"), OperationalError),
        _raised_from(psycopg.errors.DeadlockDetected("deadlock detected"), OperationalError),
        _raised_from(sqlite3.OperationalError("database is locked"), OperationalError),
    ],
    ids=[
        "db-operational",
        "db-interface",
        "psycopg",
        "kombu",
        "redis",
        "redis-timeout",
        "from",
        "pg-shutdown",
        "pg-deadlock",
        "sqlite-locked",
    ],
)
def test_these_are_outages(error):
    assert outage_cause(error) is not None


@pytest.mark.parametrize(
    "error",
    [
        IntegrityError("duplicate key"),
        ProgrammingError("relation does not exist"),
        ValueError("bug"),
        _raised_from(psycopg.errors.ProgramLimitExceeded("index row too large"), OperationalError),
        _raised_from(sqlite3.OperationalError("no such table: x"), OperationalError),
        _raised_from(sqlite3.OperationalError("too many SQL variables"), OperationalError),
    ],
    ids=["integrity", "programming", "bug", "pg-limit", "sqlite-no-table", "sqlite-variables"],
)
def test_a_bug_or_a_rule_is_not_an_outage(error):
    assert outage_cause(error) is None


def test_the_503_page_renders_without_a_query(assert_queries, rf):
    with assert_queries(0):
        response = outage_response(rf.get("/training/"), OperationalError("gone"))
    assert_unavailable_page(response)


# --- the database away ---------------------------------------------------------------------------


def test_a_page_answers_the_503_page_not_a_500(client, member, database_down):
    # given a logged-in member
    client.force_login(member)
    # when the database goes away
    database_down()
    # then their page answers the outage page, not a 500
    assert_unavailable_page(client.get("/training/"))


def test_the_503_page_is_in_the_browsers_language(client, member, database_down):
    # (the profile's language can't be read with the database away)
    client.force_login(member)
    database_down()
    with translation.override("en"):  # the request's Polish stays in this test
        response = client.get("/training/", HTTP_ACCEPT_LANGUAGE="pl")
    assert response.status_code == 503
    html = response.content.decode()
    assert '<html lang="pl">' in html
    assert "Readiness jest chwilowo niedostępny" in html
    assert f"Spróbuj ponownie za {RETRY_AFTER_SECONDS} sekund." in html


def test_a_candidate_page_answers_503(client, lead, quiz, database_down):
    invitation = assessments_services.candidate_invitation_create(
        invited_by=lead,
        email="candidate@example.test",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=7),
    )
    url = candidate_invitation_url(invitation)
    assert client.get(url).status_code == 200
    database_down()
    assert_unavailable_page(client.get(url))


def test_api_saves_and_submits_answer_503_json(api_as, member, quiz, database_down):
    # given a member's started attempt, through a token
    api = api_as(member)
    attempt = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/").json()
    question = attempt["questions"][0]
    # when the database goes away
    database_down()
    # then saving an answer and submitting answer 503 ``unavailable`` with Retry-After
    saved = api.put(
        f"/api/v1/attempts/{attempt['id']}/answers/{question['id']}/",
        {"choices": [question["choices"][0]["id"]]},
        format="json",
    )
    assert_unavailable_json(saved)
    assert_unavailable_json(api.post(f"/api/v1/attempts/{attempt['id']}/submit/"))


def test_the_api_through_a_session_answers_503_json(client, member, database_down):
    client.force_login(member)
    database_down()
    assert_unavailable_json(client.get("/api/v1/me/"))


@pytest.mark.parametrize("logged_in", [False, True], ids=["no-session", "session-cookie"])
def test_healthz_answers_the_same_503_with_or_without_a_session(
    client, member, database_down, logged_in
):
    if logged_in:
        client.force_login(member)
    database_down()
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response["Retry-After"] == RETRY_AFTER
    body = response.json()
    assert (body["status"], body["database"]) == ("unavailable", "error: OperationalError")


# --- the broker or the cache away --------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379"),
        redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379"),
    ],
    ids=["broker", "cache"],
)
def test_broker_or_cache_away_while_submitting_answers_503(
    api_as, client, member, quiz, monkeypatch, error
):
    def away(**kwargs: Any) -> Any:
        raise error

    api = api_as(member)
    attempt = api.post(f"/api/v1/quizzes/{quiz.pk}/attempts/").json()
    monkeypatch.setattr(assessments_services, "attempt_submit", away)  # the page's
    monkeypatch.setattr(assessments_services, "attempt_submit_own", away)  # the API's

    assert_unavailable_json(api.post(f"/api/v1/attempts/{attempt['id']}/submit/"))
    client.force_login(member)
    assert_unavailable_page(client.post(f"/attempts/{attempt['id']}/submit/"))


# --- raised in a middleware (handler500) ---------------------------------------------------------


class DatabaseAwayInMiddleware:
    """Raises as loading or saving the session would with the database away."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.headers.get("X-Fault") == "outage":
            raise OperationalError("terminating connection due to administrator command")
        if request.headers.get("X-Fault") == "bug":
            raise ValueError("a bug")
        return self.get_response(request)


@pytest.fixture
def faulty_middleware(settings: Any) -> Client:
    settings.DEBUG = False
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, f"{__name__}.DatabaseAwayInMiddleware"]
    return Client(raise_request_exception=False)


def test_an_outage_raised_in_a_middleware_answers_503(faulty_middleware):
    assert_unavailable_page(faulty_middleware.get("/accounts/login/", HTTP_X_FAULT="outage"))
    assert_unavailable_json(faulty_middleware.get("/api/v1/me/", HTTP_X_FAULT="outage"))


def test_a_bug_raised_in_a_middleware_is_still_a_500(faulty_middleware):
    assert faulty_middleware.get("/accounts/login/", HTTP_X_FAULT="bug").status_code == 500
    response = faulty_middleware.get("/api/v1/me/", HTTP_X_FAULT="bug")
    assert (response.status_code, response.json()["code"]) == (500, "server_error")


# --- every 503 of the API says when to come back -------------------------------------------------


def test_a_domain_unavailable_error_carries_retry_after(api_as, member: User, monkeypatch):
    from accounts import api as accounts_api

    def away(*args: Any, **kwargs: Any) -> Any:
        raise Unavailable("Previews can't be kept right now.")

    monkeypatch.setattr(accounts_api.MeApi, "get", away)
    response = api_as(member).get("/api/v1/me/")
    assert response.status_code == 503
    assert response["Retry-After"] == RETRY_AFTER
    assert response.json() == {"detail": "Previews can't be kept right now.", "code": "unavailable"}
