import re
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect

from tests.e2e.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_lead_logs_in_through_the_page_and_lands_on_their_team_home(page, lead, password):
    # given a lead with an account, when they open the app they are sent to the login page
    page.goto("/")
    assert re.search(r"/accounts/login/\?next=/$", page.url)
    assert_accessible(page, "login-page")

    # when they log in with their email and password
    page.get_by_label("Email").fill(lead.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()

    # then they land on the lead home with their team
    page.wait_for_url(lambda url: urlparse(url).path == "/")
    expect(page.get_by_role("heading", name="Welcome, Lena")).to_be_visible()
    expect(page.get_by_role("heading", name="Support EMEA")).to_be_visible()
    assert_accessible(page, "lead-home")

    # and logging out brings them back to the login page
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/accounts/login/$"))


def test_a_wrong_password_shows_an_error_and_keeps_the_email(page, member):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(member.email)
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("The email or password is not correct.")).to_be_visible()
    assert_accessible(page, "login-error")
    assert page.get_by_label("Email").input_value() == member.email
