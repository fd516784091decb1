"""API fuzzing: Schemathesis against our own OpenAPI schema (``/api/schema/``).

``test_api`` is one test per operation of the schema (``test_api[GET /api/v1/me/]`` …).
Schemathesis generates requests from the schema, valid ones and deliberately invalid ones,
plus its coverage cases (boundary values, missing fields, wrong types, other methods), and sends
them to the WSGI application in-process, authenticated as a team lead, with realistic data in the
database. Every answer must:

- not be a server error: bad input is a 400/404 JSON error, never a 500;
- have a status code that the schema documents for the operation;
- have the content type that the schema documents;
- conform to the schema documented for its status code.

Generated ids and values are mixed with the real ones of the data (``KNOWN``), so requests get
past the 404s to the code behind them. ``test_valid_requests`` adds one known-good request per
success answer the fuzzer rarely reaches (a login, an answer saved, a sign-off, the admins' report
…), checked the same way.

Bounded and reproducible: at most ``MAX_EXAMPLES`` generated requests per operation (plus the
coverage cases), derandomized, so every run sends the same requests (about 40 s on SQLite and
50 s on PostgreSQL on two cores). It needs nothing but the database, so it runs wherever the
suite runs (``make test``, CI on PostgreSQL). Alone: ``pytest tests/api_fuzz``.

Nothing is excluded: every operation and method of the schema is fuzzed, with every check
above. ``DELETE auth/token/`` revokes the token that calls it, so every request gets a fresh
token. The admins' organisation report answers a lead 404 (checked by the fuzzer); its 200 is
checked as an admin in ``test_valid_requests``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core import NOT_SET
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import User
from accounts.services import api_token_create
from assessments import services as assessments_services
from assessments.models import Attempt, CandidateInvitation, Question, Quiz
from config.wsgi import application
from courses import services as courses_services
from courses.models import SOP, Assignment, Module, SOPVersion
from notifications.models import Notification
from notifications.services import notify
from onboarding import services as onboarding_services
from onboarding.models import OnboardingPlan, PlanItem
from qa import selectors as qa_selectors
from qa import services as qa_services
from qa.models import TrainingRule, TrainingSuggestion
from qa.reviews import sources as review_sources
from skills.models import Skill
from tests import factories

MAX_EXAMPLES = 20

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)

# Real ids and values by path parameter or body field name, filled in by the ``world`` fixture
# before Hypothesis draws a request. The generated value stays one of the choices, so unknown
# and malformed ids are still sent.
KNOWN: dict[str, list[Any]] = {}


def _with_known(values: Any) -> st.SearchStrategy[Any]:
    if not isinstance(values, dict) or not values:
        return st.just(values)
    return st.fixed_dictionaries(
        {
            name: st.sampled_from([value, *KNOWN[name]]) if KNOWN.get(name) else st.just(value)
            for name, value in values.items()
        }
    )


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: Any) -> st.SearchStrategy[Any]:
    return _with_known(path_parameters)


@schema.hook
def flatmap_body(context: Any, body: Any) -> st.SearchStrategy[Any]:
    return _with_known(body)


@dataclass
class World:
    lead: User
    member: User
    admin: User
    team: Any
    sop: SOP
    module: Module
    read_module: Module
    quiz: Quiz
    fresh_quiz: Quiz
    lead_attempt: Attempt
    member_attempt: Attempt


@pytest.fixture
def world(
    django_capture_on_commit_callbacks: Callable[..., Any],
    lead: User,
    member: User,
    outsider: User,
    admin_user: User,
    team: Any,
    other_team: Any,
    catalogue: dict[str, Any],
) -> Iterator[World]:
    """A team with a lead and a member; skills, a role profile and targets; an SOP with two
    versions; modules (one the lead has read); quizzes with attempts (scored and in progress);
    assignments; QA findings and a training suggestion; a candidate invitation with a result;
    onboarding plans; notifications."""
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        sop = factories.sop_published("# Refunds\n\nv1", "# Refunds\n\nv2", title="Refunds")
        module = factories.module_with_lessons(lessons=3, title="Refund basics")
        module.skills.add(catalogue["metrics"])
        module.sop_versions.add(SOPVersion.objects.filter(sop=sop).order_by("number").first())
        read_module = catalogue["module"]
        for lesson in read_module.lessons.all():
            courses_services.lesson_complete(user=lead, lesson=lesson)
        quiz = factories.quiz_published(
            module=module,
            questions=[
                {
                    "kind": kind,
                    "skills": [catalogue["escalations"]],
                    "choices": [("Right", True, "Because."), ("Wrong", False, "No.")],
                }
                for kind in ("single", "multiple", "true_false")
            ],
            bands=[(0, 1.5, "Low"), (1.5, 3, "High")],
        )
        fresh_quiz = factories.quiz_published()
        questions = list(Question.objects.filter(version__quiz=quiz).order_by("position"))
        member_attempt = assessments_services.attempt_start(quiz=quiz, user=member)
        assessments_services.answer_save(
            attempt=member_attempt,
            question_id=questions[0].pk,
            choice_ids=factories.right_choice_ids(questions[0]),
        )
        assessments_services.attempt_submit(attempt=member_attempt)
        lead_attempt = assessments_services.attempt_start(quiz=quiz, user=lead)
        factories.assign_by_ids(
            assigned_by=lead,
            user_ids=[member.pk],
            module_id=module.pk,
            due_on=now.date() + timedelta(days=7),
        )
        factories.assign_by_ids(assigned_by=lead, user_ids=[member.pk], sop_id=sop.pk, due_on=None)
        # The lead's own assignment, from an admin, for the lead to complete.
        factories.assign_by_ids(
            assigned_by=admin_user, user_ids=[lead.pk], sop_id=sop.pk, due_on=None
        )
        TrainingRule.objects.create(
            name="Escalations", skill=catalogue["escalations"], module=module, threshold=1
        )
        qa_services.finding_record(
            reviewer=lead,
            agent=member,
            interaction_ref="T-1001",
            criterion="Empathy",
            skill=Skill.objects.get(slug="escalations"),
            severity="high",
        )
        qa_services.finding_record(
            reviewer=lead,
            agent=member,
            interaction_ref="T-1002",
            criterion="Accuracy",
            skill=Skill.objects.get(slug="kpi-literacy"),
            note="Quoted the wrong SLA.",
        )
        invitation = assessments_services.candidate_invitation_create(
            invited_by=lead,
            email="candidate@example.test",
            quiz=quiz,
            expires_at=now + timedelta(days=7),
            name="Cara Candidate",
        )
        candidate_attempt = assessments_services.attempt_start(quiz=quiz, invitation=invitation)
        assessments_services.attempt_submit(attempt=candidate_attempt)
        checklist = factories.checklist(
            (0, "task", "Get your accounts"),
            (0, "lead_signoff", "Meet your lead"),
            (1, "read_sop", sop),
            (3, "module", module),
            (5, "quiz", quiz),
        )
        for person in (member, lead):
            onboarding_services.onboarding_plan_start(
                user=person, template=checklist, start_date=timezone.localdate(), started_by=lead
            )
        notify(user=lead, key="fuzz-hello", kind="info", title="Welcome", url="/")
        review_source, _secret = review_sources.review_source_create(
            team=team,
            created_by=lead,
            name="QA tool",
            webhook_enabled=True,
            columns={"agent": "Agent", "conversation": "Ticket", "category": "Category",
                     "rating": "Rating"},
        )  # fmt: skip
        review_sources.review_categories_save(
            source=review_source,
            categories=[review_sources.CategoryInput(name="Empathy", skill=catalogue["metrics"])],
        )
    KNOWN.clear()
    KNOWN.update(
        {
            "team_id": [team.pk, other_team.pk],
            "user_id": [lead.pk, member.pk, outsider.pk],
            "sop_id": [sop.pk],
            "module_id": [module.pk, read_module.pk],
            "lesson_id": list(module.lessons.values_list("pk", flat=True)),
            "assignment_id": list(Assignment.objects.values_list("pk", flat=True)),
            "plan_id": list(OnboardingPlan.objects.values_list("pk", flat=True)),
            "item_id": list(PlanItem.objects.values_list("pk", flat=True)),
            "notification_id": list(Notification.objects.values_list("pk", flat=True)),
            "quiz_id": [quiz.pk, fresh_quiz.pk],
            "question_id": [q.pk for q in questions],
            "attempt_id": [str(pk) for pk in Attempt.objects.values_list("pk", flat=True)],
            "invitation_id": [
                str(pk) for pk in CandidateInvitation.objects.values_list("pk", flat=True)
            ],
            "source_id": [review_source.pk],
            "suggestion_id": list(
                qa_selectors.suggestions_for(lead=lead).values_list("pk", flat=True)
            ),
            # Request bodies.
            "email": [member.email, "new.candidate@example.test"],
            "password": [factories.TEST_PASSWORD],
            "user": [member.pk],
            "users": [[member.pk]],
            "agent": [member.pk],
            "team": [team.pk],
            "module": [module.pk],
            "sop": [sop.pk],
            "quiz": [quiz.pk],
            "skill": ["escalations", "kpi-literacy"],
            "version": list(SOPVersion.objects.filter(sop=sop).values_list("pk", flat=True)),
            "choices": [factories.right_choice_ids(q) for q in questions],
            "due_on": [(now + timedelta(days=3)).date().isoformat()],
            "due_at": [(now + timedelta(days=3)).isoformat()],
            "expires_at": [(now + timedelta(days=3)).isoformat()],
            "time_zone": ["Europe/Berlin"],
            "language": ["de"],
        }
    )
    # The application runs in-process inside the test's transaction: keep Django from closing
    # the connection when a request starts and ends (as django.test.Client does).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield World(
            lead=lead,
            member=member,
            admin=admin_user,
            team=team,
            sop=sop,
            module=module,
            read_module=read_module,
            quiz=quiz,
            fresh_quiz=fresh_quiz,
            lead_attempt=lead_attempt,
            member_attempt=member_attempt,
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        KNOWN.clear()


def token_header(user: User) -> dict[str, str]:
    _token, key = api_token_create(user=user, name="fuzz")
    return {"Authorization": f"Token {key}"}


@pytest.mark.django_db
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    # The data is built once per operation and shared by its examples, on purpose.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@schema.parametrize()
def test_api(case: Any, world: World) -> None:
    # A fresh token per request: `DELETE auth/token/` revokes the one it is called with.
    case.call_and_validate(headers=token_header(world.lead), checks=CHECKS)


# --- known-good requests ----------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    """One request of a known-good scenario; ``params``, ``body`` and ``query`` are functions
    of the world (ids differ from run to run)."""

    method: str
    path: str
    status: int
    params: Callable[[World], dict[str, Any]] = lambda w: {}
    body: Callable[[World], Any] | None = None
    query: Callable[[World], dict[str, Any]] | None = None
    who: str = "lead"


CSV_HEADER = "agent_email,interaction_ref,criterion,skill,severity\n"


def _plan_item(user: User, kind: str) -> dict[str, Any]:
    item = PlanItem.objects.get(plan__user=user, kind=kind)
    return {"plan_id": item.plan_id, "item_id": item.pk}


def _question(w: World, n: int) -> Question:
    return Question.objects.filter(version__quiz=w.quiz).order_by("position")[n]


def _answer(w: World, n: int) -> dict[str, Any]:
    return {"attempt_id": str(w.lead_attempt.pk), "question_id": _question(w, n).pk}


def _candidate_invitation(w: World) -> dict[str, Any]:
    return {
        "invitation_id": str(CandidateInvitation.objects.get(email="candidate@example.test").pk)
    }


def _future(days: int) -> str:
    return (timezone.now() + timedelta(days=days)).isoformat()


def _finding(w: World) -> dict[str, Any]:
    return {
        "agent": w.member.pk,
        "interaction_ref": "T-2001",
        "criterion": "Tone",
        "skill": "escalations",
        "severity": "low",
    }


def _csv(w: World) -> dict[str, Any]:
    rows = [
        f"{w.member.email},T-3001,Tone,escalations,medium",
        f"{w.member.email},T-3002,Tone,x,low",
    ]
    return {"csv": "\n".join([CSV_HEADER.strip(), *rows]), "dry_run": False}


def _team_id(w: World) -> dict[str, Any]:
    return {"team_id": w.team.pk}


def _suggestion_id(w: World) -> dict[str, Any]:
    return {"suggestion_id": TrainingSuggestion.objects.get().pk}


SCENARIOS: dict[str, list[Step]] = {
    "login-logout": [
        Step(
            "POST",
            "/api/v1/auth/token/",
            201,
            body=lambda w: {"email": w.member.email, "password": factories.TEST_PASSWORD},
            who="anyone",
        ),
        Step("DELETE", "/api/v1/auth/token/", 204),
    ],
    "preferences": [
        Step("PATCH", "/api/v1/me/", 200, body=lambda w: {"name": "L", "time_zone": "Asia/Tokyo"}),
    ],
    "team-views": [
        Step("GET", "/api/v1/teams/{team_id}/members/", 200, params=_team_id),
        Step(
            "GET",
            "/api/v1/teams/{team_id}/skill-gaps/",
            200,
            params=_team_id,
            query=lambda w: {"min_gap": "0"},
        ),
        Step(
            "GET",
            "/api/v1/users/{user_id}/skill-profile/",
            200,
            params=lambda w: {"user_id": w.member.pk},
        ),
        Step(
            "GET",
            "/api/v1/assignments/",
            200,
            query=lambda w: {"team": w.team.pk, "status": "open"},
        ),
        Step("GET", "/api/v1/attempts/", 200, query=lambda w: {"team": w.team.pk}),
        Step("GET", "/api/v1/invitations/", 200, query=lambda w: {"team": w.team.pk}),
        Step(
            "GET",
            "/api/v1/qa-findings/",
            200,
            query=lambda w: {"agent": w.member.pk, "skill": "escalations"},
        ),
        Step("GET", "/api/v1/training-suggestions/", 200, query=lambda w: {"team": w.team.pk}),
    ],
    # The organisation's report is the admins' (404 for a lead, which is what fuzzing sees).
    "admin-report": [
        Step("GET", "/api/v1/skill-gaps/", 200, query=lambda w: {"page_size": 1}, who="admin"),
    ],
    "sop": [
        Step("GET", "/api/v1/sops/{sop_id}/", 200, params=lambda w: {"sop_id": w.sop.pk}),
        Step(
            "POST",
            "/api/v1/assignments/{assignment_id}/complete/",
            200,
            params=lambda w: {"assignment_id": Assignment.objects.get(user=w.lead, kind="sop").pk},
        ),
        Step(
            "POST",
            "/api/v1/sops/{sop_id}/acknowledge/",
            200,
            params=lambda w: {"sop_id": w.sop.pk},
            body=lambda w: {},
        ),
        Step(
            "POST",
            "/api/v1/sops/{sop_id}/acknowledge/",
            201,
            params=lambda w: {"sop_id": w.sop.pk},
            body=lambda w: {"version": SOPVersion.objects.get(sop=w.sop, number=1).pk},
        ),
    ],
    "module": [
        Step(
            "POST",
            "/api/v1/modules/{module_id}/complete/",
            409,
            params=lambda w: {"module_id": w.module.pk},
        ),
        Step(
            "POST",
            "/api/v1/modules/{module_id}/lessons/{lesson_id}/complete/",
            200,
            params=lambda w: {
                "module_id": w.module.pk,
                "lesson_id": w.module.lessons.values_list("pk", flat=True)[0],
            },
        ),
        Step(
            "POST",
            "/api/v1/modules/{module_id}/complete/",
            200,
            params=lambda w: {"module_id": w.read_module.pk},
        ),
    ],
    "assignments": [
        Step(
            "POST",
            "/api/v1/assignments/",
            201,
            body=lambda w: {"users": [w.member.pk], "quiz": w.fresh_quiz.pk, "due_at": _future(5)},
        ),
        Step(
            "POST",
            "/api/v1/assignments/",
            200,
            body=lambda w: {"user": w.member.pk, "module": w.module.pk},
        ),
        Step(
            "DELETE",
            "/api/v1/assignments/{assignment_id}/",
            204,
            params=lambda w: {"assignment_id": Assignment.objects.filter(user=w.member)[0].pk},
        ),
    ],
    "attempt": [
        Step(
            "POST",
            "/api/v1/quizzes/{quiz_id}/attempts/",
            201,
            params=lambda w: {"quiz_id": w.fresh_quiz.pk},
        ),
        # The 409 names the attempt in progress.
        Step(
            "POST",
            "/api/v1/quizzes/{quiz_id}/attempts/",
            409,
            params=lambda w: {"quiz_id": w.fresh_quiz.pk},
        ),
        Step(
            "GET",
            "/api/v1/attempts/{attempt_id}/",
            200,
            params=lambda w: {"attempt_id": str(w.lead_attempt.pk)},
        ),
        Step(
            "PUT",
            "/api/v1/attempts/{attempt_id}/answers/{question_id}/",
            200,
            params=lambda w: _answer(w, 1),
            body=lambda w: {"choices": factories.right_choice_ids(_question(w, 1))},
        ),
        # Two choices on a single-choice question.
        Step(
            "PUT",
            "/api/v1/attempts/{attempt_id}/answers/{question_id}/",
            400,
            params=lambda w: _answer(w, 0),
            body=lambda w: {"choices": [c.pk for c in _question(w, 0).choices.all()]},
        ),
        Step(
            "POST",
            "/api/v1/attempts/{attempt_id}/submit/",
            202,
            params=lambda w: {"attempt_id": str(w.lead_attempt.pk)},
        ),
        Step(
            "GET",
            "/api/v1/attempts/{attempt_id}/",
            200,
            params=lambda w: {"attempt_id": str(w.lead_attempt.pk)},
        ),
        # A team member's attempt, as their lead sees it (the whole review).
        Step(
            "GET",
            "/api/v1/attempts/{attempt_id}/",
            200,
            params=lambda w: {"attempt_id": str(w.member_attempt.pk)},
        ),
    ],
    "invitations": [
        Step(
            "POST",
            "/api/v1/invitations/",
            201,
            body=lambda w: {"email": "n@example.test", "quiz": w.quiz.pk, "expires_at": _future(3)},
        ),
        Step(
            "POST",
            "/api/v1/invitations/",
            400,
            body=lambda w: {"email": "x", "quiz": w.quiz.pk, "expires_at": _future(365)},
        ),
        Step("GET", "/api/v1/invitations/{invitation_id}/", 200, params=_candidate_invitation),
        Step("DELETE", "/api/v1/invitations/{invitation_id}/", 204, params=_candidate_invitation),
    ],
    "qa": [
        Step("POST", "/api/v1/qa-findings/", 201, body=_finding),
        # The 409 names the finding already recorded.
        Step("POST", "/api/v1/qa-findings/", 409, body=_finding),
        Step(
            "POST", "/api/v1/qa-findings/import/", 200, body=lambda w: {**_csv(w), "dry_run": True}
        ),
        Step("POST", "/api/v1/qa-findings/import/", 201, body=_csv),
        # The file itself is unusable: the error and the report.
        Step(
            "POST",
            "/api/v1/qa-findings/import/",
            400,
            body=lambda w: {"csv": "agent_email\nx@example.test\n"},
        ),
        Step("POST", "/api/v1/training-suggestions/{suggestion_id}/accept/", 200, _suggestion_id),
        Step("POST", "/api/v1/training-suggestions/{suggestion_id}/accept/", 409, _suggestion_id),
        Step("POST", "/api/v1/training-suggestions/{suggestion_id}/dismiss/", 200, _suggestion_id),
    ],
    "onboarding": [
        Step(
            "GET",
            "/api/v1/onboarding-plans/{plan_id}/",
            200,
            params=lambda w: {"plan_id": OnboardingPlan.objects.get(user=w.member).pk},
        ),
        Step(
            "POST",
            "/api/v1/onboarding-plans/{plan_id}/items/{item_id}/sign-off/",
            409,  # other steps are open: the API asks for a confirmation first
            params=lambda w: _plan_item(w.member, "lead_signoff"),
            body=lambda w: {"comment": "Well done."},
        ),
        Step(
            "POST",
            "/api/v1/onboarding-plans/{plan_id}/items/{item_id}/sign-off/",
            200,
            params=lambda w: _plan_item(w.member, "lead_signoff"),
            body=lambda w: {"comment": "Well done.", "confirm": True},
        ),
        Step(
            "POST",
            "/api/v1/onboarding-plans/{plan_id}/items/{item_id}/sign-off/",
            409,
            params=lambda w: _plan_item(w.member, "task"),
            body=lambda w: {},
        ),
        Step(
            "POST",
            "/api/v1/onboarding-plans/{plan_id}/items/{item_id}/complete/",
            200,
            params=lambda w: _plan_item(w.lead, "task"),
        ),
        Step(
            "POST",
            "/api/v1/onboarding-plans/{plan_id}/items/{item_id}/complete/",
            409,
            params=lambda w: _plan_item(w.lead, "lead_signoff"),
        ),
    ],
    "notifications": [
        Step("GET", "/api/v1/notifications/", 200, query=lambda w: {"unread": "1"}),
        Step(
            "POST",
            "/api/v1/notifications/{notification_id}/read/",
            200,
            params=lambda w: {"notification_id": Notification.objects.filter(user=w.lead)[0].pk},
        ),
        Step("POST", "/api/v1/notifications/read-all/", 200),
    ],
}


@pytest.mark.django_db
@pytest.mark.parametrize("scenario", SCENARIOS)
def test_valid_requests(world: World, scenario: str) -> None:
    """Success answers (and 400/409s with extra fields) that fuzzing rarely reaches, in order
    on the same data, each checked like the fuzzed ones."""
    users = {"lead": world.lead, "admin": world.admin}
    for step in SCENARIOS[scenario]:
        case = schema[step.path][step.method].Case(
            path_parameters=step.params(world),
            body=step.body(world) if step.body else NOT_SET,
            query=step.query(world) if step.query else None,
            media_type="application/json" if step.body else None,
        )
        headers = token_header(users[step.who]) if step.who in users else {}
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        assert response.status_code == step.status, (step.method, step.path, response.text)


# --- bad input: never a 500 ----------------------------------------------------------------------
# The 500s found while building this test (the first three), and their neighbours.


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path", "data", "status"),
    [
        # PostgreSQL refuses NUL in a text parameter: no skill has that slug.
        ("get", "/api/v1/qa-findings/?skill=%00", None, 200),
        # A CSV file with NUL: saving its rows was a 500 on PostgreSQL.
        (
            "post",
            "/api/v1/qa-findings/import/",
            {"file": CSV_HEADER + "{email},T\x001,C,escalations,low\n"},
            400,
        ),
        # A field over the csv module's limit (128 KiB) raised csv.Error.
        (
            "post",
            "/api/v1/qa-findings/import/",
            {"csv": CSV_HEADER + "{email}," + "x" * 140_000 + ",C,escalations,low\n"},
            400,
        ),
        # Ids that do not fit a bigint, in paths and bodies.
        ("get", "/api/v1/teams/99999999999999999999999/members/", None, 404),
        (
            "put",
            "/api/v1/attempts/{attempt}/answers/99999999999999999999999/",
            {"choices": [1]},
            404,
        ),
        (
            "post",
            "/api/v1/qa-findings/",
            {
                "agent": 10**30,
                "interaction_ref": "x",
                "criterion": "c",
                "skill": "99999999999999999999999",
            },
            400,
        ),
    ],
    ids=[
        "nul-query",
        "nul-csv-file",
        "huge-csv-field",
        "huge-path-id",
        "huge-question-id",
        "huge-skill-id",
    ],
)
def test_bad_input_is_never_a_server_error(
    world: World, method: str, path: str, data: dict[str, Any] | None, status: int
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=token_header(world.lead)["Authorization"])
    client.raise_request_exception = False
    path = path.format(attempt=world.lead_attempt.pk)
    payload: Any = None
    if data is not None:
        payload = {
            key: value.replace("{email}", world.member.email) if isinstance(value, str) else value
            for key, value in data.items()
        }
        if "file" in payload:
            payload["file"] = SimpleUploadedFile("qa.csv", payload["file"].encode())
    response = getattr(client, method)(
        path, payload, format="multipart" if data and "file" in data else "json"
    )
    assert response.status_code == status, response.content
    if status >= 400:
        assert {"detail", "code"} <= set(response.json())
