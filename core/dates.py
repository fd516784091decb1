"""Dates as people pick them."""

from __future__ import annotations

from datetime import date, datetime, time

from django.utils import timezone


def end_of_day(day: date) -> datetime:
    """23:59:59 of ``day`` in the active time zone (the person choosing the date)."""
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))
