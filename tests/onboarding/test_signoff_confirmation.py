"""A final sign-off while steps are still open asks the lead to confirm (issue 15)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from onboarding import services as onboarding_services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def late_plan(member, lead):
    """Started three weeks ago: two tasks overdue, one open later, the final sign-off due."""
    template = factories.checklist(
        (0, "task", "Accounts"),
        (1, "task", "Shadow a senior"),
        (40, "task", "Peer review"),
        (2, "lead_signoff", "Final onboarding sign-off"),
    )
    return onboarding_services.onboarding_plan_start(
        user=member,
        template=template,
        start_date=timezone.localdate() - timedelta(days=21),
        started_by=lead,
    )


def signoff(plan):
    return plan.items.get(kind="lead_signoff")


def test_signing_off_with_open_steps_shows_what_is_open_and_changes_nothing(
    client, lead, late_plan
):
    client.force_login(lead)
    item = signoff(late_plan)
    response = client.post(
        f"/onboarding/items/{item.pk}/sign-off/", {"comment": "Good start", "back": "plan"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "3 other steps of this plan are still open." in page
    assert "2 of them are overdue." in page
    assert "Shadow a senior" in page
    assert 'value="Good start"' in page  # the comment is kept
    assert 'name="confirm" value="yes" required' in page
    item.refresh_from_db()
    assert item.status == "open"


def test_without_the_box_ticked_the_server_asks_again(client, lead, late_plan):
    client.force_login(lead)
    item = signoff(late_plan)
    response = client.post(
        f"/onboarding/items/{item.pk}/sign-off/", {"confirm_asked": "1", "confirm": ""}
    )
    assert "Tick the box to confirm" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "open"


def test_confirmed_sign_off_is_recorded(client, lead, late_plan):
    client.force_login(lead)
    item = signoff(late_plan)
    response = client.post(
        f"/onboarding/items/{item.pk}/sign-off/",
        {"confirm": "yes", "comment": "Go", "back": "plan"},
    )
    assert response.status_code == 302
    assert response.url == f"/onboarding/plans/{late_plan.pk}/"
    item.refresh_from_db()
    assert (item.status, item.comment, item.completed_by) == ("done", "Go", lead)


def test_one_open_step_is_singular(client, lead, member, late_plan):
    for title in ("Accounts", "Shadow a senior"):
        onboarding_services.plan_item_tick(item=late_plan.items.get(title=title), user=member)
    client.force_login(lead)
    page = client.post(f"/onboarding/items/{signoff(late_plan).pk}/sign-off/").content.decode()
    assert "1 other step of this plan is still open." in page
    assert "overdue." not in page


def test_with_nothing_else_open_the_sign_off_needs_no_confirmation(client, lead, member, late_plan):
    for title in ("Accounts", "Shadow a senior", "Peer review"):
        onboarding_services.plan_item_tick(item=late_plan.items.get(title=title), user=member)
    client.force_login(lead)
    item = signoff(late_plan)
    response = client.post(f"/onboarding/items/{item.pk}/sign-off/")
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done"


def test_an_outsider_gets_404_not_the_confirmation(client, outsider, late_plan):
    client.force_login(outsider)
    item = signoff(late_plan)
    response = client.post(f"/onboarding/items/{item.pk}/sign-off/")
    assert response.status_code == 404
    assert "Shadow a senior" not in response.content.decode()


def test_the_plan_page_tells_the_lead_what_is_open(client, lead, late_plan):
    client.force_login(lead)
    page = client.get(f"/onboarding/plans/{late_plan.pk}/").content.decode()
    assert "4 steps still open" in page
    assert "3 overdue" in page  # the two tasks and the sign-off itself
