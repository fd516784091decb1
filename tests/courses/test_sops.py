"""SOP drafts, immutable published versions, acknowledgements and re-acknowledgement."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.errors import NotFound, ValidationFailed
from courses import services as courses_services
from courses.models import Assignment, ModuleCompletion, SOPAcknowledgement, SOPVersion
from courses.tasks import sop_reack_assign_task
from tests import factories

pytestmark = pytest.mark.django_db


def test_publishing_numbers_versions_and_renders_once(sop_published):
    sop = sop_published("## One", "## Two")
    versions = list(sop.versions.order_by("number").values_list("number", "status", "body_html"))
    assert versions == [
        (1, "published", '<h2 id="sec-one">One</h2>'),
        (2, "published", '<h2 id="sec-two">Two</h2>'),
    ]


def test_an_sop_has_one_draft_at_a_time(sop_published):
    sop = sop_published("v1")
    first = courses_services.sop_draft_save(sop=sop, body="draft a", change_summary="a")
    second = courses_services.sop_draft_save(sop=sop, body="draft b", change_summary="b")
    assert first.pk == second.pk
    assert sop.versions.filter(status="draft").get().body == "draft b"


def test_a_draft_needs_text_and_a_summary(sop_published):
    sop = sop_published("v1")
    with pytest.raises(ValidationFailed) as error:
        courses_services.sop_draft_save(sop=sop, body=" ", change_summary="")
    assert set(error.value.field_errors) == {"body", "change_summary"}
    assert not sop.versions.filter(status="draft").exists()


def test_publishing_twice_is_harmless(sop_published):
    sop = sop_published("v1")
    draft = courses_services.sop_draft_save(sop=sop, body="v2", change_summary="two")
    courses_services.sop_version_publish(version=draft)
    courses_services.sop_version_publish(version=draft)
    assert list(sop.versions.values_list("number", flat=True).order_by("number")) == [1, 2]


def test_acknowledging_a_superseded_version_is_recorded_as_that_version(member, sop_published):
    sop = sop_published("v1", "v2")
    old = sop.versions.get(number=1)
    ack, created = courses_services.sop_acknowledge(user=member, version=old)
    assert created
    assert ack.sop_version == old
    again, created_again = courses_services.sop_acknowledge(user=member, version=old)
    assert (again.pk, created_again) == (ack.pk, False)


def test_a_draft_can_not_be_acknowledged(member, sop_published):
    sop = sop_published("v1")
    draft = courses_services.sop_draft_save(sop=sop, body="v2", change_summary="two")
    with pytest.raises(NotFound):
        courses_services.sop_acknowledge(user=member, version=draft)
    assert not SOPAcknowledgement.objects.exists()


def test_acknowledging_closes_the_assignment_only_with_the_asked_version_or_later(
    member, sop_published
):
    sop = sop_published("v1", "v2")
    assignment, _ = courses_services.assignment_ensure(user=member, sop=sop, source="manual")
    assert assignment.sop_version.number == 2

    courses_services.sop_acknowledge(user=member, version=sop.versions.get(number=1))
    assignment.refresh_from_db()
    assert assignment.status == "open"

    courses_services.sop_acknowledge(user=member, version=sop.versions.get(number=2))
    assignment.refresh_from_db()
    assert assignment.status == "completed"
    assert assignment.completed_at is not None


class TestReacknowledgement:
    @pytest.fixture
    def setup(self, member, lead, team, sop_published, module_with_lessons):
        sop = sop_published("Step 1\nStep 2", title="Escalation handling")
        v1 = sop.versions.get()
        reader = member  # acknowledged v1
        courses_services.sop_acknowledge(user=reader, version=v1)
        learner = factories.UserFactory.create(
            name="Module Learner"
        )  # finished a module pinned to v1
        module = module_with_lessons(lessons=1)
        module.sop_versions.add(v1)
        ModuleCompletion.objects.create(user=learner, module=module)
        bystander = factories.UserFactory.create(name="Never Read")
        return sop, reader, learner, bystander

    def publish_v2(self, sop, capture, requires_reack=True):
        draft = courses_services.sop_draft_save(
            sop=sop,
            body="Step 1\nStep 2 changed",
            change_summary="Step 2 changed",
            requires_reack=requires_reack,
        )
        with capture(execute=True) as callbacks:
            version = courses_services.sop_version_publish(version=draft)
        return version, callbacks

    def test_readers_and_module_learners_get_one_assignment_after_commit(
        self, setup, django_capture_on_commit_callbacks
    ):
        sop, reader, learner, bystander = setup
        v2, callbacks = self.publish_v2(sop, django_capture_on_commit_callbacks)
        # The assignment task waited for the commit; it enqueued the notifications after its own.
        assert len(callbacks) == 2

        assignments = Assignment.objects.filter(sop=sop).order_by("user__name")
        assert [(a.user, a.source, a.sop_version, a.status) for a in assignments] == sorted(
            [(reader, "sop_change", v2, "open"), (learner, "sop_change", v2, "open")],
            key=lambda row: row[0].name,
        )
        assert "Step 2 changed" in assignments[0].reason
        assert assignments[0].due_on == timezone.localdate() + timedelta(days=7)
        assert not Assignment.objects.filter(user=bystander).exists()

    def test_running_the_task_again_creates_nothing(
        self, setup, django_capture_on_commit_callbacks
    ):
        sop, *_ = setup
        v2, _callbacks = self.publish_v2(sop, django_capture_on_commit_callbacks)
        before = list(Assignment.objects.values_list("pk", "user_id", "sop_version_id", "status"))
        assert sop_reack_assign_task.apply(args=[v2.pk]).get() == 0
        assert courses_services.sop_reack_assign(version_id=v2.pk) == 0
        assert (
            list(Assignment.objects.values_list("pk", "user_id", "sop_version_id", "status"))
            == before
        )

    def test_an_open_assignment_for_the_old_version_now_asks_for_the_new_one(
        self, setup, django_capture_on_commit_callbacks
    ):
        sop, reader, *_ = setup
        old, _ = courses_services.assignment_ensure(user=reader, sop=sop, source="manual")
        v2, _callbacks = self.publish_v2(sop, django_capture_on_commit_callbacks)
        old.refresh_from_db()
        assert old.sop_version == v2
        assert Assignment.objects.filter(user=reader, sop=sop).count() == 1

    def test_a_version_without_the_flag_assigns_nothing(
        self, setup, django_capture_on_commit_callbacks
    ):
        sop, *_ = setup
        _v2, callbacks = self.publish_v2(
            sop, django_capture_on_commit_callbacks, requires_reack=False
        )
        assert callbacks == []
        assert not Assignment.objects.exists()

    def test_someone_who_already_read_the_new_version_is_left_alone(
        self, setup, django_capture_on_commit_callbacks
    ):
        sop, reader, *_ = setup
        v2, _callbacks = self.publish_v2(sop, django_capture_on_commit_callbacks)
        Assignment.objects.all().delete()
        courses_services.sop_acknowledge(user=reader, version=v2)
        assert courses_services.sop_reack_assign(version_id=v2.pk) == 1  # only the module learner
        assert not Assignment.objects.filter(user=reader).exists()

    def test_the_sweep_assigns_when_the_publish_time_task_was_lost(
        self, setup, django_capture_on_commit_callbacks
    ):
        sop, reader, learner, _ = setup
        draft = courses_services.sop_draft_save(
            sop=sop, body="Step 1", change_summary="x", requires_reack=True
        )
        with django_capture_on_commit_callbacks(execute=False):  # the broker was down
            v2 = courses_services.sop_version_publish(version=draft)
        assert not Assignment.objects.exists()
        SOPVersion.objects.filter(pk=v2.pk).update(
            published_at=timezone.now() - timedelta(minutes=5)
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert courses_services.sop_reack_sweep() == 1
        assert set(Assignment.objects.values_list("user", flat=True)) == {reader.pk, learner.pk}
        assert courses_services.sop_reack_sweep() == 0  # done: the version is marked

    def test_a_reader_who_acknowledged_during_the_run_is_not_left_with_an_open_assignment(
        self, setup, django_capture_on_commit_callbacks
    ):
        sop, reader, *_ = setup
        v2, _callbacks = self.publish_v2(sop, django_capture_on_commit_callbacks)
        # the state a race leaves behind: the assignment was inserted, then the ack landed
        SOPAcknowledgement.objects.create(user=reader, sop_version=v2)
        Assignment.objects.filter(user=reader).update(status="open", completed_at=None)
        courses_services.sop_reack_assign(version_id=v2.pk)
        assert Assignment.objects.get(user=reader).status == "completed"

    def test_an_unknown_or_unflagged_version_is_a_no_op(self, setup):
        sop, *_ = setup
        assert courses_services.sop_reack_assign(version_id=999_999) == 0
        assert courses_services.sop_reack_assign(version_id=SOPVersion.objects.get(sop=sop).pk) == 0
