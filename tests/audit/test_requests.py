"""Through real requests: the event names the person signed in (session or API token), the
client's address as django-axes sees it and the request's id; a request that writes events
makes the same number of statements however many it writes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from audit.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def teammates(team, user_factory):
    people = [user_factory.create() for _ in range(5)]
    for person in people:
        factories.MembershipFactory.create(user=person, team=team)
    return people


def assign(api, users, module):
    return api.post(
        "/api/v1/assignments/",
        {"users": [u.pk for u in users], "module": module.pk},
        format="json",
    )


def test_the_event_names_the_api_caller_and_their_address(api_as, lead, member, catalogue):
    api = api_as(lead)

    response = api.post(
        "/api/v1/assignments/",
        {"users": [member.pk], "module": catalogue["module"].pk},
        format="json",
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_REQUEST_ID="req-42",
    )

    assert response.status_code == 201, response.content
    event = AuditEvent.objects.get(action="assignment.created")
    assert (event.actor, event.ip, event.request_id) == (lead, "203.0.113.9", "req-42")


def test_behind_a_proxy_the_address_is_the_one_axes_uses(api_as, lead, member, catalogue, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    api = api_as(lead)

    api.post(
        "/api/v1/assignments/",
        {"users": [member.pk], "module": catalogue["module"].pk},
        format="json",
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="198.51.100.66, 192.0.2.7",  # the first one is the client's claim
    )

    event = AuditEvent.objects.get(action="assignment.created")
    assert event.ip == "192.0.2.7"
    assert len(event.request_id) == 32  # none given: a new one


def test_a_service_that_names_no_actor_records_the_person_signed_in(
    client, lead, member, catalogue
):
    (assignment, _created), *_ = factories.assign_by_ids(
        assigned_by=lead, user_ids=[member.pk], module_id=catalogue["module"].pk
    )
    client.force_login(lead)

    response = client.post(
        f"/assignments/{assignment.pk}/cancel/", {"confirm": "yes"}, REMOTE_ADDR="192.0.2.1"
    )

    assert response.status_code == 302
    event = AuditEvent.objects.get(action="assignment.cancelled")
    assert (event.actor, event.actor_label, event.ip) == (lead, lead.email, "192.0.2.1")


def test_an_anonymous_request_records_no_actor(client, settings, member):
    """The webhook and SSO sign-ins have nobody signed in: the system did it."""
    from audit import context, services

    request = client.get("/healthz").wsgi_request
    with context.bound(request):
        event = services.record(actor=None, action="team.created", obj=member)
    assert (event.actor, event.ip) == (None, "127.0.0.1")


def test_assigning_makes_the_same_statements_for_one_or_five_people(
    api_as, lead, member, teammates, catalogue
):
    api = api_as(lead)
    assign(api, [member], catalogue["module"])  # warm: the token's last use
    counts = {}
    for size in (1, 5):
        module = factories.module_with_lessons(lessons=1)
        with CaptureQueriesContext(connection) as ctx:
            response = assign(api, teammates[:size], module)
        assert response.status_code == 201, response.content
        counts[size] = len(ctx.captured_queries)
        inserts = [q for q in ctx.captured_queries if 'INTO "audit_auditevent"' in q["sql"]]
        assert len(inserts) == 1
    assert counts[1] == counts[5], counts
    assert AuditEvent.objects.filter(action="assignment.created").count() == 1 + 1 + 5


def _findings_csv(email: str, rows: int) -> str:
    lines = ["agent_email,interaction_ref,criterion,skill,severity"]
    lines += [f"{email},T-{n},Greeting,escalations,low" for n in range(rows)]
    return "\n".join(lines) + "\n"


def test_a_findings_import_makes_the_same_statements_for_one_or_twenty_rows(
    api_as, lead, member, catalogue
):
    api = api_as(lead)
    api.post(
        "/api/v1/qa-findings/import/",
        {"csv": _findings_csv(member.email, 1), "dry_run": True},
        format="json",
    )
    counts = {}
    for size in (1, 20):
        csv = _findings_csv(member.email, size).replace("T-", f"S{size}-")
        with CaptureQueriesContext(connection) as ctx:
            response = api.post("/api/v1/qa-findings/import/", {"csv": csv}, format="json")
        assert response.status_code == 201, response.content
        counts[size] = len(ctx.captured_queries)
    assert counts[1] == counts[20], counts
    events = AuditEvent.objects.filter(action="qa.import").order_by("id")
    assert [e.changes["findings"] for e in events] == [1, 20]
    assert {e.actor for e in events} == {lead}
