"""Assigning training: scope, bad input, no duplicates, completion and progress."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import Conflict, NotFound, ValidationFailed
from courses import selectors as courses_selectors
from courses import services as courses_services
from courses.models import Assignment, LessonProgress, ModuleCompletion
from tests import factories

pytestmark = pytest.mark.django_db

SOON = timezone.localdate() + timedelta(days=5)


@pytest.fixture
def second_member(team):
    user = factories.UserFactory.create(name="Ben Agent")
    factories.MembershipFactory.create(user=user, team=team)
    return user


def assign(lead, users, **kwargs):
    kwargs.setdefault("due_on", timezone.localdate() + timedelta(days=5))
    return factories.assign_by_ids(assigned_by=lead, user_ids=[u.pk for u in users], **kwargs)


def test_a_lead_assigns_a_module_to_several_members(
    lead, member, second_member, module_with_lessons
):
    module = module_with_lessons()
    results = assign(
        lead, [member, second_member], module_id=module.pk, reason="Before peak season"
    )
    assert [
        (a.user, a.module, a.source, a.assigned_by, a.reason, created) for a, created in results
    ] == [
        (member, module, "manual", lead, "Before peak season", True),
        (second_member, module, "manual", lead, "Before peak season", True),
    ]


def test_assigning_the_same_open_module_again_returns_the_existing_one(
    lead, member, module_with_lessons
):
    module = module_with_lessons()
    [(first, created)] = assign(lead, [member], module_id=module.pk)
    [(again, created_again)] = assign(lead, [member], module_id=module.pk, reason="again")
    assert created
    assert not created_again
    assert again.pk == first.pk
    assert Assignment.objects.filter(user=member, module=module).count() == 1


def test_a_finished_module_can_be_assigned_again(lead, member, module_with_lessons):
    module = module_with_lessons(lessons=0)
    [(first, _)] = assign(lead, [member], module_id=module.pk)
    courses_services.module_complete(user=member, module=module)
    [(second, created)] = assign(lead, [member], module_id=module.pk)
    assert created
    assert second.pk != first.pk


def test_anyone_outside_the_leads_teams_is_not_found_and_nothing_is_assigned(
    lead, member, outsider, module_with_lessons
):
    module = module_with_lessons()
    with pytest.raises(NotFound):
        assign(lead, [member, outsider], module_id=module.pk)
    assert not Assignment.objects.exists()


def test_a_member_can_not_assign_to_a_teammate(member, second_member, module_with_lessons):
    with pytest.raises(NotFound):
        assign(member, [second_member], module_id=module_with_lessons().pk)
    assert not Assignment.objects.exists()


def test_an_admin_can_assign_to_anyone(admin_user, outsider, module_with_lessons):
    [(assignment, created)] = assign(admin_user, [outsider], module_id=module_with_lessons().pk)
    assert created
    assert assignment.user == outsider


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        (
            {"due_on": timezone.localdate() - timedelta(days=1), "module_id": "REAL"},
            ValidationFailed,
            "due_on",
        ),
        ({}, ValidationFailed, "non_field_errors"),
        ({"module_id": 999_999}, NotFound, None),
        ({"sop_id": 999_999}, NotFound, None),
        ({"module_id": "abc"}, NotFound, None),
    ],
    ids=["past-due", "no-target", "unknown-module", "unknown-sop", "bad-id"],
)
def test_bad_input_is_refused_and_assigns_nothing(
    lead, member, module_with_lessons, kwargs, error, field
):
    if kwargs.get("module_id") == "REAL":
        kwargs = {**kwargs, "module_id": module_with_lessons().pk}
    with pytest.raises(error) as raised:
        assign(lead, [member], **kwargs)
    if field:
        assert field in raised.value.field_errors
    assert not Assignment.objects.exists()


def test_an_unpublished_module_can_not_be_assigned(lead, member, module_with_lessons):
    module = module_with_lessons(is_published=False)
    with pytest.raises(NotFound):
        assign(lead, [member], module_id=module.pk)


def test_an_unknown_user_id_is_not_found(lead, module_with_lessons):
    with pytest.raises(NotFound):
        factories.assign_by_ids(
            assigned_by=lead, user_ids=[987654], module_id=module_with_lessons().pk, due_on=SOON
        )


def test_assigning_an_sop_asks_for_its_current_version(lead, member, sop_published):
    sop = sop_published("v1", "v2")
    [(assignment, _)] = assign(lead, [member], sop_id=sop.pk)
    assert (assignment.kind, assignment.sop_version.number) == ("sop", 2)


def test_completing_a_module_needs_every_lesson_and_closes_the_assignment(
    lead, member, module_with_lessons
):
    module = module_with_lessons(lessons=2)
    [(assignment, _)] = assign(lead, [member], module_id=module.pk)
    with pytest.raises(Conflict, match=r"Finish the lessons first: 0 of 2 done\."):
        courses_services.module_complete(user=member, module=module)

    first, second = module.lessons.order_by("position")
    courses_services.lesson_complete(user=member, lesson=first)
    assert (
        courses_selectors.assignment_progress(courses_selectors.assignments_of(user=member).get())
        == 50
    )
    courses_services.lesson_complete(user=member, lesson=second)
    courses_services.lesson_complete(user=member, lesson=second)  # repeating is harmless
    assert LessonProgress.objects.filter(user=member).count() == 2

    courses_services.module_complete(user=member, module=module)
    courses_services.module_complete(user=member, module=module)
    assignment.refresh_from_db()
    assert assignment.status == "completed"
    assert ModuleCompletion.objects.filter(user=member, module=module).count() == 1
    assert (
        courses_selectors.assignment_progress(courses_selectors.assignments_of(user=member).get())
        == 100
    )


def test_cancelling_keeps_finished_work_finished(lead, member, module_with_lessons):
    module = module_with_lessons(lessons=0)
    [(open_one, _)] = assign(lead, [member], module_id=module.pk)
    courses_services.assignment_cancel(assignment=open_one)
    open_one.refresh_from_db()
    assert open_one.status == "cancelled"
    [(done, _)] = assign(lead, [member], module_id=module.pk)
    courses_services.module_complete(user=member, module=module)
    courses_services.assignment_cancel(assignment=done)
    done.refresh_from_db()
    assert done.status == "completed"


def test_my_training_groups_by_urgency(member, module_with_lessons):
    today = timezone.localdate()
    made = {}
    for name, due in {
        "overdue": today - timedelta(days=2),
        "soon": today + timedelta(days=2),
        "later": today + timedelta(days=20),
        "undated": None,
        "done": today + timedelta(days=1),
    }.items():
        made[name], _ = courses_services.assignment_ensure(
            user=member,
            module=module_with_lessons(lessons=0, title=name),
            source="manual",
            due_on=due,
        )
    courses_services.module_complete(user=member, module=made["done"].module)

    groups = courses_selectors.my_training(user=member)
    assert [a.module.title for a in groups.overdue] == ["overdue"]
    assert [a.module.title for a in groups.due_soon] == ["soon"]
    assert [a.module.title for a in groups.later] == ["later", "undated"]
    assert [a.module.title for a in groups.done] == ["done"]
