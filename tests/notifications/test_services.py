"""Notifications' own services and selectors: creating each notice once, emailing each once
(and again after a failed send), and a person seeing only their own."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from core.errors import NotFound
from notifications import selectors
from notifications import services as notifications_services
from notifications.models import Notification
from notifications.services import NotificationDraft, notify, notify_many

pytestmark = pytest.mark.django_db


def test_notify_many_skips_keys_that_exist_and_changes_nothing_of_them(member, lead):
    notify(user=member, key="a", kind="info", title="First")
    notify_many(
        [
            NotificationDraft(user_id=member.pk, key="a", kind="info", title="Again"),
            NotificationDraft(user_id=lead.pk, key="b", kind="info", title="New", email=True),
        ]
    )
    notify_many([])  # nothing to do
    assert sorted(Notification.objects.values_list("key", "user_id", "title", "email_wanted")) == [
        ("a", member.pk, "First", False),
        ("b", lead.pk, "New", True),
    ]


def test_emails_go_once_and_only_to_who_wants_them(member, lead):
    notify(user=member, key="wanted", kind="info", title="Please read", email=True)
    notify(user=lead, key="in-app", kind="info", title="Only in the app")
    assert notifications_services.notifications_send_emails() == 1
    assert notifications_services.notifications_send_emails() == 0
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert Notification.objects.get(key="wanted").emailed_at is not None
    assert Notification.objects.get(key="in-app").emailed_at is None


def test_a_notification_older_than_two_days_is_not_emailed_any_more(member):
    now = timezone.now()
    notice, _ = notify(user=member, key="old", kind="info", title="Old", email=True)
    Notification.objects.filter(pk=notice.pk).update(
        created_at=now - notifications_services.EMAIL_MAX_AGE - timedelta(minutes=1)
    )
    assert notifications_services.notifications_send_emails(now=now) == 0
    assert mail.outbox == []


def test_a_failed_send_is_released_for_the_next_run(member, monkeypatch):
    notify(user=member, key="k", kind="info", title="Hello", email=True)

    def down(**kwargs):
        raise ConnectionError("SMTP is down")

    monkeypatch.setattr(notifications_services, "email_send", down)
    assert notifications_services.notifications_send_emails() == 0
    assert Notification.objects.get(key="k").emailed_at is None
    monkeypatch.undo()
    assert notifications_services.notifications_send_emails() == 1
    assert len(mail.outbox) == 1


def test_a_person_reads_and_marks_only_their_own(member, lead):
    mine, _ = notify(user=member, key="m1", kind="info", title="Mine")
    notify(user=member, key="m2", kind="info", title="Also mine")
    theirs, _ = notify(user=lead, key="l1", kind="info", title="Not mine")
    assert selectors.notification_get_own(user=member, notification_id=mine.pk) == mine
    for odd in (theirs.pk, "x", None, 10**12):
        with pytest.raises(NotFound):
            selectors.notification_get_own(user=member, notification_id=odd)
    notifications_services.notification_mark_read(notification=mine)
    assert selectors.notifications_unread_count(user=member) == 1
    assert notifications_services.notifications_mark_all_read(user=member) == 1
    assert selectors.notifications_unread_count(user=member) == 0
    assert selectors.notifications_unread_count(user=lead) == 1


def test_a_title_without_a_template_or_params_is_the_stored_one(member):
    plain, _ = notify(user=member, key="p", kind="info", title="Stored title")
    bare, _ = notify(user=member, key="r", kind="overdue", title="Overdue (stored)")
    assert selectors.notification_title(plain) == "Stored title"
    assert selectors.notification_title(bare) == "Overdue (stored)"  # no params to render
