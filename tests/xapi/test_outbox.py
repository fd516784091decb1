"""The outbox: written with the event, delivered in batches, nothing lost while the LRS is down."""

from __future__ import annotations

import base64
import threading
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.utils import timezone

from courses import services as courses_services
from tests import factories
from xapi import services
from xapi.models import Statement

from .events import every_kind, scored_attempt


@pytest.fixture
def sop_version(db):
    return factories.sop_published("v1").versions.get()


def test_off_unless_configured(settings, member, sop_version):
    settings.XAPI_LRS_URL = ""
    courses_services.sop_acknowledge(user=member, version=sop_version)
    assert Statement.objects.count() == 0
    assert services.statements_deliver().sent == 0


def test_the_statement_rolls_back_with_its_event(xapi_on, member, sop_version):
    seen = []

    def event_then_failure() -> None:
        with transaction.atomic():
            courses_services.sop_acknowledge(user=member, version=sop_version)
            seen.append(Statement.objects.count())  # written in the event's transaction
            raise RuntimeError("the event fails after the hook ran")

    with pytest.raises(RuntimeError):
        event_then_failure()
    assert seen == [1]
    assert Statement.objects.count() == 0
    assert member.sop_acknowledgements.count() == 0


def test_the_same_event_is_stored_once(xapi_on, member, sop_version):
    courses_services.sop_acknowledge(user=member, version=sop_version)
    courses_services.sop_acknowledge(user=member, version=sop_version)
    module = factories.module_with_lessons(lessons=1)
    lesson = module.lessons.get()
    courses_services.lesson_complete(user=member, lesson=lesson)
    courses_services.lesson_complete(user=member, lesson=lesson)
    assert sorted(Statement.objects.values_list("verb", flat=True)) == [
        "acknowledged",
        "completed",
    ]


def test_a_candidate_without_consent_sends_nothing(xapi_on, lead, team):
    quiz = factories.quiz_published()
    invitation = _invitation(lead=lead, team=team, quiz=quiz, share=False)
    scored_attempt(invitation=invitation, quiz=quiz, right=3)
    assert Statement.objects.count() == 0


def _invitation(*, lead, team, quiz, share):
    from assessments import services as assessments_services

    return assessments_services.candidate_invitation_create(
        invited_by=lead,
        email="cand@example.test",
        quiz=quiz,
        team=team,
        expires_at=timezone.now() + timedelta(days=3),
        share_results_xapi=share,
    )


# --- delivery ---------------------------------------------------------------------------


def _pending(n: int, member) -> list[Statement]:
    sops = [factories.sop_published(f"body {i}") for i in range(n)]
    for sop in sops:
        courses_services.sop_acknowledge(user=member, version=sop.versions.get())
    return list(Statement.objects.order_by("created_at", "id"))


def test_an_lrs_down_for_an_hour_loses_nothing(xapi_on, fake_lrs, closed_port_url, member):
    rows = _pending(3, member)
    up = fake_lrs.url
    xapi_on.XAPI_LRS_URL = closed_port_url
    start = timezone.now()
    # given the LRS is down, when the periodic task runs every minute for an hour and a bit …
    for minute in range(0, 70):
        services.statements_deliver(now=start + timedelta(minutes=minute))
    states = list(Statement.objects.values_list("state", "attempts", "last_error"))
    # … then every statement waits (backoff: tried at 0, 1, 3, 7, 15, 31 and 63 minutes)
    assert [(state, attempts) for state, attempts, _e in states] == [("pending", 7)] * 3
    assert all("Connection refused" in error or "URLError" in error for *_x, error in states)
    assert Statement.objects.filter(next_try_at=start + timedelta(minutes=63 + 60)).count() == 3
    # when the LRS is back, the next due run sends them all, once, oldest first
    xapi_on.XAPI_LRS_URL = up
    report = services.statements_deliver(now=start + timedelta(minutes=123))
    assert (report.sent, report.failed, report.deferred) == (3, 0, 0)
    assert [s["id"] for s in fake_lrs.calls[0]["body"]] == [r.payload["id"] for r in rows]
    assert set(Statement.objects.values_list("state", flat=True)) == {"sent"}
    assert services.statements_deliver(now=start + timedelta(minutes=200)).sent == 0
    assert len(fake_lrs.calls) == 1


def test_the_request_is_xapi_1_0_3_with_basic_auth(xapi_on, fake_lrs, member):
    _pending(1, member)
    services.statements_deliver()
    [call] = fake_lrs.calls
    assert call["path"] == "/xAPI/statements"
    assert call["headers"]["x-experience-api-version"] == "1.0.3"
    assert (
        call["headers"]["authorization"]
        == "Basic " + base64.b64encode(b"readiness:secret").decode()
    )


def test_batches_of_the_configured_size(xapi_on, fake_lrs, member):
    xapi_on.XAPI_BATCH_SIZE = 2
    _pending(5, member)
    report = services.statements_deliver()
    assert report.sent == 5
    assert [len(call["body"]) for call in fake_lrs.calls] == [2, 2, 1]


