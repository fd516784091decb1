"""A step's due date becomes a calendar day (``PlanItem.due_on``), the same day for everyone.

``due_at`` held the end of the step's day in the new hire's time zone at the time the plan
started; the day itself is the plan's start date plus the step's offset, so that is what
``due_on`` becomes (no time zone is involved, and a new hire who changed zone since keeps the
day the plan gave them).

Backwards: ``due_at`` is the end of ``due_on`` in the new hire's zone (``settings.TIME_ZONE``
for an unknown zone), as plans used to compute it. ``0004`` drops ``due_at``.
"""

from __future__ import annotations

import zoneinfo
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import migrations, models

BATCH = 1000


def _zone(name: str | None) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _convert(apps: Any, *, forwards: bool) -> None:
    PlanItem = apps.get_model("onboarding", "PlanItem")
    rows = (
        PlanItem.objects.select_related("plan", "plan__user")
        .only(
            "pk", "due_offset_days", "due_at", "due_on", "plan__start_date", "plan__user__time_zone"
        )
        .order_by("pk")
    )
    field = "due_on" if forwards else "due_at"
    batch = []
    for item in rows.iterator(chunk_size=BATCH):
        if forwards:
            item.due_on = item.plan.start_date + timedelta(days=item.due_offset_days)
        else:
            zone = _zone(item.plan.user.time_zone)
            item.due_at = datetime.combine(item.due_on, time(23, 59, 59), tzinfo=zone)
        batch.append(item)
        if len(batch) == BATCH:
            PlanItem.objects.bulk_update(batch, [field])
            batch = []
    PlanItem.objects.bulk_update(batch, [field])


def due_on_from_start_date(apps: Any, schema_editor: Any) -> None:
    _convert(apps, forwards=True)


def due_at_from_due_on(apps: Any, schema_editor: Any) -> None:
    _convert(apps, forwards=False)


class Migration(migrations.Migration):
    dependencies = [
        ("onboarding", "0002_sop_label"),
    ]

    operations = [
        migrations.AddField(
            model_name="planitem",
            name="due_on",
            field=models.DateField(
                help_text="A calendar day: the same day for everyone, whatever their time zone.",
                null=True,
                verbose_name="due on",
            ),
        ),
        # Nullable first, so that going backwards re-adds it empty before filling it.
        migrations.AlterField(
            model_name="planitem", name="due_at", field=models.DateTimeField(null=True)
        ),
        migrations.RunPython(due_on_from_start_date, due_at_from_due_on),
    ]
