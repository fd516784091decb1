"""The outbox API for admins: the backlog and the failures, and "retry failed"."""

from __future__ import annotations

import uuid

import pytest

from xapi.models import Statement


def _statements(n: int, *, state: str = "failed") -> None:
    Statement.objects.bulk_create(
        Statement(
            statement_id=uuid.uuid4(),
            verb="completed",
            payload={"id": "x"},
            state=state,
            last_error="HTTP 400: bad" if state == "failed" else "",
        )
        for _ in range(n)
    )


URL = "/api/v1/xapi/statements/"


@pytest.mark.parametrize("who", ["lead", "member"])
def test_only_admins_see_it(db, api_as, request, who):
    _statements(1)
    client = api_as(request.getfixturevalue(who))
    assert client.get(URL).status_code == 404
    assert client.post(f"{URL}retry-failed/").status_code == 404
    assert Statement.objects.get().state == "failed"  # nothing changed


def test_anonymous_must_log_in(api_client):
    assert api_client.get(URL).status_code == 401


def test_the_failures_with_counts(api_as, admin_user, xapi_on):
    _statements(2, state="failed")
    _statements(3, state="pending")
    body = api_as(admin_user).get(URL, {"state": "failed"}).json()
    assert body["count"] == 2
    assert body["counts"] == {"pending": 3, "sent": 0, "failed": 2}
    assert body["enabled"] is True
    assert {row["state"] for row in body["results"]} == {"failed"}
    assert body["results"][0]["last_error"] == "HTTP 400: bad"
    assert set(body["results"][0]) == {
        "id",
        "statement_id",
        "verb",
        "state",
        "attempts",
        "next_try_at",
        "last_error",
        "created_at",
        "sent_at",
        "statement",
    }


def test_an_unknown_state_is_a_400(api_as, admin_user):
    response = api_as(admin_user).get(URL, {"state": "lost"})
    assert response.status_code == 400
    assert "state" in response.json()["errors"]


@pytest.mark.parametrize("n", [2, 12])
def test_the_list_costs_the_same_at_any_size(api_as, admin_user, assert_queries, n):
    _statements(n)
    client = api_as(admin_user)
    # token lookup + last-used update, count, page, counts per state
    with assert_queries(5):
        response = client.get(URL, {"state": "failed"})
    assert response.json()["count"] == n


def test_retry_failed_puts_them_back(api_as, admin_user, xapi_on):
    _statements(2, state="failed")
    _statements(1, state="sent")
    response = api_as(admin_user).post(f"{URL}retry-failed/")
    assert response.json() == {"retried": 2}
    assert sorted(Statement.objects.values_list("state", flat=True)) == [
        "pending",
        "pending",
        "sent",
    ]
