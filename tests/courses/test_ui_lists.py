"""Team training order, the cancel page's words, the re-read link and notification, and the
SOP page with its changes collapsed above it (issue 15)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses import services as courses_services
from courses.models import Assignment, SOPAcknowledgement
from notifications.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


def test_team_training_lists_overdue_then_due_soon_then_open_then_done(client, lead, member):
    today = timezone.localdate()
    titles = {}
    for name, due, done in [
        ("Done long ago", today - timedelta(days=30), True),
        ("Later", today + timedelta(days=30), False),
        ("Overdue", today - timedelta(days=3), False),
        ("Due soon", today + timedelta(days=1), False),
    ]:
        module = factories.module_with_lessons(lessons=1, title=name)
        assignment, _ = courses_services.assignment_ensure(
            user=member, module=module, source="manual", due_on=due
        )
        if done:
            Assignment.objects.filter(pk=assignment.pk).update(
                status="completed", completed_at=timezone.now()
            )
        titles[name] = module.title
    client.force_login(lead)
    page = client.get(f"/teams/{member.memberships.get().team_id}/training/").content.decode()
    table = page.split('id="list-h"', 1)[1]
    positions = [table.index(titles[n]) for n in ("Overdue", "Due soon", "Later", "Done long ago")]
    assert positions == sorted(positions)


def test_the_cancel_page_says_which_button_cancels_and_which_keeps(client, lead, member, team):
    module = factories.module_with_lessons(lessons=1, title="Refunds")
    assignment, _ = courses_services.assignment_ensure(user=member, module=module, source="manual")
    client.force_login(lead)
    page = client.get(f"/assignments/{assignment.pk}/cancel/?team={team.pk}").content.decode()
    assert "Yes, cancel the assignment</button>" in page
    assert f'href="/teams/{team.pk}/training/">No, keep it</a>' in page
    assert ">Cancel</a>" not in page
    response = client.post(f"/assignments/{assignment.pk}/cancel/", {"team": team.pk})
    assert response.url == f"/teams/{team.pk}/training/"
    assignment.refresh_from_db()
    assert assignment.status == "cancelled"


def test_read_version_n_is_a_link_to_that_version(client, member):
    sop = factories.sop_published("One", "Two", title="Escalations")
    courses_services.assignment_ensure(user=member, sop=sop, source="sop_change")
    Assignment.objects.filter(user=member).update(sop_version=sop.versions.get(number=2))
    client.force_login(member)
    page = client.get("/training/").content.decode()
    assert f'<a href="/sops/{sop.slug}/v2/">Read version 2</a>' in page


class TestReReadNotification:
    def publish_v2(self, sop, capture):
        draft = courses_services.sop_draft_save(
            sop=sop, body="Step 1\nStep 2 changed", change_summary="Step 2", requires_reack=True
        )
        with capture(execute=True):
            return courses_services.sop_version_publish(version=draft)

    def test_each_reader_gets_one_bell_notification_after_commit(
        self, member, lead, outsider, django_capture_on_commit_callbacks
    ):
        sop = factories.sop_published("Step 1\nStep 2", title="Refunds")
        for reader in (member, lead):
            courses_services.sop_acknowledge(user=reader, version=sop.versions.get(number=1))
        assert not Notification.objects.exists()

        v2 = self.publish_v2(sop, django_capture_on_commit_callbacks)

        notes = Notification.objects.order_by("user__name")
        assert sorted(n.user_id for n in notes) == sorted([member.pk, lead.pk])
        note = notes.get(user=member)
        assert (note.kind, note.url) == ("sop_reread", f"/sops/{sop.slug}/")
        assert note.key == f"sop-reread:{v2.pk}:{member.pk}"
        assert note.title == "Please re-read “Refunds” (version 2)"
        assert not Notification.objects.filter(user=outsider).exists()

    def test_a_second_run_creates_nothing(self, member, django_capture_on_commit_callbacks):
        sop = factories.sop_published("Step 1\nStep 2", title="Refunds")
        courses_services.sop_acknowledge(user=member, version=sop.versions.get(number=1))
        v2 = self.publish_v2(sop, django_capture_on_commit_callbacks)
        assert courses_services.sop_reack_notify(version_id=v2.pk) == 0
        with django_capture_on_commit_callbacks(execute=True):
            courses_services.sop_reack_assign(version_id=v2.pk)
        assert Notification.objects.filter(user=member).count() == 1

    def test_nobody_is_notified_before_the_commit(self, member, django_capture_on_commit_callbacks):
        sop = factories.sop_published("Step 1\nStep 2", title="Refunds")
        courses_services.sop_acknowledge(user=member, version=sop.versions.get(number=1))
        draft = courses_services.sop_draft_save(
            sop=sop, body="Step 1\nStep 3", change_summary="Step 3", requires_reack=True
        )
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            courses_services.sop_version_publish(version=draft)
        assert not Notification.objects.exists()
        assert len(callbacks) == 1

    def test_someone_who_already_read_it_is_not_notified(
        self, member, django_capture_on_commit_callbacks
    ):
        sop = factories.sop_published("Step 1\nStep 2", title="Refunds")
        courses_services.sop_acknowledge(user=member, version=sop.versions.get(number=1))
        draft = courses_services.sop_draft_save(
            sop=sop, body="Step 1\nStep 3", change_summary="Step 3", requires_reack=True
        )
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            v2 = courses_services.sop_version_publish(version=draft)
        SOPAcknowledgement.objects.create(user=member, sop_version=v2)
        for callback in callbacks:
            callback()
        assert not Notification.objects.exists()


def test_the_sop_comes_first_with_its_changes_collapsed_above(client, member):
    sop = factories.sop_published(
        "## Steps\n\n1. Greet.\n2. Escalate within 1 hour.",
        "## Steps\n\n1. Greet.\n2. Escalate within **30 minutes**.",
        title="Escalations",
    )
    courses_services.sop_acknowledge(user=member, version=sop.versions.get(number=1))
    client.force_login(member)
    page = client.get(f"/sops/{sop.slug}/").content.decode()
    details = page.index('<details class="card mb sop-changes">')
    assert details < page.index('<article class="card">')
    assert "<details open" not in page  # collapsed until asked for
    assert "1 line added" in page
    assert "1 line removed" in page
    # the new text rendered (not raw Markdown) and highlighted
    changed = page.split('<div class="prose changes-added">', 1)[1].split("</div>", 1)[0]
    assert "<strong>30 minutes</strong>" in changed
    assert "**" not in changed
    # the raw line diff is still there, one more click away
    assert page.index("Show the line-by-line changes") < page.index('<div class="diff"')
