"""Reads of the audit trail: who changed an object, the kinds of objects recorded, CSV rows."""

from __future__ import annotations

import json
from collections.abc import Iterator

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import QuerySet

from audit.models import AuditEvent

CSV_CHUNK = 2000


def events_for(*, obj: models.Model) -> QuerySet[AuditEvent]:
    """The events recorded about ``obj``, newest first: "who changed this?"."""
    return AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


def object_types_recorded() -> list[str]:
    """The kinds of object the trail names (``app_label.model``), for the admin's filter."""
    return sorted(
        AuditEvent.objects.exclude(object_type="")
        .order_by()
        .values_list("object_type", flat=True)
        .distinct()
    )


def events_csv_rows(events: QuerySet[AuditEvent]) -> Iterator[list[str]]:
    """``events`` as CSV rows (``audit.admin.CSV_HEADER``), streamed in chunks: one query per
    2,000 rows, whatever the number of actors or objects (labels are stored on the row)."""
    fields = (
        "at",
        "actor_id",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "object_label",
        "changes",
        "ip",
        "request_id",
    )
    for row in events.values_list(*fields).iterator(chunk_size=CSV_CHUNK):
        at, actor_id, actor_label, action, object_type, object_id, label, changes, ip, rid = row
        yield [
            at.isoformat(),
            "" if actor_id is None else str(actor_id),
            actor_label,
            action,
            object_type,
            object_id,
            label,
            json.dumps(changes, ensure_ascii=False, sort_keys=True, cls=DjangoJSONEncoder),
            ip or "",
            rid,
        ]
