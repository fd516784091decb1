"""In-app notifications (and, when wanted, email). Each one has a unique key, so whoever
creates it twice (a retried task, two sweeps at once) still creates it once."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from accounts.models import User
from core.email import email_send
from notifications.models import Notification
from notifications.selectors import notification_title

logger = logging.getLogger(__name__)


def notify(
    *,
    user: User,
    key: str,
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    email: bool = False,
) -> tuple[Notification, bool]:
    """Create the notification ``key`` for ``user`` unless it exists. Returns ``(it, created)``."""
    existing = Notification.objects.filter(key=key).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                user=user,
                key=key[:200],
                kind=kind,
                title=title[:200],
                body=body,
                url=url,
                email_wanted=email,
            )
    except IntegrityError:  # created by a parallel sweep between our check and insert
        return Notification.objects.get(key=key), False
    return notification, True


@dataclass(frozen=True)
class NotificationDraft:
    """What ``notify_many`` creates: ``notify``'s arguments, with the user as an id."""

    user_id: int
    key: str
    kind: str
    title: str
    url: str = ""
    body: str = ""
    email: bool = False
    params: Mapping[str, object] = field(default_factory=dict)


def notify_many(drafts: Sequence[NotificationDraft]) -> None:
    """``notify`` for many notifications in one ``INSERT``: a key that exists is skipped (a
    retried task or a second batch creates nothing twice)."""
    if not drafts:
        return
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=draft.user_id,
                key=draft.key[:200],
                kind=draft.kind,
                title=draft.title[:200],
                body=draft.body,
                url=draft.url,
                email_wanted=draft.email,
                params=draft.params,
            )
            for draft in drafts
        ],
        ignore_conflicts=True,
    )


# --- reading ----------------------------------------------------------------------------------


def notification_mark_read(*, notification: Notification) -> Notification:
    Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    notification.refresh_from_db()
    return notification


def notifications_mark_all_read(*, user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- email ------------------------------------------------------------------------------------

EMAIL_BATCH = 200
EMAIL_MAX_AGE = timedelta(days=2)


def notifications_send_emails(*, limit: int = EMAIL_BATCH, now: datetime | None = None) -> int:
    """Email the notifications that want it, each once: a notification is claimed by a
    conditional update before sending and released if sending fails (for the next run).
    Notifications older than two days are not emailed any more (no backlog floods)."""
    now = now or timezone.now()
    pending = list(
        Notification.objects.filter(
            email_wanted=True, emailed_at__isnull=True, created_at__gte=now - EMAIL_MAX_AGE
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for pk in pending:
        if not Notification.objects.filter(pk=pk, emailed_at__isnull=True).update(emailed_at=now):
            continue  # another worker took it
        notification = Notification.objects.select_related("user").get(pk=pk)
        user = notification.user
        try:
            with translation.override(user.language):
                title = notification_title(notification)
            email_send(
                to=user.email,
                template="emails/notification",
                context={
                    "notification": notification,
                    "title": title,
                    "user": user,
                    "link": f"{settings.SITE_URL}{notification.url or '/'}",
                },
                language=user.language,
                time_zone=user.time_zone,
            )
        except Exception:
            Notification.objects.filter(pk=pk).update(emailed_at=None)
            logger.exception("Could not email notification %s; the next run retries", pk)
            continue
        sent += 1
    return sent
