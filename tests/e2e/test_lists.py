"""Lists in the browser (issue 15): search and filters swap only the results and keep the
filter in the URL; the pager marks the current page; "select everyone" on the assign form.

Screenshots: ``list-findings-filtered``, ``team-training-select-all``."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from qa.models import QAFinding
from tests import factories
from tests.e2e.a11y import assert_accessible
from tests.e2e.test_training import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_searches_filters_and_pages_the_findings(page, lead, member, team, password):
    skill = factories.SkillFactory.create(name="Empathy")
    now = timezone.now()
    QAFinding.objects.bulk_create(
        QAFinding(
            agent=member,
            reviewer=lead,
            interaction_ref=f"CHAT-{i}",
            criterion="Tone of voice" if i % 2 else "Refund policy",
            skill=skill,
            severity="high" if i % 4 == 1 else "low",
            occurred_at=now - timedelta(minutes=i),
        )
        for i in range(60)
    )
    page.set_viewport_size({"width": 1366, "height": 900})
    log_in(page, lead, password)
    page.goto(f"/teams/{team.pk}/findings/")
    results = page.locator("#finding-results")
    expect(results.locator(".listing-count")).to_have_text("60 results · page 1 of 3")

    # typing narrows the list without reloading the page, and the URL keeps the search
    page.get_by_label("Search findings").fill("tone")
    expect(results.locator(".listing-count")).to_have_text("30 results · page 1 of 2")
    expect(page).to_have_url(re.compile(r"[?&]q=tone"))
    page.get_by_label("Severity", exact=True).select_option("high")
    expect(results.locator(".listing-count")).to_have_text("15 results")
    expect(page).to_have_url(re.compile(r"q=tone.*severity=high"))
    assert_accessible(page, "list-findings-filtered")

    # a shared link opens the same list; the pager says which page is shown
    page.goto(f"/teams/{team.pk}/findings/?q=tone&page=2")
    expect(page.get_by_label("Search findings")).to_have_value("tone")
    current = page.locator(".pager [aria-current='page']")
    expect(current).to_have_text("Page 2")
    page.locator(".pager").get_by_role("link", name="Page 1").click()
    expect(page.locator(".pager [aria-current='page']")).to_have_text("Page 1")
    expect(page).to_have_url(re.compile(r"q=tone&page=1"))

    # nothing found: it says so and offers to clear the filters
    page.get_by_label("Search findings").fill("no such thing")
    expect(results.get_by_text("No findings match.")).to_be_visible()
    results.get_by_role("link", name="Clear filters").click()
    expect(results.locator(".listing-count")).to_have_text("60 results · page 1 of 3")


def test_select_everyone_on_the_assign_form(page, lead, team, password):
    for name in ("Ann", "Ben", "Cyd"):
        factories.MembershipFactory.create(user=factories.UserFactory.create(name=name), team=team)
    log_in(page, lead, password)
    page.goto(f"/teams/{team.pk}/training/")
    everyone = page.get_by_label("Select everyone")
    people = page.locator("#assign-people input[name=users]")
    everyone.check()
    for n in range(people.count()):
        expect(people.nth(n)).to_be_checked()
    page.get_by_label("Ben", exact=True).uncheck()
    assert everyone.evaluate("box => box.indeterminate") is True
    expect(everyone).not_to_be_checked()
    expect(page.locator(".select-all-count")).to_contain_text(f"{people.count() - 1} of")
    assert_accessible(page, "team-training-select-all")
    everyone.uncheck()
    everyone.check()
    assert everyone.evaluate("box => box.indeterminate") is False
