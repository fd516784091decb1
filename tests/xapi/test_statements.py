"""Building statements from real events, and the xAPI 1.0.3 rules they must follow."""

from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest

from xapi import statements as build
from xapi.models import Statement
from xapi.validate import statement_problems

from .events import every_kind

ADL = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture
def world(xapi_on, member, lead, team):
    return every_kind(member=member, lead=lead, team=team)


def by_verb(verb: str) -> list[dict[str, Any]]:
    return [s.payload for s in Statement.objects.filter(verb=verb).order_by("created_at", "id")]


def test_every_statement_built_is_valid_xapi(world):
    statements = list(Statement.objects.all())
    # given one event of each kind, when they are recorded, then each kind is there …
    assert {s.verb for s in statements} == {
        "acknowledged",
        "completed",
        "attempted",
        "answered",
        "passed",
        "failed",
        "received",
    }
    # … and every statement follows the 1.0.3 rules, is pending, and has the id in its payload
    for statement in statements:
        assert statement_problems(statement.payload) == [], statement.payload
        assert statement.state == Statement.State.PENDING
        assert statement.payload["id"] == str(statement.statement_id)


def test_sop_acknowledged(world, member):
    [statement] = by_verb("acknowledged")
    assert statement["actor"] == {
        "objectType": "Agent",
        "mbox": f"mailto:{member.email}",
        "name": member.name,
    }
    assert statement["verb"]["id"] == "http://activitystrea.ms/schema/1.0/acknowledge"
    sop = world["sop"]
    # the SOP's id names no version (stable across versions); the version is in the context
    assert statement["object"]["id"] == f"http://testserver/xapi/activities/sop/{sop.slug}"
    assert statement["context"]["extensions"] == {"http://testserver/xapi/extensions/version": 2}


def test_lessons_and_module_completed(world):
    module = world["module"]
    completed = by_verb("completed")
    module_id = f"http://testserver/xapi/activities/module/{module.slug}"
    lessons = [s for s in completed if s["object"]["definition"]["type"].endswith("/lesson")]
    assert [s["object"]["id"] for s in lessons] == [
        f"{module_id}/lesson/{lesson.pk}" for lesson in module.lessons.order_by("position")
    ]
    assert all(s["context"]["contextActivities"]["parent"][0]["id"] == module_id for s in lessons)
    [module_statement] = [s for s in completed if s["object"]["id"] == module_id]
    assert module_statement["verb"]["id"] == f"{ADL}completed"
    assert module_statement["result"] == {"completion": True}


def test_quiz_attempt_statements(world):
    passed, failed = world["passed"], world["failed"]
    quiz_id = "http://testserver/xapi/activities/quiz/escalation-check"
    [pass_statement] = by_verb("passed")
    assert pass_statement["object"]["id"] == quiz_id
    assert pass_statement["context"]["registration"] == str(passed.pk)
    assert pass_statement["result"]["score"] == {"scaled": 1.0, "raw": 3.0, "min": 0, "max": 3.0}
    assert pass_statement["result"]["success"] is True
    assert pass_statement["result"]["duration"].startswith("P")
    # the learner's failed attempt: 1 of 3, and its candidate's 2 of 3, both below the pass mark
    fail_statements = by_verb("failed")
    assert [s["context"]["registration"] for s in fail_statements] == [
        str(failed.pk),
        str(world["candidate"].pk),
    ]
    assert fail_statements[0]["result"]["score"] == {
        "scaled": 0.3333,
        "raw": 1.0,
        "min": 0,
        "max": 3.0,
    }
    assert fail_statements[0]["result"]["success"] is False
    # attempted once per attempt, answered once per answer (3 answers × 3 attempts)
    assert len(by_verb("attempted")) == 3
    answered = by_verb("answered")
    assert len(answered) == 9
    first = answered[0]
    assert first["object"]["definition"]["interactionType"] == "choice"
    assert first["context"]["contextActivities"]["parent"][0]["id"] == quiz_id
    assert first["result"]["success"] is True
    assert (
        first["result"]["response"] == first["object"]["definition"]["correctResponsesPattern"][0]
    )


def test_candidate_actor_only_with_consent(world):
    candidate = [
        s for s in by_verb("failed") if s["context"]["registration"] == str(world["candidate"].pk)
    ]
    # the address is stored lower-case by the invitation service
    assert candidate[0]["actor"] == {
        "objectType": "Agent",
        "mbox": "mailto:cand.idate@example.test",
        "name": "Cand Idate",
    }


