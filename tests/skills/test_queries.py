"""Skill reports and QA pages read a fixed number of queries, however much evidence there is."""

import pytest

from qa import services as qa_services
from skills import services as skills_services
from skills.models import LearnerProfile, Skill
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
                agent=agent,
                interaction_ref=f"G{i}-{j}",
                criterion=f"C{j}",
                skill=Skill.objects.get(slug="escalations"),
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


# The last number is the exact query count of the request, at both data sizes.
CASES = {
    "api-team-gaps": ("lead", "/api/v1/teams/{team}/skill-gaps/", 6),
    "api-profile": ("lead", "/api/v1/users/{member}/skill-profile/", 7),
    "api-org": ("admin_user", "/api/v1/skill-gaps/", 8),
    "api-findings": ("lead", "/api/v1/qa-findings/", 3),
    "api-suggestions": ("lead", "/api/v1/training-suggestions/", 2),
    # + practice effect (1 when none), + the team's QA tool sources ("is it working?" filter),
    # + practice's hold-out comparison, + the SOPs and modules on the suggestions' skills
    "page-team-skills": ("lead", "/teams/{team}/skills/", 22),
    # filtering members and a skill changes the rows, not the number of queries
    "page-team-skills-filtered": ("lead", "/teams/{team}/skills/?skill=escalations&member=e", 22),
    # + the search/filter form's people and skill lists (one query each, whatever the size)
    # + what to read on the findings' skills (SOPs, modules: one query each, for any rows)
    "page-findings": ("lead", "/teams/{team}/findings/", 13),
    # + what to read on the low skills (SOPs, modules: one query each, for any number)
    "page-profile": ("lead", "/skills/people/{member}/", 12),
    "page-org": ("admin_user", "/reports/skills/", 11),
}


@pytest.mark.parametrize(("who", "url", "expected"), CASES.values(), ids=CASES.keys())
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
    expected,
    assert_queries,
):
    user = request.getfixturevalue(who)
    url = url.format(team=team.pk, member=member.pk)
    grow(1, lead=lead, team=team, catalogue=catalogue)
    qa_services.finding_record(
        reviewer=lead,
        agent=member,
        interaction_ref="M1",
        criterion="C",
        skill=Skill.objects.get(slug="escalations"),
    )
    if url.startswith("/api/"):
        api = api_as(user)
        api.get(url)
        fetch = lambda: api.get(url)  # noqa: E731
    else:
        client.force_login(user)
        fetch = lambda: client.get(url)  # noqa: E731
    with assert_queries(expected):
        assert fetch().status_code == 200
    grow(9, lead=lead, team=team, catalogue=catalogue)
    for j in range(5):
        qa_services.finding_record(
            reviewer=lead,
            agent=member,
            interaction_ref=f"M{j + 2}",
            criterion="C",
            skill=Skill.objects.get(slug="escalations"),
        )
    skills_services.profiles_rebuild()
    with assert_queries(expected):
        assert fetch().status_code == 200


def test_the_team_gaps_answer_is_exactly_what_its_schema_serializer_gives(
    lead, team, catalogue, api_as
):
    """The endpoint answers ``TeamGaps.as_dict()`` without running the serializer over every
    cell (a sixth of its time): the body must be what the serializer would have made of it."""
    from skills import selectors as skills_selectors
    from skills.serializers import TeamSkillGapsOutput

    grow(3, lead=lead, team=team, catalogue=catalogue)
    body = api_as(lead).get(f"/api/v1/teams/{team.pk}/skill-gaps/").json()
    gaps = skills_selectors.team_skill_gaps(lead=lead, team_id=team.pk).as_dict()
    serialized = TeamSkillGapsOutput(gaps).data
    assert body == serialized
    assert len(body["members"]) == 4  # the catalogue's member and the three grown
    assert all(len(m["skills"]) == len(body["skills"]) for m in body["members"])
