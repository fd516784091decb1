"""A Python client generated from the live schema with openapi-python-client works.

Integrations start from ``/api/schema/``. The client is generated the way an integrator would
(the ``openapi-python-client`` command against the schema the server serves), imported whole,
and driven through a lead's journey (log in, teams, skill gaps, findings) and a learner's
(log in, start a quiz, answer, submit, read the result) against a live server.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from qa.models import QAFinding
from tests import factories

VENV_BIN = Path(sys.executable).parent
PACKAGE = "readiness_client"

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def client_package(
    live_server: Any, tmp_path_factory: pytest.TempPathFactory, django_db_blocker: Any
) -> Iterator[ModuleType]:
    tmp_path = tmp_path_factory.mktemp("client")
    # A module fixture runs outside any test's database access, but the server's request
    # start looks at its connection (``close_old_connections``), which is shared with this
    # thread on SQLite: after a test that left it closed, that check would be refused.
    with (
        django_db_blocker.unblock(),
        urllib.request.urlopen(f"{live_server.url}/api/schema/?format=json") as response,  # noqa: S310
    ):
        schema = json.loads(response.read())
    schema_file = tmp_path / "schema.json"
    schema_file.write_text(json.dumps(schema))
    generated = subprocess.run(
        [
            str(VENV_BIN / "openapi-python-client"),
            "generate",
            "--path",
            str(schema_file),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / PACKAGE),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": f"{VENV_BIN}:/usr/bin:/bin", "HOME": str(tmp_path)},
    )
    assert generated.returncode == 0, generated.stdout + generated.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        package = importlib.import_module(PACKAGE)
        yield package
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def _op(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.api.v1.{name}")


def _model(name: str) -> Any:
    return getattr(importlib.import_module(f"{PACKAGE}.models"), name)


def _log_in(package: ModuleType, url: str, email: str, password: str) -> Any:
    anonymous = package.Client(base_url=url, raise_on_unexpected_status=True)
    body = _model("TokenObtainInputRequest")(email=email, password=password)
    token = _op("v1_auth_token_create").sync(client=anonymous, body=body)
    assert isinstance(token, _model("TokenOutput")), token
    return package.AuthenticatedClient(
        base_url=url, token=token.token, prefix="Token", raise_on_unexpected_status=True
    )


def test_every_operation_of_the_generated_client_imports(client_package: ModuleType) -> None:
    api = importlib.import_module(f"{PACKAGE}.api")
    modules = [info.name for info in pkgutil.walk_packages(api.__path__, f"{PACKAGE}.api.")]
    for name in modules:
        importlib.import_module(name)
    assert len(modules) > 40


def test_a_lead_reads_teams_gaps_and_findings_through_the_generated_client(
    client_package: ModuleType, live_server: Any, lead: Any, member: Any, team: Any, password: str
) -> None:
    factories.SkillFactory.create(slug="escalations", name="Escalations")
    client = _log_in(client_package, live_server.url, lead.email, password)
    finding = _model("FindingInputRequest")(
        agent=member.pk, interaction_ref="T-1", criterion="Escalated on time", skill="escalations"
    )
    recorded = _op("v1_qa_findings_create").sync(client=client, body=finding)
    assert isinstance(recorded, _model("FindingOutput")), recorded
    assert QAFinding.objects.get(pk=recorded.id).agent == member

    teams = _op("v1_teams_list").sync(client=client)
    assert [item.name for item in teams.results] == [team.name]
    gaps = _op("v1_teams_skill_gaps_retrieve").sync(team_id=team.pk, client=client)
    assert gaps.team == team.pk
    assert member.pk in [row.user for row in gaps.members]
    findings = _op("v1_qa_findings_list").sync(client=client)
    assert [(f.interaction_ref, f.skill) for f in findings.results] == [("T-1", "escalations")]


def test_a_learner_takes_a_quiz_through_the_generated_client(
    client_package: ModuleType, live_server: Any, member: Any, password: str
) -> None:
    quiz = factories.quiz_published()
    client = _log_in(client_package, live_server.url, member.email, password)

    quizzes = _op("v1_quizzes_list").sync(client=client)
    assert [item.id for item in quizzes.results] == [quiz.pk]
    started = _op("v1_quizzes_attempts_create").sync(quiz_id=quiz.pk, client=client)
    assert isinstance(started, _model("AttemptStartedOutput")), started
    for question in started.questions:
        right = question.choices[0].id  # the factory's first choice is the right one
        answer = _model("AnswerInputRequest")(choices=[right])
        saved = _op("v1_attempts_answers_update").sync(
            attempt_id=started.id, question_id=question.id, client=client, body=answer
        )
        assert isinstance(saved, _model("AnswerOutput")), saved
    _op("v1_attempts_submit_create").sync(attempt_id=started.id, client=client)

    deadline = time.monotonic() + 10
    attempt = _op("v1_attempts_retrieve").sync(attempt_id=started.id, client=client)
    while attempt.status.value != "scored" and time.monotonic() < deadline:
        time.sleep(0.2)
        attempt = _op("v1_attempts_retrieve").sync(attempt_id=started.id, client=client)
    assert attempt.status.value == "scored"
    assert attempt.percent == 100
    assert attempt.passed is True


def test_a_lead_records_a_readiness_decision_through_the_generated_client(
    client_package: ModuleType, live_server: Any, lead: Any, member: Any, team: Any, password: str
) -> None:
    from readiness import services as readiness_services
    from readiness.models import Decision
    from skills.models import LearnerProfile, RoleProfile

    agent = RoleProfile.objects.create(slug="agent", name="Agent")
    live = RoleProfile.objects.create(slug="live-chat", name="Live chat")
    LearnerProfile.objects.create(user=member, role_profile=agent)
    criteria = readiness_services.criteria_create(role_profile=live, from_roles=[agent], by=lead)
    readiness_services.criterion_add(
        criteria=criteria,
        by=lead,
        fields={"kind": "signoff", "label": "Shadowed three chats", "categories": []},
    )
    client = _log_in(client_package, live_server.url, lead.email, password)

    board = _op("v1_readiness_teams_board_retrieve").sync(team_id=team.pk, client=client)
    assert [(row.person.id, row.state.value) for row in board.rows] == [(member.pk, "not_ready")]
    body = _model("DecisionInputRequest")(
        person=member.pk,
        criteria=criteria.pk,
        outcome=_model("DecisionChoiceEnum")("not_yet"),
        reason="Shadow three chats first.",
    )
    recorded = _op("v1_readiness_decisions_create").sync(client=client, body=body)
    assert isinstance(recorded, _model("DecisionOutput")), recorded
    assert recorded.outcome.value == "not_yet"
    assert [line.verdict.value for line in recorded.lines] == ["not_met"]
    assert Decision.objects.get(pk=recorded.id).reason == "Shadow three chats first."
