"""The permission matrix: every endpoint and page, as every role, answers as docs/api.md says.

The table under "## Permission matrix" in docs/api.md is the source of truth; this test reads
it, fills in the placeholders with a small world, and calls each row as each role (each call
in a transaction rolled back afterwards, so writes don't leak into the next call).
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from rest_framework.test import APIClient

from accounts.selectors import invitation_token
from accounts.services import api_token_create, invitation_create
from assessments import services as assessments_services
from assessments.models import Question
from assessments.selectors import candidate_invitation_token
from courses import services as courses_services
from notifications.services import notify
from onboarding import services as onboarding_services
from privacy.services import candidate_data_token
from qa import services as qa_services
from qa.models import TrainingRule, TrainingSuggestion
from qa.reviews import sources as review_sources
from readiness import services as readiness_services
from skills.models import RoleProfile
from tests import factories

DOCS = Path(__file__).resolve().parents[2] / "docs" / "api.md"
ROLES = ["admin", "lead", "other lead", "member", "teammate", "candidate", "anonymous"]
ANONYMOUS = {"candidate", "anonymous"}


def matrix_rows() -> list[tuple[str, str, dict[str, int]]]:
    text = DOCS.read_text()
    table = text[text.index("## Permission matrix") :]
    rows = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 2 + len(ROLES) and cells[0] in {"GET", "POST", "PUT", "PATCH", "DELETE"}:
            rows.append((cells[0], cells[1], dict(zip(ROLES, map(int, cells[2:]), strict=True))))
    return rows


@pytest.fixture
def world(db, admin_user, lead, member, team, other_team, outsider, catalogue):
    future = (timezone.now() + timedelta(days=5)).isoformat()
    teammate = factories.UserFactory.create(name="Tom Teammate")
    factories.MembershipFactory.create(user=teammate, team=team)
    forgetful = factories.UserFactory.create(name="Fred Forgetful")
    module, skill = catalogue["module"], catalogue["escalations"]
    module2 = factories.module_with_lessons(lessons=1)
    assignment, _ = courses_services.assignment_ensure(
        user=member, module=module, source="manual", due_on=timezone.localdate() + timedelta(days=3)
    )
    sop = factories.sop_published("Read me", title="Escalation handling")
    quiz = factories.quiz_published()
    attempt = assessments_services.attempt_start(quiz=quiz, user=member)
    question = Question.objects.filter(version=attempt.quiz_version).order_by("position").first()
    candidate = assessments_services.candidate_invitation_create(
        invited_by=lead,
        email="cand@example.test",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=3),
    )
    candidate_attempt = assessments_services.attempt_start(quiz=quiz, invitation=candidate)
    template = factories.checklist((0, "task", "Accounts"), (1, "lead_signoff", "Meet your lead"))
    plan = onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=timezone.localdate()
    )
    notification, _ = notify(
        user=member, key="matrix", kind="info", title="Hello", url="/training/"
    )
    rule = TrainingRule.objects.create(
        name="r", skill=skill, module=module2, threshold=5, mode="suggest"
    )
    suggestion = TrainingSuggestion.objects.create(
        rule=rule, agent=member, module=module2, reason="r"
    )
    qa_services.finding_record(
        reviewer=lead, agent=member, interaction_ref="T-1", criterion="C", skill=skill
    )
    review_source, _secret = review_sources.review_source_create(
        team=team, created_by=lead, name="QA tool", webhook_enabled=True
    )
    newhire = invitation_create(invited_by=lead, team=team, email="new.hire@example.test")
    member_token, _key = api_token_create(user=member, name="member's own")
    # readiness: the member works towards "Live chat"; a decision about them
    live = RoleProfile.objects.create(slug="live-chat", name="Live chat")
    criteria = readiness_services.criteria_create(
        role_profile=live, from_roles=[catalogue["profile"]], by=admin_user
    )
    signoff_line = readiness_services.criterion_add(
        criteria=criteria,
        by=admin_user,
        fields={"kind": "signoff", "label": "Shadowed", "categories": []},
    ).items.get()
    decision = readiness_services.decision_record(
        person=member, criteria=criteria, outcome="not_yet", by=lead, reason="Shadow first"
    )
    users = {
        "admin": admin_user,
        "lead": lead,
        "other lead": outsider,
        "member": member,
        "teammate": teammate,
    }
    values = {
        "team": team.pk,
        "sop": sop.pk,
        "sop_slug": sop.slug,
        "module": module.pk,
        "module_slug": module.slug,
        "lesson": module.lessons.first().pk,
        "assignment": assignment.pk,
        "plan": plan.pk,
        "task": plan.items.get(kind="task").pk,
        "signoff": plan.items.get(kind="lead_signoff").pk,
        "notification": notification.pk,
        "quiz": quiz.pk,
        "quiz_slug": quiz.slug,
        "attempt": attempt.pk,
        "question": question.pk,
        "version": attempt.quiz_version_id,
        "member": member.pk,
        "suggestion": suggestion.pk,
        "review_source": review_source.pk,
        "invitation": candidate.pk,
        "candidate_token": candidate_invitation_token(candidate),
        "candidate_data_token": candidate_data_token(candidate),
        "candidate_attempt": candidate_attempt.pk,
        "newhire_invitation": newhire.pk,
        "invite_token": invitation_token(newhire),
        "token": member_token.pk,
        "criteria": criteria.pk,
        "decision": decision.pk,
        # A reset link belongs to someone who is not signing in during the
        # test: signing in changes last_login, which (rightly) voids the link.
        "uid": urlsafe_base64_encode(force_bytes(forgetful.pk)),
        "reset_token": default_token_generator.make_token(forgetful),
    }
    bodies = {
        ("POST", "/api/v1/auth/token/"): {},
        ("PATCH", "/api/v1/me/"): {"name": "New Name"},
        ("POST", "/api/v1/sops/{sop}/acknowledge/"): {},
        ("POST", "/api/v1/assignments/"): {
            "users": [member.pk],
            "module": module2.pk,
            "due_at": future,
        },
        ("PUT", "/api/v1/attempts/{attempt}/answers/{question}/"): {"choices": []},
        ("POST", "/api/v1/onboarding-plans/{plan}/items/{signoff}/sign-off/"): {"confirm": True},
        ("POST", "/api/v1/qa-findings/"): {
            "agent": member.pk,
            "interaction_ref": "T-9",
            "criterion": "C",
            "skill": skill.slug,
            "severity": "low",
        },
        ("POST", "/api/v1/qa-findings/import/"): {
            "csv": "agent_email,interaction_ref,criterion,skill,severity\n"
            f"{member.email},T-8,C,{skill.slug},low\n",
            "dry_run": True,
        },
        ("POST", "/api/v1/qa-review-sources/"): {"team": team.pk, "name": "Another tool"},
        ("PATCH", "/api/v1/qa-review-sources/{review_source}/"): {"name": "Renamed"},
        ("PUT", "/api/v1/qa-review-sources/{review_source}/categories/"): {"categories": []},
        ("POST", "/api/v1/invitations/"): {
            "email": "someone.new@example.test",
            "quiz": quiz.pk,
            "expires_at": future,
            "team": team.pk,
        },
        ("POST", "/admin-tools/markdown-preview/"): {"text": "## Hi"},
        ("POST", "/api/v1/readiness/decisions/"): {
            "person": member.pk,
            "criteria": criteria.pk,
            "outcome": "not_yet",
            "reason": "Shadow three chats",
        },
        ("POST", "/api/v1/readiness/decisions/{decision}/revoke/"): {"reason": "Mistake"},
        ("POST", "/readiness/people/{member}/roles/{criteria}/decide/"): {
            f"d{criteria.pk}-outcome": "not_yet",
            f"d{criteria.pk}-reason": "Shadow three chats",
        },
        ("POST", "/readiness/people/{member}/roles/{criteria}/sign-off/"): {
            "key": signoff_line.key
        },
        ("POST", "/attempts/{attempt}/answers/{question}/"): {
            f"q{question.pk}": str(question.choices.first().pk)
        },
        ("POST", "/c/{candidate_token}/attempts/{candidate_attempt}/answers/{question}/"): {
            f"q{question.pk}": str(question.choices.first().pk)
        },
    }
    keys = {name: api_token_create(user=user, name="matrix")[1] for name, user in users.items()}
    return users, values, bodies, keys


def call(role: str, method: str, path: str, body: Any, users: dict, keys: dict) -> int:
    if path.startswith("/api/v1/"):
        client: Any = APIClient()
        if role not in ANONYMOUS:
            client.credentials(HTTP_AUTHORIZATION=f"Token {keys[role]}")
        return client.generic(
            method, path, data=_json(body), content_type="application/json"
        ).status_code
    client = Client()
    if role not in ANONYMOUS:
        client.force_login(users[role])
    if method == "GET":
        return client.get(path).status_code
    return client.post(path, body or {}).status_code


def _json(body: Any) -> str:
    import json

    return json.dumps(body if body is not None else {})


def test_every_row_answers_as_documented(world):
    users, values, bodies, keys = world
    rows = matrix_rows()
    assert len(rows) > 100
    mismatches = []
    for method, template, expected in rows:
        path = template.format(**values)
        body = bodies.get((method, template))
        for role, status in expected.items():
            with transaction.atomic():
                got = call(role, method, path, body, users, keys)
                transaction.set_rollback(True)
            if got != status:
                mismatches.append(f"{method} {template} as {role}: documented {status}, got {got}")
    assert not mismatches, "\n".join(mismatches)


def _routes(patterns: list[Any], prefix: str = "") -> list[str]:
    routes = []
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if str(pattern.pattern).startswith("admin/"):
                continue
            routes += _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            routes.append("/" + prefix + str(pattern.pattern))
    return routes


def test_the_matrix_covers_every_url_of_the_project():
    documented = {
        re.sub(r"\{[^}]+\}", "X", template.split("?")[0]) for _m, template, _e in matrix_rows()
    }
    missing = []
    for route in _routes(get_resolver().url_patterns):
        shape = re.sub(r"<[^>]+>", "X", route)
        # "/training/modules/X/lessons/X/" is documented with a literal lesson number, etc.
        pattern = re.escape(shape).replace("X", "[^/]+")
        if not any(re.fullmatch(pattern, doc) for doc in documented):
            missing.append(route)
    assert not missing, "Add these to the permission matrix in docs/api.md:\n" + "\n".join(missing)
