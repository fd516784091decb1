"""Skill reports and QA pages read a fixed number of queries, however much evidence there is."""

import pytest

from qa import services as qa_services
from skills import services as skills_services
from skills.models import LearnerProfile
from tests import factories

pytestmark = pytest.mark.django_db


def grow(n, *, lead, team, catalogue):
    for i in range(n):
        agent = factories.UserFactory.create()
        factories.MembershipFactory.create(user=agent, team=team)
        LearnerProfile.objects.create(user=agent, role_profile=catalogue["profile"])
        for j in range(3):
            qa_services.finding_record(
                reviewer=lead,
                agent_id=agent.pk,
                interaction_ref=f"G{i}-{j}",
                criterion=f"C{j}",
                skill="escalations",
            )
        skills_services.evidence_add(
            [
                skills_services.evidence_row(
                    user_id=agent.pk,
                    skill_id=catalogue["metrics"].pk,
                    outcome=0.5,
                    weight=1,
                    at=agent.date_joined,
                    source="answer",
                    source_id=agent.pk,
                )
            ]
        )
    skills_services.profiles_rebuild()


CASES = {
    "api-team-gaps": ("lead", "/api/v1/teams/{team}/skill-gaps/"),
    "api-profile": ("lead", "/api/v1/users/{member}/skill-profile/"),
    "api-org": ("admin_user", "/api/v1/skill-gaps/"),
    "api-findings": ("lead", "/api/v1/qa-findings/"),
    "api-suggestions": ("lead", "/api/v1/training-suggestions/"),
    "page-team-skills": ("lead", "/teams/{team}/skills/"),
    "page-findings": ("lead", "/teams/{team}/findings/"),
    "page-profile": ("lead", "/skills/people/{member}/"),
    "page-org": ("admin_user", "/reports/skills/"),
}


@pytest.mark.parametrize(("who", "url"), CASES.values(), ids=CASES.keys())
def test_queries_do_not_grow(
    request,
    client,
    api_as,
    lead,
    member,
    team,
    catalogue,
    who,
    url,
    count_queries,
    django_assert_num_queries,
):
    user = request.getfixturevalue(who)
    url = url.format(team=team.pk, member=member.pk)
    grow(1, lead=lead, team=team, catalogue=catalogue)
    qa_services.finding_record(
        reviewer=lead, agent_id=member.pk, interaction_ref="M1", criterion="C", skill="escalations"
    )
    if url.startswith("/api/"):
        api = api_as(user)
        api.get(url)
        fetch = lambda: api.get(url)  # noqa: E731
    else:
        client.force_login(user)
        fetch = lambda: client.get(url)  # noqa: E731
    small = count_queries(fetch)
    grow(9, lead=lead, team=team, catalogue=catalogue)
    for j in range(5):
        qa_services.finding_record(
            reviewer=lead,
            agent_id=member.pk,
            interaction_ref=f"M{j + 2}",
            criterion="C",
            skill="escalations",
        )
    skills_services.profiles_rebuild()
    with django_assert_num_queries(small):
        assert fetch().status_code == 200
