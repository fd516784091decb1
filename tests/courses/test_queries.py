"""Every training list and report keeps its query count as the data grows."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses import services as courses_services
from courses.models import Module
from tests import factories

pytestmark = pytest.mark.django_db


def grow(n, *, lead, member, team):
    """Add ``n`` of everything a list shows: modules with lessons and skills, SOPs with versions,
    assignments of every kind and state, and team members."""
    today = timezone.localdate()
    for i in range(n):
        skill = factories.SkillFactory.create()
        module = factories.module_with_lessons(lessons=2)
        module.skills.add(skill)
        sop = factories.sop_published("v1", "v2")
        module.sop_versions.add(sop.versions.get(number=1))
        courses_services.sop_acknowledge(user=member, version=sop.versions.get(number=1))
        courses_services.lesson_complete(user=member, lesson=module.lessons.first())
        courses_services.assignment_ensure(
            user=member, module=module, source="manual", due_on=today + timedelta(days=i - 2)
        )
        courses_services.assignment_ensure(
            user=member, sop=sop, source="sop_change", due_on=today + timedelta(days=i)
        )
        done = factories.module_with_lessons(lessons=0)
        courses_services.assignment_ensure(user=member, module=done, source="manual")
        courses_services.module_complete(user=member, module=done)
        teammate = factories.UserFactory.create()
        factories.MembershipFactory.create(user=teammate, team=team)
        courses_services.assignment_ensure(
            user=teammate, module=module, source="manual", assigned_by=lead
        )


# The last number is the exact query count of the request, at both data sizes.
PAGES = {
    "learner-home": ("member", "/", 6),
    "my-training": ("member", "/training/", 6),
    "modules": ("member", "/training/modules/", 9),
    "module": ("member", "/training/modules/{module}/", 8),
    "sops": ("member", "/sops/", 6),
    "sop": ("member", "/sops/{sop}/", 9),  # + the versions' skills
    "team-training": ("lead", "/teams/{team}/training/", 14),
}
APIS = {
    "skills": ("member", "/api/v1/skills/", 3),
    "sops": ("member", "/api/v1/sops/", 3),
    "modules": ("member", "/api/v1/modules/", 5),
    "module": ("member", "/api/v1/modules/{module_id}/", 5),
    "assignments-own": ("member", "/api/v1/assignments/", 3),
    "assignments-team": ("lead", "/api/v1/assignments/?team={team}", 4),
}


@pytest.fixture
def world(lead, member, team):
    module = factories.module_with_lessons(lessons=3)
    sop = factories.sop_published("v1", "v2", "v3")
    grow(1, lead=lead, member=member, team=team)
    return {"lead": lead, "member": member, "team": team, "module": module, "sop": sop}


def fill(url, world):
    return url.format(
        module=world["module"].slug,
        module_id=world["module"].pk,
        sop=world["sop"].slug,
        team=world["team"].pk,
    )


@pytest.mark.parametrize(("who", "url", "expected"), PAGES.values(), ids=PAGES.keys())
def test_page_queries_do_not_grow(client, world, who, url, expected, assert_queries):
    client.force_login(world[who])
    url = fill(url, world)
    with assert_queries(expected):
        assert client.get(url).status_code == 200
    grow(8, lead=world["lead"], member=world["member"], team=world["team"])
    assert Module.objects.count() > 15
    with assert_queries(expected):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(("who", "url", "expected"), APIS.values(), ids=APIS.keys())
def test_api_queries_do_not_grow(api_as, world, who, url, expected, assert_queries):
    api = api_as(world[who])
    url = fill(url, world)
    api.get(url)  # the first call also records the token's use
    with assert_queries(expected):
        assert api.get(url).status_code == 200
    grow(8, lead=world["lead"], member=world["member"], team=world["team"])
    with assert_queries(expected):
        assert api.get(url).status_code == 200
