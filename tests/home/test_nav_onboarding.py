"""Leads reach Team onboarding from the top navigation (issue 15)."""

import pytest
from django.utils import timezone

from onboarding import services as onboarding_services
from tests import factories

pytestmark = pytest.mark.django_db


def nav(html):
    return html.split('<nav class="site-nav"', 1)[1].split("</nav>", 1)[0]


@pytest.mark.parametrize("who", ["lead", "admin_user"])
def test_leads_and_admins_get_team_onboarding_in_the_nav(client, request, who):
    client.force_login(request.getfixturevalue(who))
    html = nav(client.get("/training/").content.decode())
    assert 'href="/onboarding/team/">Team onboarding</a>' in html
    assert 'href="/onboarding/">' not in html


def test_members_get_their_own_onboarding_in_the_nav(client, member):
    client.force_login(member)
    html = nav(client.get("/training/").content.decode())
    assert 'href="/onboarding/">Onboarding</a>' in html
    assert "/onboarding/team/" not in html


def test_the_nav_marks_team_onboarding_current(client, lead):
    client.force_login(lead)
    html = nav(client.get("/onboarding/team/").content.decode())
    assert 'href="/onboarding/team/" aria-current="page"' in html


def test_a_lead_without_a_plan_is_pointed_to_the_team(client, lead):
    client.force_login(lead)
    page = client.get("/onboarding/").content.decode()
    assert "When your lead starts one for you" not in page
    assert '<a href="/onboarding/team/">See your team\'s onboarding</a>' in page


def test_a_lead_with_a_plan_of_their_own_finds_it_from_the_team_page(client, lead, admin_user):
    client.force_login(lead)
    assert "Your own onboarding plan" not in client.get("/onboarding/team/").content.decode()
    onboarding_services.onboarding_plan_start(
        user=lead,
        template=factories.checklist((0, "task", "Accounts")),
        start_date=timezone.localdate(),
        started_by=admin_user,
    )
    assert "Your own onboarding plan" in client.get("/onboarding/team/").content.decode()


def test_the_header_has_an_accessible_menu_button(client, member):
    client.force_login(member)
    html = client.get("/training/").content.decode()
    assert (
        '<button type="button" class="menu-toggle" aria-expanded="false" '
        'aria-controls="site-menu" hidden>'
    ) in html
    assert '<div class="site-menu" id="site-menu">' in html
