"""A lead on a phone (390 × 844): the team training page fits the screen and the compact
header opens its menu with a button (issue 15)."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from courses import services as courses_services
from tests import factories
from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import shot
from tests.e2e.test_training import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def test_team_training_fits_a_phone_and_the_menu_button_works(page, lead, member, team, password):
    # given a team with overdue, upcoming and finished training
    today = timezone.localdate()
    for title, due in [
        ("Handling escalations in the billing queue", today - timedelta(days=4)),
        ("Refund policy for annual subscriptions", today + timedelta(days=2)),
        ("Tone of voice", today + timedelta(days=20)),
    ]:
        module = factories.module_with_lessons(lessons=1, title=title)
        courses_services.assignment_ensure(
            user=member, module=module, source="manual", reason="Before peak week", due_on=due
        )

    # when the lead opens the team's training on a phone
    page.set_viewport_size(PHONE)
    log_in(page, lead, password)
    page.goto(f"/teams/{team.pk}/training/")
    expect(page.get_by_role("heading", name="Team training")).to_be_visible()

    # then nothing scrolls sideways and the header is one compact row
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    header = page.locator(".site-header").bounding_box()
    assert header is not None
    assert header["height"] < 70
    shot(page, "phone-team-training")
    assert_accessible(page, "phone-team-training")

    # and the navigation sits behind the menu button until it is opened
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="Team onboarding", exact=True)).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("link", name="Team onboarding", exact=True)).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "phone-menu-open")
    assert_accessible(page, "phone-menu-open")
    page.get_by_role("link", name="Team onboarding", exact=True).click()
    page.wait_for_url(re.compile(r"/onboarding/team/$"))
    expect(page.get_by_role("heading", name="Team onboarding", level=1)).to_be_visible()
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_have_attribute("aria-expanded", "false")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("link", name="Team onboarding", exact=True)).to_be_hidden()


def test_on_a_wide_screen_the_navigation_shows_without_a_menu_button(page, lead, password):
    log_in(page, lead, password)
    expect(page.get_by_role("link", name="Team onboarding", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
