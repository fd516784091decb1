"""Against a real LRS: Ralph with its file-system backend, started by the ``ralph`` fixture.

Every kind of statement goes through the real ``xapi.statements_deliver`` task; each is then
read back from the LRS and compared with what was stored in the outbox. Runs in CI (CI=true
fails if Ralph can't start).
"""

from __future__ import annotations

import json
import urllib.parse
from typing import Any

import pytest

from core.tasks import task_named
from xapi.models import Statement

from .events import every_kind

# Added by the LRS when it stores a statement (xAPI-Data.md 2.4.8–2.4.10).
LRS_PROPERTIES = {"stored", "authority", "version"}
CANDIDATE = "cand.idate@example.com"


@pytest.fixture
def on_ralph(xapi_on: Any, ralph: Any, member: Any) -> Any:
    # Ralph checks addresses with email-validator, which refuses special-use domains such as
    # the fixtures' example.test (docs/xapi.md); real addresses are on real domains.
    member.email = "aiko.agent@example.com"
    member.save(update_fields=["email"])
    xapi_on.XAPI_LRS_URL = ralph.url
    xapi_on.XAPI_LRS_USERNAME = ralph.username
    xapi_on.XAPI_LRS_PASSWORD = ralph.password
    xapi_on.XAPI_BATCH_SIZE = 10
    return ralph


def test_ralph_accepts_every_statement_and_gives_it_back(on_ralph, member, lead, team):
    every_kind(member=member, lead=lead, team=team, candidate_email=CANDIDATE)
    outbox = {str(s.statement_id): s.payload for s in Statement.objects.all()}
    assert len(outbox) == 23

    result = task_named("xapi.statements_deliver").apply().get()

    assert result == {"sent": 23, "failed": 0, "deferred": 0}, list(
        Statement.objects.filter(attempts__gt=0).values_list("last_error", "payload")
    )[:1]
    assert set(Statement.objects.values_list("state", flat=True)) == {"sent"}
    for statement_id, payload in outbox.items():
        found = on_ralph.get(f"/statements?statementId={statement_id}")
        stored = found["statements"][0] if "statements" in found else found
        assert {k: v for k, v in stored.items() if k not in LRS_PROPERTIES} == payload


def test_sending_again_stores_nothing_twice(on_ralph, member, lead, team):
    every_kind(member=member, lead=lead, team=team, candidate_email=CANDIDATE)
    mbox = f"mailto:{member.email}"
    task_named("xapi.statements_deliver").apply()
    # a resend (e.g. the admin's retry after a lost answer) keeps one copy of each
    Statement.objects.update(state="pending")
    assert task_named("xapi.statements_deliver").apply().get()["sent"] == 23
    query = urllib.parse.urlencode({"agent": json.dumps({"mbox": mbox}), "limit": 100})
    found = on_ralph.get(f"/statements?{query}")
    ids = [s["id"] for s in found["statements"]]
    member_ids = {
        str(s.statement_id) for s in Statement.objects.all() if s.payload["actor"]["mbox"] == mbox
    }
    assert sorted(ids) == sorted(member_ids)
