"""Search, filters and pages of the lists (core/listing.py): SOPs, modules, QA findings, quiz
results, team training and candidates. Each list keeps its query count with a filter applied,
as a full page and as the htmx partial, at two data sizes (issue 15)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qa.models import QAFinding
from tests import factories
from tests.assessments.test_queries import grow as grow_attempts
from tests.courses.test_queries import grow as grow_training

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def grow_findings(n, *, lead, member, team):
    skill = factories.SkillFactory.create()
    now = timezone.now()
    QAFinding.objects.bulk_create(
        QAFinding(
            agent=member,
            reviewer=lead,
            interaction_ref=f"T-{skill.pk}-{i}",
            criterion="Greeting",
            skill=skill,
            severity="high" if i % 2 else "low",
            note="said hello late",
            occurred_at=now - timedelta(hours=i),
        )
        for i in range(30 * n)
    )


GROW = {
    "sops": grow_training,
    "modules": grow_training,
    "training": grow_training,
    "results": grow_attempts,
    "candidates": grow_attempts,
    "findings": grow_findings,
}


# Each list with a search and a filter applied; the counts are exact (full page, htmx partial).
LISTS = {
    "sops": ("member", "/sops/?q=sop&read=changed", "list-results", 6, 6),
    "modules": ("member", "/training/modules/?q=module&progress=in_progress", "list-results", 9, 9),
    "findings": (
        "lead",
        "/teams/{team}/findings/?q=hello&severity=high&page=2",
        "finding-results",
        13,  # + the SOPs and modules to re-read on the findings' skills (one query each)
        11,
    ),
    "results": (
        "lead",
        "/teams/{team}/results/?q=example&status=scored&taker=member",
        "result-results",
        9,
        9,
    ),
    "training": (
        "lead",
        "/teams/{team}/training/?q=a&status=open&kind=module",
        "assignment-results",
        14,
        13,
    ),
    "candidates": (
        "lead",
        "/teams/{team}/candidates/?q=example&link=usable",
        "candidate-results",
        11,
        9,
    ),
}


@pytest.mark.parametrize(("who", "url", "target", "full", "partial"), LISTS.values(), ids=LISTS)
def test_filtered_lists_keep_their_query_count(
    client, lead, member, team, who, url, target, full, partial, assert_queries, request
):
    world = {"lead": lead, "member": member, "team": team}
    grow = GROW[request.node.callspec.id]
    grow(1, **world)
    client.force_login(world[who])
    url = url.format(team=team.pk)
    for size in (1, 2):
        with assert_queries(full):
            assert client.get(url).status_code == 200
        with assert_queries(partial):
            response = client.get(url, HTTP_HX_TARGET=target, **HTMX)
        assert response.status_code == 200
        assert "<html" not in response.content.decode()
        if size == 1:
            grow(4, **world)


def test_search_and_filters_narrow_the_findings_and_stay_in_the_pager_links(client, lead, member):
    team_id = member.memberships.get().team_id
    skill = factories.SkillFactory.create(name="Empathy")
    now = timezone.now()
    for i in range(60):
        QAFinding.objects.create(
            agent=member,
            reviewer=lead,
            interaction_ref=f"CHAT-{i}",
            criterion="Tone" if i % 3 else "Refund policy",
            skill=skill,
            severity="high",
            occurred_at=now - timedelta(minutes=i),
        )
    client.force_login(lead)
    page = client.get(f"/teams/{team_id}/findings/?q=tone&severity=high").content.decode()
    assert "40 results" in page
    assert "Refund policy" not in page.split('id="finding-results"', 1)[1]
    assert f'href="/teams/{team_id}/findings/?q=tone&amp;severity=high&amp;page=2"' in page
    assert 'aria-current="page"' in page
    assert "Clear filters" in page
    # the second page, as htmx asks for it: only the results region
    part = client.get(
        f"/teams/{team_id}/findings/?q=tone&severity=high&page=2",
        HTTP_HX_TARGET="finding-results",
        **HTMX,
    ).content.decode()
    assert "page 2 of 2" in part
    assert "Record a finding" not in part


def test_an_empty_result_says_nothing_matches_and_offers_to_clear(client, lead, team):
    client.force_login(lead)
    page = client.get(f"/teams/{team.pk}/findings/?q=nothing-like-this").content.decode()
    assert "No findings match." in page
    assert "nothing-like-this" in page
    assert f'href="/teams/{team.pk}/findings/"' in page


def test_unknown_filter_values_and_bad_pages_show_the_list(client, member):
    factories.sop_published("One", title="Escalations")
    client.force_login(member)
    response = client.get("/sops/?read=bogus&page=999&q=" + "x" * 500)
    assert response.status_code == 200
    page = client.get("/sops/?read=bogus&page=zzz").content.decode()
    assert "Escalations" in page
    assert "1 result" in page


def test_the_sop_list_filters_by_what_you_read(client, member):
    from courses import services as courses_services

    read = factories.sop_published("One", title="Refunds")
    factories.sop_published("One", title="Escalations")
    courses_services.sop_acknowledge(user=member, version=read.versions.get())
    client.force_login(member)
    unread = client.get("/sops/?read=unread").content.decode()
    assert "Escalations" in unread
    assert "Refunds" not in unread
    done = client.get("/sops/?read=read&q=ref").content.decode()
    assert "Refunds" in done
    assert "Escalations" not in done


def test_another_teams_list_is_404(client, lead, other_team):
    client.force_login(lead)
    for url in ("findings", "results", "training", "candidates"):
        assert client.get(f"/teams/{other_team.pk}/{url}/?q=a").status_code == 404


def test_a_history_restore_gets_the_whole_page(client, member):
    client.force_login(member)
    response = client.get(
        "/sops/?q=x",
        HTTP_HX_TARGET="list-results",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
        **HTMX,
    )
    assert "<html" in response.content.decode()
    assert "HX-Target" in response.headers["Vary"]
