"""Every account list page keeps the same number of queries as the data grows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.services import api_token_create
from tests import factories

pytestmark = pytest.mark.django_db


def grow(team, lead, n):
    for i in range(n):
        factories.MembershipFactory(team=team)
        factories.InvitationFactory(team=team, email=f"pending{i}-{team.pk}@example.test")
        factories.InvitationFactory(team=team, expires_at=timezone.now() - timedelta(days=1))
        other = factories.TeamFactory()
        factories.MembershipFactory(team=other, user=lead, role="lead")
        api_token_create(user=lead, name=f"token {i}")


# (url, exact query count of the page, at both data sizes)
@pytest.mark.parametrize(
    ("url", "expected"),
    [("/", 5), ("/teams/", 5), ("/teams/{team}/", 7), ("/accounts/tokens/", 5)],
    ids=["lead-home", "team-list", "team-detail", "tokens"],
)
def test_lead_pages_query_counts_do_not_grow(client, lead, team, url, expected, assert_queries):
    client.force_login(lead)
    url = url.format(team=team.pk)
    grow(team, lead, 1)
    with assert_queries(expected):
        assert client.get(url).status_code == 200
    grow(team, lead, 12)
    with assert_queries(expected):
        assert client.get(url).status_code == 200


ADMIN_HOME_QUERIES = 6


def test_admin_home_query_count_does_not_grow(client, admin_user, team, assert_queries):
    client.force_login(admin_user)
    grow(team, admin_user, 1)
    with assert_queries(ADMIN_HOME_QUERIES):
        assert client.get("/").status_code == 200
    grow(team, admin_user, 12)
    with assert_queries(ADMIN_HOME_QUERIES):
        assert client.get("/").status_code == 200
