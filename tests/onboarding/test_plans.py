"""Onboarding plans: starting, auto-completion from each event, ticking and signing off."""

from datetime import date

import pytest
from django.utils import timezone

from assessments import services as assessments_services
from assessments.models import Question
from core.errors import Conflict, NotFound, ValidationFailed
from courses import services as courses_services
from courses.models import Assignment
from onboarding import services as onboarding_services
from onboarding.models import OnboardingPlan, PlanItem
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def content(sop_published, module_with_lessons, quiz):
    return {"sop": sop_published("Read me"), "module": module_with_lessons(lessons=1), "quiz": quiz}


@pytest.fixture
def template(content):
    return factories.checklist(
        (0, "task", "Get your accounts"),
        (0, "read_sop", content["sop"]),
        (0, "lead_signoff", "Meet your lead"),
        (5, "module", content["module"]),
        (26, "quiz", content["quiz"]),
    )


def items(plan):
    return {item.kind: item for item in plan.items.all()}


def test_starting_a_plan_copies_the_steps_with_due_days_whatever_the_time_zone(
    member, lead, template
):
    member.time_zone = "Asia/Tokyo"
    member.save()
    plan = onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=date(2026, 12, 1), started_by=lead
    )
    steps = list(
        plan.items.order_by("due_offset_days", "position").values_list("kind", "due_on", "status")
    )
    assert steps[0] == ("task", date(2026, 12, 1), "open")
    assert steps[3][:2] == ("module", date(2026, 12, 6))
    assert [i.phase for i in plan.items.order_by("due_offset_days", "position")] == [
        "Day 1",
        "Day 1",
        "Day 1",
        "Week 1",
        "Week 4",
    ]
    # SOP, module and quiz steps also show up in My training as onboarding assignments, due
    # on the same days as their steps
    assert sorted(
        Assignment.objects.filter(user=member).values_list("kind", "source", "due_on")
    ) == [
        ("module", "onboarding", date(2026, 12, 6)),
        ("quiz", "onboarding", date(2026, 12, 27)),
        ("sop", "onboarding", date(2026, 12, 1)),
    ]


def test_a_second_open_plan_from_the_same_checklist_is_refused(member, template):
    onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=timezone.localdate()
    )
    with pytest.raises(ValidationFailed):
        onboarding_services.onboarding_plan_start(
            user=member, template=template, start_date=timezone.localdate()
        )
    assert OnboardingPlan.objects.count() == 1


def test_steps_already_done_start_done(member, template, content):
    courses_services.sop_acknowledge(user=member, version=content["sop"].versions.get())
    plan = onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=timezone.localdate()
    )
    assert items(plan)["read_sop"].status == "done"
    assert items(plan)["module"].status == "open"


class TestAutoCompletion:
    def test_acknowledging_the_sop(self, member, template, content):
        plan = onboarding_services.onboarding_plan_start(
            user=member, template=template, start_date=timezone.localdate()
        )
        courses_services.sop_acknowledge(user=member, version=content["sop"].versions.get())
        assert items(plan)["read_sop"].status == "done"

    def test_completing_the_module(self, member, template, content):
        plan = onboarding_services.onboarding_plan_start(
            user=member, template=template, start_date=timezone.localdate()
        )
        courses_services.lesson_complete(user=member, lesson=content["module"].lessons.get())
        courses_services.module_complete(user=member, module=content["module"])
        assert items(plan)["module"].status == "done"

    def test_passing_the_quiz(self, member, template, content, django_capture_on_commit_callbacks):
        plan = onboarding_services.onboarding_plan_start(
            user=member, template=template, start_date=timezone.localdate()
        )
        attempt = assessments_services.attempt_start(quiz=content["quiz"], user=member)
        for question in Question.objects.filter(version=attempt.quiz_version):
            assessments_services.answer_save(
                attempt=attempt,
                question_id=question.pk,
                choice_ids=factories.right_choice_ids(question),
            )
        with django_capture_on_commit_callbacks(execute=True):
            assessments_services.attempt_submit(attempt=attempt)
        assert items(plan)["quiz"].status == "done"

    def test_failing_the_quiz_leaves_it_open(
        self, member, template, content, django_capture_on_commit_callbacks
    ):
        plan = onboarding_services.onboarding_plan_start(
            user=member, template=template, start_date=timezone.localdate()
        )
        attempt = assessments_services.attempt_start(quiz=content["quiz"], user=member)
        with django_capture_on_commit_callbacks(execute=True):
            assessments_services.attempt_submit(attempt=attempt)
        assert items(plan)["quiz"].status == "open"


