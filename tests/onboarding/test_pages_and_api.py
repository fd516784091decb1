"""Onboarding and notification pages and API: scoping, bad input, query counts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notifications.models import Notification
from notifications.services import notify
from onboarding import services as onboarding_services
from onboarding.models import PlanItem
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(member, lead):
    template = factories.checklist(
        (0, "task", "Accounts"), (0, "lead_signoff", "Meet your lead"), (5, "task", "Shadow")
    )
    return onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=timezone.localdate(), started_by=lead
    )


def step(plan, title):
    return plan.items.get(title=title)


def test_my_onboarding_shows_the_plan_with_progress_and_the_next_step(client, member, plan):
    client.force_login(member)
    page = client.get("/onboarding/").content.decode()
    assert "Day 1" in page
    assert "Week 1" in page
    assert "0 of 3 steps done" in page
    assert "Next step:</strong> Accounts" in page
    client.post(f"/onboarding/items/{step(plan, 'Accounts').pk}/tick/")
    page = client.get("/onboarding/").content.decode()
    assert "1 of 3 steps done" in page
    assert "Next step:</strong> Shadow" in page  # the sign-off waits for the lead


def test_ticking_a_sign_off_yourself_is_refused_on_the_page(client, member, plan):
    client.force_login(member)
    response = client.post(
        f"/onboarding/items/{step(plan, 'Meet your lead').pk}/tick/", follow=True
    )
    assert "Your lead signs this step off" in response.content.decode()
    assert step(plan, "Meet your lead").status == "open"


def test_the_lead_signs_off_from_the_team_page(client, lead, member, plan):
    client.force_login(lead)
    page = client.get("/onboarding/team/").content.decode()
    assert "Sign off for Aiko" in page
    item = step(plan, "Meet your lead")
    response = client.post(
        f"/onboarding/items/{item.pk}/sign-off/", {"comment": "Welcome aboard", "confirm": "yes"}
    )
    assert response.url == "/onboarding/team/"
    item.refresh_from_db()
    assert (item.status, item.comment, item.completed_by) == ("done", "Welcome aboard", lead)


@pytest.mark.parametrize("who", ["outsider", "member"])
def test_others_can_not_sign_off_or_see_the_plan(client, request, plan, who):
    client.force_login(request.getfixturevalue(who))
    item = step(plan, "Meet your lead")
    assert client.post(f"/onboarding/items/{item.pk}/sign-off/").status_code == 404
    if who == "outsider":
        assert client.get(f"/onboarding/plans/{plan.pk}/").status_code == 404
        assert "Aiko" not in client.get("/onboarding/team/").content.decode()
    item.refresh_from_db()
    assert item.status == "open"


@pytest.mark.parametrize("item_id", ["99999999999999999999", "0"])
def test_odd_item_ids_are_404(client, member, item_id):
    client.force_login(member)
    assert client.post(f"/onboarding/items/{item_id}/tick/").status_code == 404


class TestApi:
    def test_plans_are_scoped(self, api_as, member, lead, outsider, plan):
        assert [
            p["id"] for p in api_as(member).get("/api/v1/onboarding-plans/").json()["results"]
        ] == [plan.pk]
        assert [
            p["id"] for p in api_as(lead).get("/api/v1/onboarding-plans/").json()["results"]
        ] == [plan.pk]
        assert api_as(outsider).get("/api/v1/onboarding-plans/").json()["count"] == 0
        assert api_as(outsider).get(f"/api/v1/onboarding-plans/{plan.pk}/").status_code == 404
        detail = api_as(member).get(f"/api/v1/onboarding-plans/{plan.pk}/").json()
        assert [(i["title"], i["phase"], i["status"]) for i in detail["items"]] == [
            ("Accounts", "Day 1", "open"),
            ("Meet your lead", "Day 1", "open"),
            ("Shadow", "Week 1", "open"),
        ]
        assert (detail["total"], detail["done"], detail["progress"]) == (3, 0, 0)

    def test_completing_and_signing_off(self, api_as, member, lead, outsider, plan):
        task, signoff = step(plan, "Accounts"), step(plan, "Meet your lead")
        base = f"/api/v1/onboarding-plans/{plan.pk}/items"
        assert api_as(member).post(f"{base}/{signoff.pk}/complete/").status_code == 409
        assert api_as(lead).post(f"{base}/{task.pk}/complete/").status_code == 404
        done = api_as(member).post(f"{base}/{task.pk}/complete/")
        assert done.status_code == 200
        assert done.json()["done"] == 1
        assert (
            api_as(outsider).post(f"{base}/{signoff.pk}/sign-off/", {}, format="json").status_code
            == 404
        )
        signed = api_as(lead).post(
            f"{base}/{signoff.pk}/sign-off/", {"comment": "ok", "confirm": True}, format="json"
        )
        assert signed.status_code == 200
        assert signed.json()["done"] == 2
        other_plan_item = f"/api/v1/onboarding-plans/{plan.pk + 999}/items/{task.pk}/complete/"
        assert api_as(member).post(other_plan_item).status_code == 404

    def test_notifications_are_your_own(self, api_as, member, lead):
        mine, _ = notify(user=member, key="k1", kind="info", title="Hello", url="/training/")
        notify(user=lead, key="k2", kind="info", title="Not yours")
        body = api_as(member).get("/api/v1/notifications/").json()
        assert [n["title"] for n in body["results"]] == ["Hello"]
        assert api_as(lead).post(f"/api/v1/notifications/{mine.pk}/read/").status_code == 404
        assert (
            api_as(member).post(f"/api/v1/notifications/{mine.pk}/read/").json()["read_at"]
            is not None
        )
        assert api_as(member).get("/api/v1/notifications/?unread=1").json()["count"] == 0
        assert api_as(lead).post("/api/v1/notifications/read-all/").json() == {"marked": 1}


def test_the_bell_counts_unread_and_the_list_marks_read(client, member):
    for n in range(3):
        notify(user=member, key=f"n{n}", kind="info", title=f"Note {n}", url="/training/")
    client.force_login(member)
    page = client.get("/").content.decode()
    assert '<span class="badge-count">3<span class="visually-hidden"> unread</span></span>' in page
    first = Notification.objects.filter(user=member).first()
    response = client.post(f"/notifications/{first.pk}/read/", {"open": "1"})
    assert response.url == "/training/"
    client.post("/notifications/read-all/")
    assert 'class="badge-count"' not in client.get("/").content.decode()


def test_notify_twice_with_one_key_creates_one(member):
    assert notify(user=member, key="same", kind="info", title="x")[1] is True
    assert notify(user=member, key="same", kind="info", title="x")[1] is False
    assert Notification.objects.count() == 1


def grow(n, *, lead, team):
    template = factories.checklist(
        (0, "task", "A"), (1, "lead_signoff", "B"), (3, "module", factories.module_with_lessons())
    )
    for _ in range(n):
        user = factories.UserFactory.create()
        factories.MembershipFactory.create(user=user, team=team)
        onboarding_services.onboarding_plan_start(
            user=user, template=template, start_date=timezone.localdate() - timedelta(days=2)
        )
        notify(user=lead, key=f"g{user.pk}", kind="info", title="x")


# (who, url, exact query count of the request, with 1 and with 11 more plans)
@pytest.mark.parametrize(
    ("who", "url", "expected"),
    [
        ("member", "/onboarding/", 6),
        ("lead", "/onboarding/team/", 9),  # +1: does the lead have a plan of their own
        ("lead", "/notifications/", 6),
        ("lead", "/api/v1/onboarding-plans/", 3),
        ("lead", "/api/v1/notifications/", 3),
        ("lead", "/onboarding/plans/{plan}/", 6),
    ],
    ids=[
        "my-onboarding",
        "team-onboarding",
        "notifications",
        "api-plans",
        "api-notifications",
        "plan",
    ],
)
def test_query_counts_do_not_grow(
    client, api_as, lead, member, team, plan, who, url, expected, assert_queries
):
    url = url.format(plan=plan.pk)
    user = lead if who == "lead" else member
    if url.startswith("/api/"):
        api = api_as(user)
        api.get(url)
        fetch = lambda: api.get(url)  # noqa: E731
    else:
        client.force_login(user)
        fetch = lambda: client.get(url)  # noqa: E731
    grow(1, lead=lead, team=team)
    with assert_queries(expected):
        assert fetch().status_code == 200
    grow(10, lead=lead, team=team)
    assert PlanItem.objects.count() > 30
    with assert_queries(expected):
        assert fetch().status_code == 200
