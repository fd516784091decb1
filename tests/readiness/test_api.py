"""The readiness API: recording decisions (override and reason rules), revoking (newest only,
once), who may read and decide (yourself, the lead of your team, an admin; everyone else 404),
bad input (400 with field errors, nothing saved), the OpenAPI schema, and two decisions in a
row both landing in order."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.db import connections
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from courses import services as courses_services
from courses.models import Assignment
from readiness import services
from readiness.models import Decision, Kind, Verdict
from tests import factories

ApiAs = Callable[[User], APIClient]
DECISIONS = "/api/v1/readiness/decisions/"


@pytest.fixture
def setup(live_chat: dict[str, Any]) -> dict[str, Any]:
    return live_chat


def all_met(setup: dict[str, Any], person: User, lead: User) -> None:
    """``person`` meets every criterion: signed off and the module completed."""
    services.signoff_give(
        person=person, criteria=setup["criteria"], key=setup["signoff"].key, by=lead
    )
    module = setup["module"]
    for lesson in module.lessons.all():
        courses_services.lesson_complete(user=person, lesson=lesson)
    courses_services.module_complete(user=person, module=module)


def body(setup: dict[str, Any], person: User, **extra: Any) -> dict[str, Any]:
    return {"person": person.pk, "criteria": setup["criteria"].pk, **extra}


def decided(setup: dict[str, Any], person: User, by: User, outcome: str = "not_yet") -> Decision:
    return services.decision_record(
        person=person,
        criteria=setup["criteria"],
        outcome=outcome,
        by=by,
        reason="Needs more chats." if outcome == "not_yet" else "",
    )


# --- recording --------------------------------------------------------------------------------


def test_a_lead_records_ready_with_every_verdict_frozen(
    setup: dict[str, Any], api_as: ApiAs, lead: User, member: User
) -> None:
    all_met(setup, member, lead)
    response = api_as(lead).post(DECISIONS, body(setup, member, outcome="ready"), format="json")
    assert response.status_code == 201, response.content
    answer = response.json()
    assert answer["outcome"] == "ready"
    assert answer["verdict"] == Verdict.MET
    assert answer["overridden"] is False
    assert answer["person"]["id"] == member.pk
    assert answer["decided_by"] == lead.name
    assert [(line["kind"], line["verdict"]) for line in answer["lines"]] == [
        (Kind.SIGNOFF, Verdict.MET),
        (Kind.MODULES, Verdict.MET),
    ]
    assert answer["lines"][0]["title"] == "Shadowed three chats"
    saved = Decision.objects.get()
    assert saved.pk == answer["id"]
    assert [entry["verdict"] for entry in saved.snapshot] == [Verdict.MET, Verdict.MET]
    assert saved.decided_by == lead


def test_ready_with_an_unmet_criterion_needs_an_override_then_a_reason(
    setup: dict[str, Any], api_as: ApiAs, lead: User, member: User
) -> None:
    api = api_as(lead)
    no_override = api.post(DECISIONS, body(setup, member, outcome="ready"), format="json")
    assert no_override.status_code == 400
    assert no_override.json()["code"] == "invalid"
    assert list(no_override.json()["errors"]) == ["override"]
    no_reason = api.post(
        DECISIONS, body(setup, member, outcome="ready", override=True), format="json"
    )
    assert no_reason.status_code == 400
    assert list(no_reason.json()["errors"]) == ["reason"]
    blank_reason = api.post(
        DECISIONS,
        body(setup, member, outcome="ready", override=True, reason="   "),
        format="json",
    )
    assert blank_reason.status_code == 400
    assert list(blank_reason.json()["errors"]) == ["reason"]
    assert Decision.objects.count() == 0

    overridden = api.post(
        DECISIONS,
        body(setup, member, outcome="ready", override=True, reason="Covered the module live."),
        format="json",
    )
    assert overridden.status_code == 201, overridden.content
    answer = overridden.json()
    assert answer["overridden"] is True
    assert answer["verdict"] == Verdict.NOT_MET
    assert answer["reason"] == "Covered the module live."
    assert {line["kind"]: line["verdict"] for line in answer["lines"]} == {
        Kind.SIGNOFF: Verdict.NOT_MET,
        Kind.MODULES: Verdict.NOT_MET,
    }
    assert Decision.objects.get().overridden is True


def test_not_yet_needs_a_reason(
    setup: dict[str, Any], api_as: ApiAs, lead: User, member: User
) -> None:
    api = api_as(lead)
    response = api.post(DECISIONS, body(setup, member, outcome="not_yet"), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    assert Decision.objects.count() == 0
    with_reason = api.post(
        DECISIONS,
        body(setup, member, outcome="not_yet", reason="Finish the module first."),
        format="json",
    )
    assert with_reason.status_code == 201
    assert with_reason.json()["outcome"] == "not_yet"
    assert with_reason.json()["overridden"] is False


def test_revoking_is_a_new_record_and_only_once(
    setup: dict[str, Any], api_as: ApiAs, lead: User, member: User
) -> None:
    all_met(setup, member, lead)
    decision = decided(setup, member, lead, outcome="ready")
    api = api_as(lead)
    url = f"{DECISIONS}{decision.pk}/revoke/"
    revoked = api.post(url, {"reason": "Recorded by mistake."}, format="json")
    assert revoked.status_code == 201, revoked.content
    answer = revoked.json()
    assert answer["outcome"] == "revoked"
    assert answer["revokes"] == decision.pk
    assert answer["reason"] == "Recorded by mistake."
    assert Decision.objects.count() == 2
    decision.refresh_from_db()
    assert decision.outcome == "ready"  # the revoked decision itself is never edited

    again = api.post(url, {"reason": "Once more."}, format="json")
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    revoke_the_revocation = api.post(
        f"{DECISIONS}{answer['id']}/revoke/", {"reason": "Undo?"}, format="json"
    )
    assert revoke_the_revocation.status_code == 409
    assert Decision.objects.count() == 2

    no_reason = api.post(f"{DECISIONS}{answer['id']}/revoke/", {}, format="json")
    assert no_reason.status_code == 400
    assert list(no_reason.json()["errors"]) == ["reason"]


def test_only_the_newest_decision_can_be_revoked(
    setup: dict[str, Any], api_as: ApiAs, lead: User, member: User
) -> None:
    older = decided(setup, member, lead)
    newer = decided(setup, member, lead)
    api = api_as(lead)
    response = api.post(f"{DECISIONS}{older.pk}/revoke/", {"reason": "Old."}, format="json")
    assert response.status_code == 409
    assert Decision.objects.count() == 2
    assert (
        api.post(f"{DECISIONS}{newer.pk}/revoke/", {"reason": "New."}, format="json").status_code
        == 201
    )


# --- who may see and decide ---------------------------------------------------------------------


def test_an_agent_reads_their_own_readiness_only_and_cannot_decide(
    setup: dict[str, Any], api_as: ApiAs, lead: User, member: User
) -> None:
    teammate = setup["teammate"]
    colleague_decision = decided(setup, teammate, lead)
    api = api_as(member)
    own = api.get(f"/api/v1/readiness/people/{member.pk}/")
    assert own.status_code == 200
    answer = own.json()
    assert answer["person"]["id"] == member.pk
    (role,) = answer["roles"]
    assert role["role"] == "live-chat"
    assert role["verdict"] == Verdict.NOT_MET
    assert [line["verdict"] for line in role["lines"]] == [Verdict.NOT_MET, Verdict.NOT_MET]
    assert api.get(f"{DECISIONS}?person={member.pk}").status_code == 200

    assert api.get(f"/api/v1/readiness/people/{teammate.pk}/").status_code == 404
    assert api.get(f"{DECISIONS}?person={teammate.pk}").status_code == 404
    assert api.get(f"{DECISIONS}{colleague_decision.pk}/").status_code == 404
    for person in (teammate, member):  # neither a colleague nor themselves
        response = api.post(
            DECISIONS, body(setup, person, outcome="not_yet", reason="Because."), format="json"
        )
        assert response.status_code == 404
    own_decision = decided(setup, member, lead)
    assert api.get(f"{DECISIONS}{own_decision.pk}/").status_code == 200
    revoke = api.post(f"{DECISIONS}{own_decision.pk}/revoke/", {"reason": "Mine."}, format="json")
    assert revoke.status_code == 404
    assert Decision.objects.count() == 2


def test_an_agent_does_not_see_the_team_board(
    setup: dict[str, Any], api_as: ApiAs, member: User, team: Any
) -> None:
    assert api_as(member).get(f"/api/v1/readiness/teams/{team.pk}/board/").status_code == 404


def test_a_lead_of_another_team_sees_nothing(
    setup: dict[str, Any], api_as: ApiAs, lead: User, member: User, outsider: User, team: Any
) -> None:
    decision = decided(setup, member, lead)
    api = api_as(outsider)
    assert api.get(f"/api/v1/readiness/people/{member.pk}/").status_code == 404
    assert api.get(f"/api/v1/readiness/teams/{team.pk}/board/").status_code == 404
    assert api.get(f"{DECISIONS}?person={member.pk}").status_code == 404
    assert api.get(f"{DECISIONS}{decision.pk}/").status_code == 404
    revoke = api.post(f"{DECISIONS}{decision.pk}/revoke/", {"reason": "Not mine."}, format="json")
    assert revoke.status_code == 404
    record = api.post(
        DECISIONS, body(setup, member, outcome="not_yet", reason="Not mine."), format="json"
    )
    assert record.status_code == 404
    assert list(Decision.objects.values_list("pk", flat=True)) == [decision.pk]
    # their own team's board is theirs to see
    own_team = outsider.memberships.get().team_id
    assert api.get(f"/api/v1/readiness/teams/{own_team}/board/").status_code == 200


def test_the_lead_and_an_admin_see_the_person_and_the_board(
    setup: dict[str, Any], api_as: ApiAs, lead: User, member: User, admin_user: User, team: Any
) -> None:
    for user in (lead, admin_user):
        api = api_as(user)
        person = api.get(f"/api/v1/readiness/people/{member.pk}/")
        assert person.status_code == 200
        board = api.get(f"/api/v1/readiness/teams/{team.pk}/board/")
        assert board.status_code == 200
        rows = board.json()["rows"]
        assert sorted(row["person"]["id"] for row in rows) == sorted(
            [member.pk, setup["teammate"].pk]
        )
        assert board.json()["counts"]["not_ready"] == 2
    admin_decision = api_as(admin_user).post(
        DECISIONS, body(setup, member, outcome="not_yet", reason="Admin says."), format="json"
    )
    assert admin_decision.status_code == 201


def test_the_criteria_list_is_open_to_any_signed_in_user(
    setup: dict[str, Any], api_as: ApiAs, member: User
) -> None:
    response = api_as(member).get("/api/v1/readiness/criteria/")
    assert response.status_code == 200
    (criteria,) = response.json()
    assert criteria["role"] == "live-chat"
    assert criteria["from_roles"] == ["agent"]
    assert criteria["version"] == 3  # empty, + sign-off, + module
    assert [line["kind"] for line in criteria["lines"]] == [Kind.SIGNOFF, Kind.MODULES]
    assert APIClient().get("/api/v1/readiness/criteria/").status_code == 401


def test_unknown_ids_are_404(
    setup: dict[str, Any], api_as: ApiAs, lead: User, member: User, admin_user: User
) -> None:
    missing = 987_654_321
    for user in (lead, admin_user):
        api = api_as(user)
        assert api.get(f"/api/v1/readiness/people/{missing}/").status_code == 404
        assert api.get(f"/api/v1/readiness/teams/{missing}/board/").status_code == 404
        assert api.get(f"{DECISIONS}{missing}/").status_code == 404
        assert api.get(f"{DECISIONS}?person={missing}").status_code == 404
        assert api.get(DECISIONS).status_code == 404  # no person named
        revoke = api.post(f"{DECISIONS}{missing}/revoke/", {"reason": "Gone."}, format="json")
        assert revoke.status_code == 404
        unknown_person = api.post(
            DECISIONS,
            {
                "person": missing,
                "criteria": setup["criteria"].pk,
                "outcome": "not_yet",
                "reason": "x",
            },
            format="json",
        )
        assert unknown_person.status_code == 404
        unknown_criteria = api.post(
            DECISIONS,
            {"person": member.pk, "criteria": missing, "outcome": "not_yet", "reason": "x"},
            format="json",
        )
        assert unknown_criteria.status_code == 404
        unknown_module = api.post(
            DECISIONS,
            body(setup, member, outcome="not_yet", reason="x", assign_module=missing),
            format="json",
        )
        assert unknown_module.status_code == 400
        assert list(unknown_module.json()["errors"]) == ["assign_module"]
    assert Decision.objects.count() == 0


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"person": "abc"}, "person"),
        ({"person": None}, "person"),
        ({"criteria": "1.5"}, "criteria"),
        ({"outcome": "maybe"}, "outcome"),
        ({"outcome": "revoked"}, "outcome"),  # revoking has its own endpoint
        ({"reason": "x" * 2001}, "reason"),
        ({"plan": "x" * 2001}, "plan"),
        ({"override": "perhaps"}, "override"),
        ({"due_on": "next week"}, "due_on"),
    ],
)
def test_bad_input_is_400_with_field_errors_and_saves_nothing(
    setup: dict[str, Any], api_as: ApiAs, lead: User, member: User, change: Any, field: str
) -> None:
    sent = body(setup, member, outcome="not_yet", reason="A fine reason.") | change
    response = api_as(lead).post(DECISIONS, sent, format="json")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    answer = response.json()
    assert answer["code"] == "invalid"
    assert list(answer["errors"]) == [field]
    assert Decision.objects.count() == 0


def test_a_revocation_reason_over_2000_characters_is_refused(
    setup: dict[str, Any], api_as: ApiAs, lead: User, member: User
) -> None:
    decision = decided(setup, member, lead)
    response = api_as(lead).post(
        f"{DECISIONS}{decision.pk}/revoke/", {"reason": "x" * 2001}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["reason"]
    assert Decision.objects.count() == 1


def test_a_body_that_is_not_json_is_400(setup: dict[str, Any], api_as: ApiAs, lead: User) -> None:
    response = api_as(lead).post(DECISIONS, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"
    assert Decision.objects.count() == 0


# --- the schema ---------------------------------------------------------------------------------


def test_the_schema_documents_the_readiness_api(client: Any, db: None) -> None:
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    paths = schema["paths"]
    for path, method in [
        ("/api/v1/readiness/criteria/", "get"),
        ("/api/v1/readiness/people/{user_id}/", "get"),
        ("/api/v1/readiness/teams/{team_id}/board/", "get"),
        ("/api/v1/readiness/decisions/", "get"),
        ("/api/v1/readiness/decisions/", "post"),
        ("/api/v1/readiness/decisions/{decision_id}/", "get"),
        ("/api/v1/readiness/decisions/{decision_id}/revoke/", "post"),
    ]:
        assert method in paths.get(path, {}), f"{method.upper()} {path} is not in the schema"
    components = schema["components"]["schemas"]
    # requests get their own components (COMPONENT_SPLIT_REQUEST): "DecisionInputRequest"
    post = paths["/api/v1/readiness/decisions/"]["post"]
    ref = post["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    assert ref == "#/components/schemas/DecisionInputRequest"
    decision_input = components["DecisionInputRequest"]
    assert set(decision_input["required"]) == {"person", "criteria", "outcome"}
    assert set(decision_input["properties"]) == {
        "person",
        "criteria",
        "outcome",
        "reason",
        "plan",
        "override",
        "assign_module",
        "due_on",
    }
    assert decision_input["properties"]["reason"]["maxLength"] == 2000
    assert "DecisionOutput" in components
    assert {"201", "400", "404"} <= set(post["responses"])
    revoke = paths["/api/v1/readiness/decisions/{decision_id}/revoke/"]["post"]
    assert "409" in revoke["responses"]


def test_the_readiness_enums_have_stable_names(db: None) -> None:
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator

    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    names = set(schema["components"]["schemas"])
    hashed = sorted(n for n in names if re.fullmatch(r"[A-Za-z]+[0-9a-f]{3}Enum", n))
    assert not hashed, f"enums named by a hash (a naming collision): {hashed}"
    assert not GENERATOR_STATS, "the schema builds with warnings"


# --- two in a row -------------------------------------------------------------------------------


def test_two_decisions_back_to_back_both_land_newest_first(
    setup: dict[str, Any], api_as: ApiAs, lead: User, member: User, admin_user: User
) -> None:
    first = api_as(lead).post(
        DECISIONS, body(setup, member, outcome="not_yet", reason="First."), format="json"
    )
    second = api_as(admin_user).post(
        DECISIONS,
        body(setup, member, outcome="ready", override=True, reason="Second."),
        format="json",
    )
    assert first.status_code == 201
    assert second.status_code == 201
    listed = api_as(lead).get(f"{DECISIONS}?person={member.pk}")
    assert listed.status_code == 200
    assert [(d["id"], d["reason"]) for d in listed.json()["results"]] == [
        (second.json()["id"], "Second."),
        (first.json()["id"], "First."),
    ]
    assert Decision.objects.filter(person=member).count() == 2
    # the member reads the same history
    mine = api_as(member).get(f"{DECISIONS}?person={member.pk}")
    assert [d["id"] for d in mine.json()["results"]] == [second.json()["id"], first.json()["id"]]


def test_two_leads_deciding_at_once_both_land(
    postgres: None,
    transactional_db: None,
    setup: dict[str, Any],
    api_as: ApiAs,
    lead: User,
    admin_user: User,
    member: User,
) -> None:
    """Two decisions about one person at the same moment (real threads, real PostgreSQL):
    neither is lost, and the list shows them newest first."""
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def decide(by: User, reason: str) -> None:
        try:
            barrier.wait(timeout=10)
            services.decision_record(
                person=member, criteria=setup["criteria"], outcome="not_yet", by=by, reason=reason
            )
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(lead, "From the lead.")),
        threading.Thread(target=decide, args=(admin_user, "From the admin.")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    saved = list(Decision.objects.filter(person=member).order_by("-decided_at", "-pk"))
    assert {d.reason for d in saved} == {"From the lead.", "From the admin."}
    listed = api_as(lead).get(f"{DECISIONS}?person={member.pk}")
    assert [d["id"] for d in listed.json()["results"]] == [d.pk for d in saved]


def test_not_yet_with_training_assigns_the_module(
    setup: dict[str, Any], api_as: ApiAs, lead: User, member: User
) -> None:
    module = factories.module_with_lessons(lessons=1, title="Escalations 101")
    module.is_published = True
    module.save(update_fields=["is_published"])
    draft = factories.module_with_lessons(lessons=1, title="Not out yet", is_published=False)
    api = api_as(lead)
    today = timezone.localdate()
    past = api.post(
        DECISIONS,
        body(
            setup,
            member,
            outcome="not_yet",
            reason="Train.",
            assign_module=module.pk,
            due_on=(today - timedelta(days=1)).isoformat(),
        ),
        format="json",
    )
    assert past.status_code == 400
    assert list(past.json()["errors"]) == ["due_on"]
    unpublished = api.post(
        DECISIONS,
        body(setup, member, outcome="not_yet", reason="Train.", assign_module=draft.pk),
        format="json",
    )
    assert unpublished.status_code == 400
    assert list(unpublished.json()["errors"]) == ["assign_module"]
    assert Decision.objects.count() == 0
    assert not Assignment.objects.filter(user=member).exists()

    due = today + timedelta(days=7)
    ok = api.post(
        DECISIONS,
        body(
            setup,
            member,
            outcome="not_yet",
            reason="Train.",
            assign_module=module.pk,
            due_on=due.isoformat(),
        ),
        format="json",
    )
    assert ok.status_code == 201
    assignment = Assignment.objects.get(user=member)
    assert ok.json()["assignment"] == assignment.pk
    assert (assignment.module, assignment.due_on, assignment.status) == (module, due, "open")
    assert Decision.objects.get().assignment_id == assignment.pk
