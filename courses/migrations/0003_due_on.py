"""A due date becomes a calendar day (``Assignment.due_on``), the same day for everyone.

``due_at`` held the end of the chosen day (23:59:59) in the time zone of whoever chose it, or
"now + N days" for the system's own rules. Each is converted to its calendar day **in the zone
of whoever set it**: the assigner's profile zone (``assigned_by``) when there is one; for an
onboarding assignment (``source=onboarding``, due at the end of the step's day in the new
hire's zone) the assignee's zone; otherwise (SOP changes, QA rules, quiz results: set by the
system) ``settings.TIME_ZONE``. An unknown zone name also falls back to ``settings.TIME_ZONE``.
So a day a lead picked in the form comes back exactly as picked.

Backwards: ``due_at`` is the end of ``due_on`` in that same zone. ``0004`` drops ``due_at``.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time
from typing import Any

from django.conf import settings
from django.db import migrations, models

BATCH = 1000


def _zone(name: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _setter_zone(assignment: Any) -> zoneinfo.ZoneInfo:
    if assignment.assigned_by_id is not None:
        return _zone(assignment.assigned_by.time_zone)
    if assignment.source == "onboarding":
        return _zone(assignment.user.time_zone)
    return _zone(None)


def _convert(apps: Any, *, forwards: bool) -> None:
    Assignment = apps.get_model("courses", "Assignment")
    dated = Assignment.objects.filter(
        **({"due_at__isnull": False} if forwards else {"due_on__isnull": False})
    )
    rows = (
        dated.select_related("user", "assigned_by")
        .only("pk", "source", "due_at", "due_on", "user__time_zone", "assigned_by__time_zone")
        .order_by("pk")
    )
    field = "due_on" if forwards else "due_at"
    batch = []
    for assignment in rows.iterator(chunk_size=BATCH):
        zone = _setter_zone(assignment)
        if forwards:
            assignment.due_on = assignment.due_at.astimezone(zone).date()
        else:
            assignment.due_at = datetime.combine(assignment.due_on, time(23, 59, 59), tzinfo=zone)
        batch.append(assignment)
        if len(batch) == BATCH:
            Assignment.objects.bulk_update(batch, [field])
            batch = []
    Assignment.objects.bulk_update(batch, [field])


def due_on_from_due_at(apps: Any, schema_editor: Any) -> None:
    _convert(apps, forwards=True)


def due_at_from_due_on(apps: Any, schema_editor: Any) -> None:
    _convert(apps, forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0002_sop_label"),
    ]

    operations = [
        migrations.AddField(
            model_name="assignment",
            name="due_on",
            field=models.DateField(
                blank=True,
                help_text="A calendar day: the same day for everyone, whatever their time zone.",
                null=True,
                verbose_name="due on",
            ),
        ),
        migrations.RunPython(due_on_from_due_at, due_at_from_due_on),
    ]
