"""The load test's per-endpoint web CPU: ``Server-Timing: cpu;dur=…`` only when asked for, and
``/api/v1/auth/ping/`` as the floor (who the token belongs to, nothing more)."""

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext


def test_the_cpu_header_is_there_only_with_request_cpu_timing(settings, member, api_as):
    client = api_as(member)
    assert "Server-Timing" not in client.get("/api/v1/auth/ping/")
    settings.REQUEST_CPU_TIMING = True
    timed = api_as(member).get("/api/v1/auth/ping/")  # a new client loads the middleware again
    found = re.fullmatch(r"cpu;dur=([0-9]+\.[0-9]{3})", timed["Server-Timing"])
    assert found, timed["Server-Timing"]
    assert 0 < float(found.group(1)) < 10_000
    assert Client().get("/healthz")["Server-Timing"].startswith("cpu;dur=")


def test_ping_answers_who_the_token_belongs_to_with_authentication_alone(member, api_as):
    client = api_as(member)
    client.get("/api/v1/auth/ping/")  # the token's first use in a minute is written down once
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/api/v1/auth/ping/")
    assert response.status_code == 200
    assert response.json() == {"user": member.pk}
    assert len(captured) == 1  # the token and its user, in one statement
    assert Client().get("/api/v1/auth/ping/").status_code == 401
