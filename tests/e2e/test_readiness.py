"""A lead runs readiness from the board on a phone: sees who is ready and the regression alert,
records a decision in two clicks with the evidence frozen, and the agent reads what stands
between them and the role (issue 26). Every page passes axe-core."""

import re

import pytest
from playwright.sync_api import expect

from readiness import services as readiness_services
from readiness.models import Decision
from skills.models import LearnerProfile, RoleProfile
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import shot
from tests.e2e.test_training import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_a_lead_decides_from_the_board_on_a_phone_and_the_agent_sees_it(
    new_page, lead, member, team, password
):
    # given an agent working towards "Live chat" who meets its one line (a sign-off)
    agent = RoleProfile.objects.create(slug="agent", name="Agent")
    live = RoleProfile.objects.create(slug="live-chat", name="Live chat")
    LearnerProfile.objects.create(user=member, role_profile=agent)
    criteria = readiness_services.criteria_create(role_profile=live, from_roles=[agent], by=lead)
    line = readiness_services.criterion_add(
        criteria=criteria,
        by=lead,
        fields={"kind": "signoff", "label": "Shadowed three live chats", "categories": []},
    ).items.get()
    readiness_services.signoff_give(person=member, criteria=criteria, key=line.key, by=lead)

    # when the lead opens the board on a phone
    page = new_page()
    page.set_viewport_size(PHONE)
    log_in(page, lead, password)
    page.goto(f"/readiness/teams/{team.pk}/")
    expect(page.get_by_role("heading", name=re.compile("Readiness in"))).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    row = page.get_by_role("row", name=re.compile(member.name))
    expect(row).to_contain_text("undecided")
    shot(page, "readiness-board-phone")
    assert_accessible(page, "readiness-board-phone")

    # then "Decide" opens the form; "Ready" and "Save" record it (two clicks)
    row.get_by_role("link", name=re.compile("Decide")).click()
    page.wait_for_url(re.compile(r"/readiness/people/\d+/\?decide="))
    page.get_by_label("Ready", exact=True).check()
    page.get_by_role("button", name="Save the decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    decision = Decision.objects.get(person=member)
    assert decision.outcome == "ready"
    assert decision.snapshot[0]["verdict"] == "met"
    shot(page, "readiness-person-decided")
    assert_accessible(page, "readiness-person-decided")

    # and the agent reads their own page, with the decision in their history
    agent_page = new_page()
    log_in(agent_page, member, password)
    agent_page.get_by_role("link", name="My readiness").first.click()
    expect(agent_page.get_by_role("heading", name="My readiness")).to_be_visible()
    expect(agent_page.get_by_text("Shadowed three live chats").first).to_be_visible()
    expect(agent_page.get_by_role("cell", name=lead.name).first).to_be_visible()
    assert_accessible(agent_page, "readiness-own-page")