def test_the_new_hire_ticks_tasks_but_not_sign_offs_or_automatic_steps(member, template):
    plan = onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=timezone.localdate()
    )
    step = items(plan)
    onboarding_services.plan_item_tick(item=step["task"], user=member)
    assert items(plan)["task"].status == "done"
    with pytest.raises(Conflict, match="Your lead signs this step off"):
        onboarding_services.plan_item_tick(item=step["lead_signoff"], user=member)
    with pytest.raises(Conflict, match="completes itself"):
        onboarding_services.plan_item_tick(item=step["module"], user=member)
    assert items(plan)["lead_signoff"].status == "open"


def test_nobody_ticks_someone_elses_task(member, lead, template):
    plan = onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=timezone.localdate()
    )
    with pytest.raises(NotFound):
        onboarding_services.plan_item_tick(item=items(plan)["task"], user=lead)
    assert items(plan)["task"].status == "open"


def test_only_a_lead_of_the_new_hires_team_signs_off(member, lead, outsider, team, template):
    plan = onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=timezone.localdate()
    )
    teammate = factories.UserFactory.create()
    factories.MembershipFactory.create(user=teammate, team=team)
    signoff = items(plan)["lead_signoff"]
    for who in (outsider, teammate, member):
        with pytest.raises(NotFound):
            onboarding_services.plan_item_sign_off(item=signoff, lead=who)
    assert items(plan)["lead_signoff"].status == "open"
    onboarding_services.plan_item_sign_off(item=signoff, lead=lead, comment="  Good first week.  ")
    done = items(plan)["lead_signoff"]
    assert (done.status, done.completed_by, done.comment) == ("done", lead, "Good first week.")


def test_a_lead_does_not_sign_off_their_own_plan(lead, template):
    plan = onboarding_services.onboarding_plan_start(
        user=lead, template=template, start_date=timezone.localdate()
    )
    with pytest.raises(NotFound):
        onboarding_services.plan_item_sign_off(item=items(plan)["lead_signoff"], lead=lead)


def test_the_plan_completes_when_every_step_is_done(member, lead):
    template = factories.checklist((0, "task", "A"), (1, "lead_signoff", "B"))
    plan = onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=timezone.localdate()
    )
    onboarding_services.plan_item_tick(item=items(plan)["task"], user=member)
    plan.refresh_from_db()
    assert plan.completed_at is None
    onboarding_services.plan_item_sign_off(item=items(plan)["lead_signoff"], lead=lead)
    plan.refresh_from_db()
    assert plan.completed_at is not None


def test_a_deleted_module_shows_as_unavailable_and_nothing_crashes(
    client, member, lead, template, content
):
    plan = onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=timezone.localdate()
    )
    content["module"].delete()
    step = items(plan)["module"]
    assert step.module is None
    assert not step.is_available
    client.force_login(member)
    page = client.get("/onboarding/").content.decode()
    assert "The linked content is no longer available" in page
    client.force_login(lead)
    assert client.get(f"/onboarding/plans/{plan.pk}/").status_code == 200
    assert client.get("/onboarding/team/").status_code == 200
    # a plan started from the template now skips the missing link without failing
    onboarding_services.onboarding_plan_start(
        user=factories.UserFactory.create(), template=template, start_date=timezone.localdate()
    )


def test_a_start_date_far_in_the_past_makes_steps_overdue(member, template):
    plan = onboarding_services.onboarding_plan_start(
        user=member, template=template, start_date=date(2020, 1, 6)
    )
    assert all(item.due_on < timezone.localdate() for item in plan.items.all())
    assert PlanItem.objects.filter(plan=plan, status="open").count() == 5