def test_qa_assignment_received(world, member):
    [statement] = by_verb("received")
    assert statement["actor"]["mbox"] == f"mailto:{member.email}"
    assert statement["verb"]["id"] == "http://activitystrea.ms/schema/1.0/receive"
    assert statement["object"]["id"].endswith(f"/module/{world['qa_module'].slug}")
    extensions = statement["context"]["extensions"]
    assert extensions["http://testserver/xapi/extensions/assignment-source"] == "qa_rule"
    assert extensions["http://testserver/xapi/extensions/qa-rule"] == "Tone"


def test_statement_ids_are_stable_per_event(settings):
    assert build.statement_id("module-completed:1:2") == build.statement_id("module-completed:1:2")
    assert build.statement_id("module-completed:1:2") != build.statement_id("module-completed:1:3")
    # another deployment (another site) gives the same event another id
    first = build.statement_id("module-completed:1:2")
    settings.SITE_URL = "https://other.example"
    assert build.statement_id("module-completed:1:2") != first
    assert build.statement_id("x").version == 5


VALID: dict[str, Any] = {
    "id": str(uuid.uuid4()),
    "actor": {"objectType": "Agent", "mbox": "mailto:ann@example.test", "name": "Ann"},
    "verb": {"id": f"{ADL}passed", "display": {"en-US": "passed"}},
    "object": {
        "objectType": "Activity",
        "id": "https://example.test/xapi/activities/quiz/q",
        "definition": {"type": "http://adlnet.gov/expapi/activities/assessment"},
    },
    "result": {
        "score": {"scaled": 0.5, "raw": 1, "min": 0, "max": 2},
        "success": True,
        "duration": "PT1M30.5S",
    },
    "context": {"registration": str(uuid.uuid4()), "extensions": {"https://e.test/x": 1}},
    "timestamp": "2025-01-02T03:04:05+00:00",
}


def test_the_reference_statement_is_valid():
    assert statement_problems(VALID) == []


def _broken(path: str, value: Any) -> dict[str, Any]:
    statement = copy.deepcopy(VALID)
    *parents, last = path.split(".")
    target = statement
    for name in parents:
        target = target[name]
    if value is _DELETE:
        del target[last]
    else:
        target[last] = value
    return statement


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        ("actor", _DELETE, "statement.actor: required"),
        ("verb", _DELETE, "statement.verb: required"),
        ("object", _DELETE, "statement.object: required"),
        ("id", "not-a-uuid", "statement.id: must be a UUID"),
        ("actor.mbox", "ann@example.test", "statement.actor.mbox: must be 'mailto:'"),
        ("actor.mbox", "mailto:not an address", "statement.actor.mbox: must be 'mailto:'"),
        ("actor.openid", "https://id.test/ann", "statement.actor: needs exactly one of"),
        ("verb.id", "passed", "statement.verb.id: must be an absolute IRI"),
        ("verb.display", {"en_US": "passed"}, "is not a language tag"),
        ("object.id", "/relative/id", "statement.object.id: must be an absolute IRI"),
        ("object.definition.type", "assessment", "statement.object.definition.type: must be"),
        ("result.score.scaled", 1.5, "statement.result.score.scaled: must be between -1 and 1"),
        ("result.score.scaled", -1.01, "statement.result.score.scaled: must be between -1 and 1"),
        ("result.score.raw", 3, "statement.result.score.raw: must be between min and max"),
        ("result.score.min", 2, "statement.result.score: min must be less than max"),
        ("result.duration", "90 seconds", "statement.result.duration: must be an ISO 8601"),
        ("result.duration", "P", "statement.result.duration: must be an ISO 8601"),
        ("result.success", "yes", "statement.result.success: must be true or false"),
        ("context.registration", "r-1", "statement.context.registration: must be a UUID"),
        ("context.extensions", {"version": 2}, "statement.context.extensions key: must be"),
        ("timestamp", "yesterday", "statement.timestamp: must be an ISO 8601 time"),
        ("timestamp", "2025-01-02T03:04:05", "statement.timestamp: must be an ISO 8601 time"),
        (
            "timestamp",
            "2025-01-02T03:04:05.123456+00:00",
            "statement.timestamp: at most millisecond precision",
        ),
        ("grade", "A", "statement.grade: not an xAPI property"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 30 else None,
)
def test_the_validator_finds_each_broken_rule(path, value, problem):
    problems = statement_problems(_broken(path, value))
    assert any(p.startswith(problem) or problem in p for p in problems), problems


