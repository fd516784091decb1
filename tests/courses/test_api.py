"""Training API with every role: learner, lead, lead of another team, admin, anonymous."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses import services as courses_services
from courses.models import Assignment, SOPAcknowledgement
from tests import factories

pytestmark = pytest.mark.django_db

DUE = (timezone.localdate() + timedelta(days=7)).isoformat()


@pytest.fixture
def module(module_with_lessons, skill_factory):
    module = module_with_lessons(lessons=2, title="Service metrics", slug="service-metrics")
    module.skills.add(skill_factory(slug="kpi-literacy", name="Service metrics"))
    return module


def test_anonymous_gets_401_everywhere(api_client, module):
    for url in ["/api/v1/skills/", "/api/v1/sops/", "/api/v1/modules/", "/api/v1/assignments/"]:
        assert api_client.get(url).status_code == 401, url


def test_skills_list(api_as, member, skill_factory):
    skill_factory(slug="coaching", name="Coaching & feedback")
    body = api_as(member).get("/api/v1/skills/").json()
    assert body["count"] == 1
    assert body["results"] == [
        {
            "id": body["results"][0]["id"],
            "slug": "coaching",
            "name": "Coaching & feedback",
            "description": "",
        }
    ]


def test_sops_show_the_current_version_and_what_the_caller_read(api_as, member, sop_published):
    sop = sop_published("v1", "v2", title="Escalation handling")
    courses_services.sop_acknowledge(user=member, version=sop.versions.get(number=1))
    [item] = api_as(member).get("/api/v1/sops/").json()["results"]
    assert item["title"] == "Escalation handling"
    assert item["current_version"]["number"] == 2
    assert item["acknowledged_version"] == 1


def test_sop_detail_has_the_html_and_history(api_as, member, sop_published):
    sop = sop_published("## One", "## Two")
    body = api_as(member).get(f"/api/v1/sops/{sop.pk}/").json()
    assert body["body_html"] == '<h2 id="sec-two">Two</h2>'
    assert [v["number"] for v in body["versions"]] == [2, 1]
    assert api_as(member).get("/api/v1/sops/999999/").status_code == 404


def test_acknowledging_through_the_api(api_as, member, sop_published):
    sop = sop_published("v1", "v2")
    api = api_as(member)
    first = api.post(f"/api/v1/sops/{sop.pk}/acknowledge/", {}, format="json")
    assert first.status_code == 201
    assert first.json()["version"] == 2
    assert api.post(f"/api/v1/sops/{sop.pk}/acknowledge/", {}, format="json").status_code == 200

    old = sop.versions.get(number=1)
    superseded = api.post(f"/api/v1/sops/{sop.pk}/acknowledge/", {"version": old.pk}, format="json")
    assert superseded.status_code == 201
    assert superseded.json()["version"] == 1
    assert SOPAcknowledgement.objects.filter(user=member).count() == 2


def test_acknowledging_another_sops_version_or_garbage_is_refused(api_as, member, sop_published):
    sop, other = sop_published("a"), sop_published("b")
    api = api_as(member)
    response = api.post(
        f"/api/v1/sops/{sop.pk}/acknowledge/", {"version": other.versions.get().pk}, format="json"
    )
    assert response.status_code == 404
    response = api.post(f"/api/v1/sops/{sop.pk}/acknowledge/", {"version": "x"}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"version": ["A valid integer is required."]}
    assert not SOPAcknowledgement.objects.exists()


def test_modules_list_and_detail_show_progress(api_as, member, module):
    api = api_as(member)
    [item] = api.get("/api/v1/modules/").json()["results"]
    assert (
        item["slug"],
        item["lesson_count"],
        item["lessons_done"],
        item["completed"],
        item["skills"],
    ) == (
        "service-metrics",
        2,
        0,
        False,
        ["kpi-literacy"],
    )
    detail = api.get(f"/api/v1/modules/{module.pk}/").json()
    assert [
        (lesson["number"], lesson["title"], lesson["done"]) for lesson in detail["lessons"]
    ] == [
        (1, "Lesson 1", False),
        (2, "Lesson 2", False),
    ]


def test_completing_a_module_through_the_api(api_as, member, lead, module):
    factories.assign_by_ids(
        assigned_by=lead,
        user_ids=[member.pk],
        module_id=module.pk,
        due_on=timezone.localdate() + timedelta(days=3),
    )
    api = api_as(member)
    early = api.post(f"/api/v1/modules/{module.pk}/complete/")
    assert early.status_code == 409
    assert early.json() == {"detail": "Finish the lessons first: 0 of 2 done.", "code": "conflict"}
    for lesson in module.lessons.all():
        assert (
            api.post(f"/api/v1/modules/{module.pk}/lessons/{lesson.pk}/complete/").status_code
            == 200
        )
    assert api.post(f"/api/v1/modules/{module.pk}/lessons/999999/complete/").status_code == 404
    assert api.post(f"/api/v1/modules/{module.pk}/complete/").json()["completed"] is True
    assert Assignment.objects.get(user=member).status == "completed"


class TestAssigning:
    def post(self, api, **payload):
        return api.post("/api/v1/assignments/", payload, format="json")

    def test_a_lead_assigns_and_a_repeat_returns_the_existing_one(
        self, api_as, lead, member, module
    ):
        api = api_as(lead)
        first = self.post(api, users=[member.pk], module=module.pk, due_on=DUE, reason="QA trend")
        assert first.status_code == 201
        [item] = first.json()
        assert (
            item["user"],
            item["module"],
            item["kind"],
            item["source"],
            item["created"],
            item["progress"],
        ) == (
            member.pk,
            module.pk,
            "module",
            "manual",
            True,
            0,
        )
        again = self.post(api, user=member.pk, module=module.pk, due_on=DUE)
        assert again.status_code == 200
        assert again.json()[0]["id"] == item["id"]
        assert again.json()[0]["created"] is False
        assert Assignment.objects.count() == 1

    @pytest.mark.parametrize("who", ["member", "outsider"])
    def test_assigning_outside_ones_teams_is_404_and_changes_nothing(
        self, api_as, request, member, module, who
    ):
        response = self.post(
            api_as(request.getfixturevalue(who)), users=[member.pk], module=module.pk, due_on=DUE
        )
        assert response.status_code == 404
        assert response.json() == {"detail": "User not found.", "code": "not_found"}
        assert not Assignment.objects.exists()

    @pytest.mark.parametrize(
        ("payload", "status", "errors"),
        [
            (
                {"module": "M", "due_on": "2001-01-01"},
                400,
                {"due_on": ["The due date is in the past."]},
            ),
            (  # the former name and a date-time are still read, the same way
                {"module": "M", "due_at": "2001-01-01T00:00:00Z"},
                400,
                {"due_on": ["The due date is in the past."]},
            ),
            ({"module": "M", "due_on": "next tuesday"}, 400, "due_on"),
            ({"module": "M", "due_on": "2026-02-30"}, 400, "due_on"),
            ({"module": "M", "due_on": 20261210}, 400, "due_on"),
            ({"module": "M", "due_at": "9999-12-31T23:59:59-12:00"}, 400, "due_at"),
            (
                {"module": "M", "due_on": DUE, "due_at": "2099-01-01"},
                400,
                {"due_on": ["Give `due_on` (or the older `due_at`), not two different days."]},
            ),
            (
                {"due_on": DUE},
                400,
                {"non_field_errors": ["Give exactly one of `module`, `sop` and `quiz`."]},
            ),
            ({"module": "M", "sop": 1, "due_on": DUE}, 400, "non_field_errors"),
            ({"module": 999999, "due_on": DUE}, 404, None),
            ({"module": "M", "users": [], "due_on": DUE}, 400, "users"),
        ],
        ids=[
            "past-due",
            "past-due-legacy-datetime",
            "bad-date",
            "impossible-date",
            "number",
            "datetime-out-of-range",
            "two-different-days",
            "no-target",
            "two-targets",
            "unknown-module",
            "no-users",
        ],
    )
    def test_bad_input_is_a_json_error_and_assigns_nothing(
        self, api_as, lead, member, module, payload, status, errors
    ):
        payload = {"users": [member.pk], **payload}
        if payload.get("module") == "M":
            payload["module"] = module.pk
        response = self.post(api_as(lead), **payload)
        assert response.status_code == status
        if isinstance(errors, dict):
            assert response.json()["errors"] == errors
        elif errors:
            assert errors in response.json()["errors"]
        assert not Assignment.objects.exists()

    def test_an_sop_assignment_completes_by_acknowledging(
        self, api_as, lead, member, sop_published
    ):
        sop = sop_published("v1")
        [item] = self.post(api_as(lead), users=[member.pk], sop=sop.pk, due_on=DUE).json()
        done = api_as(member).post(f"/api/v1/assignments/{item['id']}/complete/")
        assert done.status_code == 200
        assert (done.json()["status"], done.json()["progress"]) == ("completed", 100)
        again = api_as(member).post(f"/api/v1/assignments/{item['id']}/complete/")
        assert again.status_code == 409


def test_only_the_assignee_completes_and_only_leads_cancel(api_as, lead, member, outsider, module):
    [(assignment, _)] = factories.assign_by_ids(
        assigned_by=lead,
        user_ids=[member.pk],
        module_id=module.pk,
        due_on=timezone.localdate() + timedelta(days=1),
    )
    url = f"/api/v1/assignments/{assignment.pk}/"
    assert api_as(lead).post(f"{url}complete/").status_code == 404
    assert api_as(outsider).get(url).status_code == 404
    assert api_as(outsider).delete(url).status_code == 404
    assert api_as(member).delete(url).status_code == 404
    assignment.refresh_from_db()
    assert assignment.status == "open"
    assert api_as(lead).delete(url).status_code == 204
    assignment.refresh_from_db()
    assert assignment.status == "cancelled"


def test_assignment_lists_are_scoped(api_as, lead, member, outsider, team, other_team, module):
    outsider_member = factories.UserFactory.create()
    factories.MembershipFactory.create(user=outsider_member, team=other_team)
    due = timezone.localdate() + timedelta(days=3)
    factories.assign_by_ids(assigned_by=lead, user_ids=[member.pk], module_id=module.pk, due_on=due)
    factories.assign_by_ids(
        assigned_by=outsider, user_ids=[outsider_member.pk], module_id=module.pk, due_on=due
    )

    def users(api, query=""):
        response = api.get(f"/api/v1/assignments/{query}")
        return response.status_code, [a["user"] for a in response.json().get("results", [])]

    assert users(api_as(member)) == (200, [member.pk])
    assert users(api_as(lead)) == (200, [])  # own assignments by default
    assert users(api_as(lead), f"?team={team.pk}") == (200, [member.pk])
    assert users(api_as(lead), f"?user={member.pk}") == (200, [member.pk])
    assert users(api_as(lead), f"?team={other_team.pk}")[0] == 404
    assert users(api_as(lead), f"?user={outsider_member.pk}")[0] == 404
    assert users(api_as(member), f"?team={team.pk}")[0] == 404
    assert users(api_as(outsider), f"?team={team.pk}")[0] == 404
    assert users(api_as(lead), f"?team={team.pk}&status=completed") == (200, [])
    bad = api_as(member).get("/api/v1/assignments/?status=bogus")
    assert bad.status_code == 400
    assert "status" in bad.json()["errors"]


@pytest.mark.parametrize(
    "payload",
    [{"users": [10**20]}, {"user": 0}, {"users": [-3]}, {"users": [True]}],
    ids=["huge", "zero", "negative", "bool"],
)
def test_odd_user_ids_are_400_not_500(api_as, lead, module, payload):
    response = api_as(lead).post(
        "/api/v1/assignments/", {**payload, "module": module.pk}, format="json"
    )
    assert response.status_code == 400
    assert not Assignment.objects.exists()


def test_odd_query_ids_are_404_not_500(api_as, lead, team):
    api = api_as(lead)
    assert api.get("/api/v1/assignments/?user=99999999999999999999").status_code == 404
    assert api.get(f"/api/v1/assignments/?team={team.pk}&user=abc").status_code == 404
