"""Due dates are calendar days: "due 10 Dec" is 10 Dec for the lead who picked it and for every
learner, whatever their time zones. Whether a day is today, past or near is judged against the
viewer's own calendar: the profile zone of that person (``User.time_zone``), not the active
zone of the process (a Celery task, or an API call made with a token, has none).
"""

from __future__ import annotations

import zoneinfo
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from accounts.models import User


def zone_of(user: User | None) -> zoneinfo.ZoneInfo:
    """The person's profile zone; ``settings.TIME_ZONE`` for nobody (the system) or an unknown
    zone name."""
    try:
        return zoneinfo.ZoneInfo(user.time_zone if user is not None else settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local_today(user: User | None, *, now: datetime | None = None) -> date:
    """Today on the person's calendar (at ``now``, by default the current moment)."""
    return (now or timezone.now()).astimezone(zone_of(user)).date()


def day_of(moment: datetime, user: User | None) -> date:
    """The calendar day of ``moment`` for the person who sent it: an aware datetime is
    converted to their zone, a naive one is read as their wall clock (its own date)."""
    if timezone.is_naive(moment):
        return moment.date()
    return moment.astimezone(zone_of(user)).date()