@pytest.mark.parametrize(
    "duration", ["PT0S", "P0DT00H01M05S", "PT1H2M3.45S", "P1Y2M3DT4H5M6S", "P2W"]
)
def test_durations_accepted(duration):
    assert statement_problems(_broken("result.duration", duration)) == []


def test_a_typed_answer_is_a_fill_in_interaction_without_the_accepted_answers(xapi_on, member):
    from assessments import services as assessments_services
    from assessments.models import Question
    from tests import factories

    quiz = factories.quiz_published(
        questions=[{"kind": "short_answer", "choices": [("refund", True, "")]}]
    )
    attempt = assessments_services.attempt_start(quiz=quiz, user=member)
    question = Question.objects.get(version=attempt.quiz_version)
    assessments_services.answer_save(attempt=attempt, question_id=question.pk, text="refund")
    assessments_services.attempt_submit(attempt=attempt)
    assessments_services.attempt_score(attempt_id=attempt.pk)
    [answered] = by_verb("answered")
    assert answered["object"]["definition"]["interactionType"] == "fill-in"
    assert "choices" not in answered["object"]["definition"]
    assert answered["result"]["response"] == "refund"
    assert answered["result"]["success"] is True
    assert statement_problems(answered) == []


def test_timestamps_are_milliseconds_and_names_plain_text(xapi_on, member):
    """ADL's validator rejects six-digit microseconds; an LRS shows names as plain text."""
    from datetime import UTC, datetime

    assert build.timestamp(datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)) == (
        "2026-01-02T03:04:05.678+00:00"
    )
    assert build.plain_text("<p><strong>Refund</strong> &amp; <a href='x'>policy</a></p>") == (
        "Refund & policy"
    )
    assert len(build.plain_text("<p>" + "word " * 100 + "</p>")) == 200


def test_a_module_and_lesson_are_named_in_every_language_they_are_written_in(member):
    """Built while a Polish learner's request was active, a module's name was its Polish title
    labelled as English; it is a language map of the texts the content has."""
    from django.utils import timezone, translation

    from courses import services as courses_services
    from courses.models import Lesson, Module

    module = Module.objects.create(
        slug="eskalacje", title="Escalations", title_en="Escalations", title_pl="Eskalacje"
    )
    lesson = courses_services.lesson_save(
        lesson=Lesson(module=module, position=1, title_en="When", body_en="Text", title_pl="Kiedy")
    )
    with translation.override("pl"):
        payload = build.lesson_completed(user=member, lesson=lesson, at=timezone.now()).payload
    assert payload["object"]["definition"]["name"] == {"en": "When", "pl": "Kiedy"}
    parent = payload["context"]["contextActivities"]["parent"][0]
    assert parent["definition"]["name"] == {"en": "Escalations", "pl": "Eskalacje"}
    assert not statement_problems(payload)


def test_readiness_decisions_are_passed_failed_and_retracted(xapi_on, member, lead):
    from readiness import services as readiness_services
    from skills.models import RoleProfile

    role = RoleProfile.objects.create(slug="live-chat", name="Live chat", name_pl="Czat")
    criteria = readiness_services.criteria_create(role_profile=role, from_roles=[], by=lead)
    readiness_services.criterion_add(
        criteria=criteria,
        by=lead,
        fields={"kind": "signoff", "label": "Shadowed", "categories": []},
    )
    not_yet = readiness_services.decision_record(
        person=member, criteria=criteria, outcome="not_yet", by=lead, reason="Shadow first"
    )
    readiness_services.decision_revoke(decision=not_yet, by=lead, reason="Recorded by mistake")
    failed, retracted = by_verb("failed"), by_verb("retracted")
    assert len(failed) == 1
    assert len(retracted) == 1
    for statement in (failed[0], retracted[0]):
        assert statement_problems(statement) == [], statement
        assert statement["actor"]["mbox"] == f"mailto:{member.email}"
        assert statement["object"]["id"] == "http://testserver/xapi/activities/role/live-chat"
        assert statement["context"]["instructor"]["mbox"] == f"mailto:{lead.email}"
    assert failed[0]["result"] == {"success": False}
    assert retracted[0]["verb"]["id"] == "http://activitystrea.ms/schema/1.0/retract"
    assert "result" not in retracted[0]