def test_a_rejected_statement_fails_alone_with_the_lrs_message(xapi_on, fake_lrs, member):
    rows = _pending(4, member)
    bad = rows[2].payload["id"]

    def respond(statements):
        if any(s["id"] == bad for s in statements):
            return 400, {"message": "verb.display: invalid language tag"}
        return 200, None

    fake_lrs.respond = respond
    report = services.statements_deliver()
    assert (report.sent, report.failed) == (3, 1)
    failed = Statement.objects.get(state="failed")
    assert str(failed.statement_id) == bad
    assert failed.last_error == "HTTP 400: verb.display: invalid language tag"
    # 4 → halves of 2 → the bad half split again: 1 + 2 + 2 posts
    assert [len(c["body"]) for c in fake_lrs.calls] == [4, 2, 2, 1, 1]


def test_409_already_stored_counts_as_sent(xapi_on, fake_lrs, member):
    _pending(1, member)
    fake_lrs.respond = lambda statements: (409, {"message": "Statement already exists"})
    assert services.statements_deliver().sent == 1
    assert Statement.objects.get().state == "sent"


def test_5xx_is_retried_later_then_failed_after_the_last_attempt(xapi_on, fake_lrs, member):
    xapi_on.XAPI_MAX_ATTEMPTS = 2
    _pending(2, member)
    fake_lrs.respond = lambda statements: (503, {"message": "busy"})
    now = timezone.now()
    first = services.statements_deliver(now=now)
    assert (first.sent, first.deferred, first.failed) == (0, 2, 0)
    assert services.statements_deliver(now=now + timedelta(seconds=30)).deferred == 0  # not due
    second = services.statements_deliver(now=now + timedelta(minutes=1))
    assert second.failed == 2
    assert set(Statement.objects.values_list("state", "last_error")) == {
        ("failed", "HTTP 503: busy")
    }
    # retry: back in the queue, sent at the next run
    fake_lrs.respond = lambda statements: (200, None)
    assert services.statements_retry(statements=Statement.objects.all()) == 2
    assert services.statements_deliver().sent == 2


def test_an_event_kicks_delivery_after_commit(
    xapi_on, fake_lrs, member, sop_version, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        courses_services.sop_acknowledge(user=member, version=sop_version)
    assert Statement.objects.get().state == "sent"
    assert len(fake_lrs.calls) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_never_send_the_same_rows(postgres, xapi_on, fake_lrs, member):
    _pending(3, member)
    # (with real commits, each event already kicked a delivery: start again from pending)
    Statement.objects.update(state="pending")
    fake_lrs.calls.clear()
    results = {}
    with transaction.atomic():
        # worker 1 holds the batch …
        held = list(Statement.objects.select_for_update().order_by("id"))
        assert len(held) == 3

        def worker_2() -> None:
            try:
                results["report"] = services.statements_deliver()
            finally:
                connection.close()

        thread = threading.Thread(target=worker_2)
        thread.start()
        thread.join(timeout=30)
    # … so worker 2 skipped the locked rows instead of sending them too
    assert results["report"].sent == 0
    assert fake_lrs.calls == []
    assert services.statements_deliver().sent == 3


# --- backfill ---------------------------------------------------------------------------


def test_backfill_gives_the_live_ids_and_is_idempotent(xapi_on, member, lead, team):
    every_kind(member=member, lead=lead, team=team)
    live = dict(Statement.objects.values_list("statement_id", "verb"))
    assert len(live) == 23
    Statement.objects.all().delete()
    call_command("xapi_backfill")
    assert dict(Statement.objects.values_list("statement_id", "verb")) == live
    # again: nothing new
    call_command("xapi_backfill")
    assert Statement.objects.count() == len(live)


def test_backfill_since_a_date(xapi_on, member, sop_version):
    courses_services.sop_acknowledge(user=member, version=sop_version)
    Statement.objects.all().delete()
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    call_command("xapi_backfill", since=tomorrow)
    assert Statement.objects.count() == 0
    call_command("xapi_backfill", since=timezone.localdate().isoformat())
    assert Statement.objects.count() == 1


def test_backfill_refuses_bad_input_and_when_off(settings, xapi_on):
    with pytest.raises(CommandError, match="not a date"):
        call_command("xapi_backfill", since="last week")
    settings.XAPI_LRS_URL = ""
    with pytest.raises(CommandError, match="xAPI is off"):
        call_command("xapi_backfill")


def test_a_statement_an_lrs_answers_500_to_does_not_hold_back_the_batch(xapi_on, fake_lrs, member):
    rows = _pending(3, member)
    poison = rows[1].payload["id"]

    def respond(statements):
        if any(s["id"] == poison for s in statements):
            return 500, {"detail": "Internal Server Error"}
        return 200, None

    fake_lrs.respond = respond
    report = services.statements_deliver()
    assert (report.sent, report.deferred) == (2, 1)
    waiting = Statement.objects.get(state="pending")
    assert str(waiting.statement_id) == poison
    assert waiting.attempts == 1
