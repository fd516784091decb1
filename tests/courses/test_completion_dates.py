"""A module (or SOP) done again, after it was assigned again, closes the new assignment with
the moment it was done again, not the first completion's date (the "after" window of "is it
working?" starts there: 32% of trainings in a year-long simulation carried a date before their
own assignment)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from courses import services
from courses.models import Assignment, ModuleCompletion, SOPAcknowledgement
from tests import factories

pytestmark = pytest.mark.django_db


def test_a_module_done_again_closes_the_new_assignment_now(member):
    module = factories.module_with_lessons(lessons=1, is_published=True)
    for lesson in module.lessons.all():
        services.lesson_complete(user=member, lesson=lesson)
    services.module_complete(user=member, module=module)
    first = timezone.now() - timedelta(days=60)
    ModuleCompletion.objects.filter(user=member, module=module).update(completed_at=first)

    again, created = services.assignment_ensure(user=member, module=module, source="qa_rule")
    assert created
    before = timezone.now()
    services.module_complete(user=member, module=module)

    again.refresh_from_db()
    assert again.status == Assignment.Status.COMPLETED
    assert again.completed_at >= before
    assert again.completed_at >= again.created_at
    # the first completion keeps its own date
    assert ModuleCompletion.objects.get(user=member, module=module).completed_at == first


def test_an_sop_read_again_closes_the_new_assignment_now(member, sop_published):
    version = sop_published("v1").versions.get()
    services.sop_acknowledge(user=member, version=version)
    first = timezone.now() - timedelta(days=60)
    SOPAcknowledgement.objects.filter(user=member).update(acknowledged_at=first)

    again, created = services.assignment_ensure(user=member, sop=version.sop, source="manual")
    assert created
    before = timezone.now()
    services.sop_acknowledge(user=member, version=version)

    again.refresh_from_db()
    assert again.status == Assignment.Status.COMPLETED
    assert again.completed_at >= before
