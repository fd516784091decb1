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


@pytest.mark.parametrize(
    "url",
    ["/", "/teams/", "/teams/{team}/", "/accounts/tokens/"],
    ids=["lead-home", "team-list", "team-detail", "tokens"],
)
def test_lead_pages_query_counts_do_not_grow(
    client, lead, team, url, count_queries, django_assert_num_queries
):
    client.force_login(lead)
    url = url.format(team=team.pk)
    grow(team, lead, 1)
    small = count_queries(lambda: client.get(url))
    grow(team, lead, 12)
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200


def test_admin_home_query_count_does_not_grow(
    client, admin_user, team, count_queries, django_assert_num_queries
):
    client.force_login(admin_user)
    grow(team, admin_user, 1)
    small = count_queries(lambda: client.get("/"))
    grow(team, admin_user, 12)
    with django_assert_num_queries(small):
        assert client.get("/").status_code == 200
