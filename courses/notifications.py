"""In-app notifications (and, when wanted, email). Each one has a unique key, so whoever
creates it twice (a retried task, two sweeps at once) still creates it once."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts.models import User
from courses.models import Notification


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
