"""In a Polish browser in Warsaw: the login page is Polish before anyone chooses, the switcher
changes it, the first login takes the browser's zone, and the profile's zone picker filters."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible
from tests.e2e.conftest import VIEWPORT, assert_no_browser_errors, watch_errors

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def warsaw_page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(
        base_url=live_server.url,
        viewport=VIEWPORT,
        locale="pl-PL",
        timezone_id="Europe/Warsaw",
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    watch_errors(page)
    yield page
    try:
        assert_no_browser_errors(page)
    finally:
        context.close()


def test_a_polish_browser_in_warsaw_gets_polish_and_its_zone(warsaw_page, member, password):
    page = warsaw_page
    page.goto("/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "pl")
    assert_accessible(page, "login-page-language-switcher")

    # the switcher: English, then back to Polish
    page.locator("#language-switcher-select").select_option("en")
    page.locator(".language-switcher button").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("#language-switcher-select").select_option("pl")
    page.locator(".language-switcher button").click()
    expect(page.locator("html")).to_have_attribute("lang", "pl")

    # the first login takes the browser's language and zone (Intl, through zone_picker.js)
    page.locator("input[name=email]").fill(member.email)
    page.locator("input[name=password]").fill(password)
    page.locator("form:not(.language-switcher) button[type=submit]").click()
    page.wait_for_url(lambda url: urlparse(url).path == "/")
    member.refresh_from_db()
    assert (member.language, member.time_zone) == ("pl", "Europe/Warsaw")

    # the profile's zone picker: a filter box narrows the grouped list
    page.goto("/accounts/profile/")
    select = page.locator("select[name=time_zone]")
    expect(select).to_have_value("Europe/Warsaw")
    search = page.locator("#id_time_zone-filter")
    # places are named in the reader's language (CLDR): a Polish member finds "Warszawa"
    search.fill("warsz")
    values = select.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert values == ["Europe/Warsaw", "Europe/Warsaw"]  # in "Common" and in "Europe"
    expect(select.locator("option[value='Europe/Kyiv']")).to_have_count(0)
    search.fill("kijow")
    # in "Common" (with its region) and in "Europe"
    expect(select.locator("option[value='Europe/Kyiv']")).to_have_text(["Kijów (Europa)", "Kijów"])
    search.fill("buenos")
    status = page.locator("#id_time_zone-filter-status")
    expect(status).not_to_be_empty()
    values = select.locator("option").evaluate_all("options => options.map(o => o.value)")
    assert values == ["Europe/Warsaw", "America/Argentina/Buenos_Aires"]  # the choice stays
    search.press("Enter")  # chooses, does not submit
    assert page.url.endswith("/accounts/profile/")
    select.select_option("America/Argentina/Buenos_Aires")
    search.fill("")
    assert select.locator("option").count() > 400
    assert_accessible(page, "profile-zone-picker")
