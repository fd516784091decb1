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
    now = timezone.now()
    for i in range(n):
        skill = factories.SkillFactory.create()
        module = factories.module_with_lessons(lessons=2)
        module.skills.add(skill)
        sop = factories.sop_published("v1", "v2")
        module.sop_versions.add(sop.versions.get(number=1))
        courses_services.sop_acknowledge(user=member, version=sop.versions.get(number=1))
        courses_services.lesson_complete(user=member, lesson=module.lessons.first())
        courses_services.assignment_ensure(
            user=member, module=module, source="manual", due_at=now + timedelta(days=i - 2)
        )
        courses_services.assignment_ensure(
            user=member, sop=sop, source="sop_change", due_at=now + timedelta(days=i)
        )
        done = factories.module_with_lessons(lessons=0)
        courses_services.assignment_ensure(user=member, module=done, source="manual")
        courses_services.module_complete(user=member, module=done)
        teammate = factories.UserFactory.create()
        factories.MembershipFactory.create(user=teammate, team=team)
        courses_services.assignment_ensure(
            user=teammate, module=module, source="manual", assigned_by=lead
        )


PAGES = {
    "learner-home": ("member", "/"),
    "my-training": ("member", "/training/"),
    "modules": ("member", "/training/modules/"),
    "module": ("member", "/training/modules/{module}/"),
    "sops": ("member", "/sops/"),
    "sop": ("member", "/sops/{sop}/"),
    "team-training": ("lead", "/teams/{team}/training/"),
}
APIS = {
    "skills": ("member", "/api/v1/skills/"),
    "sops": ("member", "/api/v1/sops/"),
    "modules": ("member", "/api/v1/modules/"),
    "module": ("member", "/api/v1/modules/{module_id}/"),
    "assignments-own": ("member", "/api/v1/assignments/"),
    "assignments-team": ("lead", "/api/v1/assignments/?team={team}"),
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


@pytest.mark.parametrize(("who", "url"), PAGES.values(), ids=PAGES.keys())
def test_page_queries_do_not_grow(
    client, world, who, url, count_queries, django_assert_num_queries
):
    client.force_login(world[who])
    url = fill(url, world)
    small = count_queries(lambda: client.get(url))
    grow(8, lead=world["lead"], member=world["member"], team=world["team"])
    assert Module.objects.count() > 15
    with django_assert_num_queries(small):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize(("who", "url"), APIS.values(), ids=APIS.keys())
def test_api_queries_do_not_grow(api_as, world, who, url, count_queries, django_assert_num_queries):
    api = api_as(world[who])
    url = fill(url, world)
    api.get(url)  # the first call also records the token's use
    small = count_queries(lambda: api.get(url))
    grow(8, lead=world["lead"], member=world["member"], team=world["team"])
    with django_assert_num_queries(small):
        assert api.get(url).status_code == 200
