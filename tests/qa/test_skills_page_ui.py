"""The lead's skills page and the findings import, as issue 15 asked: the name column stays
put, columns and rows are sorted biggest gaps first, the lead filters by skill or member
(kept in the URL), the "Is it working?" card gets a full row, one legend; the import takes
skill names or slugs and lists them."""

from __future__ import annotations

import re

import pytest

from qa import services as qa_services
from qa.models import QAFinding
from qa.reviews import findings_csv
from skills import services as skills_services
from skills.models import LearnerProfile
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def zoe(team, catalogue):
    """A second member, alphabetically last, with a sure gap on Service metrics (the second
    skill by position): three high-severity findings against it."""
    zoe = factories.UserFactory.create(name="Zoe Zed", email="zoe@example.test")
    factories.MembershipFactory.create(user=zoe, team=team)
    LearnerProfile.objects.create(user=zoe, role_profile=catalogue["profile"])
    return zoe


def gap_findings(lead, agent, skill, n=3):
    for i in range(n):
        qa_services.finding_record(
            reviewer=lead,
            agent=agent,
            interaction_ref=f"GAP-{agent.pk}-{i}",
            criterion="Explained the metric",
            skill=skill,
            severity="high",
        )
    skills_services.profiles_rebuild()


def column_headers(html: str) -> list[str]:
    head = html[html.index('<table class="heatmap">') : html.index("</thead>")]
    return re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', head)


def row_names(html: str) -> list[str]:
    body = html[html.index('<table class="heatmap">') : html.index("</table>")]
    return re.findall(r'<th scope="row" class="sticky-col"><a href="[^"]+">([^<]+)</a>', body)


def test_columns_and_rows_put_the_biggest_gaps_first(client, lead, member, zoe, catalogue):
    member.name = "Anna Able"
    member.save(update_fields=["name"])
    gap_findings(lead, zoe, catalogue["metrics"])
    client.force_login(lead)

    page = client.get(f"/teams/{zoe.memberships.first().team_id}/skills/").content.decode()

    # Service metrics (position 2) holds the only sure gap: it comes first, and so does Zoe
    assert column_headers(page) == ["Member", "Service metrics", "Escalation handling"]
    assert row_names(page) == ["Zoe Zed", "Anna Able"]
    first_cell = page[page.index("Zoe Zed") :]
    assert re.search(r'<td class="heat gap">', first_cell[: first_cell.index("</td>") + 5])


def test_the_name_column_is_sticky(client, lead, member, team, catalogue):
    client.force_login(lead)
    page = client.get(f"/teams/{team.pk}/skills/").content.decode()
    assert '<th scope="col" class="sticky-col">Member</th>' in page
    assert row_names(page) == [member.name]


def test_the_lead_filters_members_and_the_filter_stays_in_the_url(
    client, lead, member, zoe, team, catalogue
):
    client.force_login(lead)

    page = client.get(f"/teams/{team.pk}/skills/", {"member": "zoe"}).content.decode()

    assert row_names(page) == ["Zoe Zed"]
    assert 'name="member" value="zoe"' in page
    assert "Clear filters" in page


def test_a_member_filter_matching_nobody_says_so(client, lead, member, team, catalogue):
    client.force_login(lead)
    response = client.get(f"/teams/{team.pk}/skills/", {"member": "<nobody>"})
    assert response.status_code == 200
    assert "No member matches “&lt;nobody&gt;”." in response.content.decode()


def test_the_lead_filters_one_skill(client, lead, member, team, catalogue):
    client.force_login(lead)
    page = client.get(f"/teams/{team.pk}/skills/", {"skill": "kpi-literacy"}).content.decode()
    assert column_headers(page) == ["Member", "Service metrics"]
    assert '<option value="kpi-literacy" selected>' in page


def test_an_unknown_skill_filter_is_404_not_500(client, lead, team, catalogue):
    client.force_login(lead)
    assert client.get(f"/teams/{team.pk}/skills/", {"skill": "nope"}).status_code == 404


def test_the_effect_card_spans_the_row_and_the_page_has_one_legend(client, lead, team, catalogue):
    client.force_login(lead)
    page = client.get(f"/teams/{team.pk}/skills/").content.decode()
    assert '<section class="card effect-card" aria-labelledby="effect-h">' in page
    assert page.count('id="skill-scale-legend"') == 1


def test_another_teams_skills_page_is_404(client, outsider, team, catalogue):
    client.force_login(outsider)
    assert client.get(f"/teams/{team.pk}/skills/", {"member": "a"}).status_code == 404


HEADER = "agent_email,interaction_ref,criterion,skill,severity,note,occurred_at\n"


def test_the_import_accepts_skill_names_or_slugs_in_any_case(lead, member, catalogue):
    content = (
        HEADER
        + f"{member.email},T-1,C,Service metrics,low,,2026-01-10\n"
        + f"{member.email},T-2,C,  escalation HANDLING ,low,,2026-01-10\n"
        + f"{member.email},T-3,C,KPI-Literacy,low,,2026-01-10\n"
        + f"{member.email},T-4,C,Metrics,low,,2026-01-10\n"
    )
    report = findings_csv.findings_import(reviewer=lead, content=content, commit=True)

    assert [row.errors for row in report.rows][3] == {
        "skill": ["Unknown skill; use a skill's name or slug, as listed on the import page."]
    }
    assert sorted(QAFinding.objects.values_list("interaction_ref", "skill__slug")) == [
        ("T-1", "kpi-literacy"),
        ("T-2", "escalations"),
        ("T-3", "kpi-literacy"),
    ]


def test_the_import_page_lists_the_skills_and_the_preview_shows_names(
    client, lead, member, team, catalogue
):
    client.force_login(lead)
    page = client.get(f"/teams/{team.pk}/findings/import/").content.decode()
    listing = page[page.index('id="skill-values"') : page.index("</details>")]
    assert re.findall(r"<tr><td>([^<]+)</td><td><code>([^<]+)</code>", listing) == [
        ("Escalation handling", "escalations"),
        ("Service metrics", "kpi-literacy"),
    ]

    content = HEADER + f"{member.email},T-1,C,kpi-literacy,low,,2026-01-10\n"
    preview = client.post(
        f"/teams/{team.pk}/findings/import/", {"content": content}
    ).content.decode()
    assert "<td>C</td><td>Service metrics</td>" in preview
