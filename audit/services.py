"""Writes of the audit trail: recording events, and the retention purge.

Every app that changes something that matters to a person's record calls ``record`` (or
``record_many``) inside the transaction of the change: one INSERT, no read, so a rollback
removes the event with the change and a request's statement count grows by one per event
(``record_many``: one per batch of events). accounts, the layer below, announces its changes
through ``accounts.hooks.account_changed`` instead (subscribed in ``AuditConfig.ready``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models.functions import Cast
from django.http import HttpRequest
from django.utils import timezone

from accounts.hooks import AccountChanged
from accounts.models import User
from audit.context import RequestContext, context_of, current
from audit.models import AuditAction, AuditEvent

PURGE_BATCH = 5000


@dataclass(frozen=True)
class Entry:
    """One event of a ``record_many`` batch."""

    action: AuditAction
    obj: models.Model | None = None
    label: str | None = None
    changes: Mapping[str, object] | None = None


def record(
    *,
    actor: User | None,
    action: AuditAction,
    obj: models.Model | None = None,
    label: str | None = None,
    changes: Mapping[str, object] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``obj``, in the caller's transaction (one
    INSERT, nothing read).

    ``actor=None``: the person signed in on the current request, or nobody (the system: a
    Celery task, a command, a webhook). ``label`` names ``obj`` (default ``str(obj)``: pass one
    when that would read a relation). ``changes``: the before/after of the changed fields,
    ``{"role": ["member", "lead"]}``, or the figures of the event (an import's counts); any
    JSON value, dates included. The address and request id come from ``request`` or the
    current request (``AuditContextMiddleware``).
    """
    event = _event(
        actor=actor,
        entry=Entry(action=action, obj=obj, label=label, changes=changes),
        context=_context(request),
    )
    event.save()
    return event


def record_many(
    *, actor: User | None, entries: Sequence[Entry], request: HttpRequest | None = None
) -> list[AuditEvent]:
    """``record`` for several events at once: one INSERT for all of them (none if empty)."""
    context = _context(request)
    events = [_event(actor=actor, entry=entry, context=context) for entry in entries]
    if events:
        AuditEvent.objects.bulk_create(events)
    return events


def _context(request: HttpRequest | None) -> RequestContext | None:
    """The current request's context, or ``request``'s when another one is named."""
    context = current()
    if request is None:
        return context
    request = getattr(request, "_request", request)  # a DRF Request wraps Django's
    if context is not None and context.request is request:
        return context
    return context_of(request)


def _event(*, actor: User | None, entry: Entry, context: RequestContext | None) -> AuditEvent:
    if actor is None and context is not None:
        actor = context.user
    obj = entry.obj
    label = entry.label if entry.label is not None else (str(obj) if obj is not None else "")
    return AuditEvent(
        actor=actor,
        actor_label=actor.email if actor is not None else "",
        action=entry.action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_label=label[:200],
        changes=dict(entry.changes or {}),
        ip=context.ip if context is not None else None,
        request_id=context.request_id if context is not None else "",
    )


def on_account_changed(event: AccountChanged) -> None:
    """``accounts.account_changed``: the accounts app's changes, in its transaction."""
    record(
        actor=event.actor,
        action=event.action,
        obj=event.obj,
        label=event.label or None,
        changes=event.changes,
    )


def events_purge(*, now: datetime | None = None, batch: int = PURGE_BATCH) -> int:
    """Delete the events older than ``AUDIT_RETENTION_DAYS`` (0: keep all), ``batch`` rows per
    transaction, oldest first; returns how many. The only deletion of audit events; a second
    run finds nothing to do."""
    days = settings.AUDIT_RETENTION_DAYS
    if days <= 0:
        return 0
    cutoff = (now or timezone.now()) - timedelta(days=days)
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(
                AuditEvent.objects.filter(at__lt=cutoff)
                .order_by("at", "id")
                .values_list("pk", flat=True)[:batch]
            )
            if not ids:
                return deleted
            if connection.vendor == "postgresql":
                # The append-only trigger (migration 0002) lets this transaction delete.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL audit.purging = 'on'")
            deleted += AuditEvent.objects.filter(pk__in=ids).purge()


REDACTED = "[erased]"


def events_redact(*, actor: User | None, texts: list[str], actors: Sequence[int] = ()) -> int:
    """An erasure: people leave the trail. Their own events (``actor``, or the ids in
    ``actors``) lose the actor, the label (``REDACTED``) and the address; any event whose
    label or changes name them (``texts``: names, emails) has those replaced by ``REDACTED``.
    The only change to an audit event besides the purge. At most three statements (and the
    ``SET LOCAL``) whatever the number of people; returns how many rows changed."""
    if connection.vendor == "postgresql":
        # The append-only trigger (migration 0003) lets this transaction redact.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL audit.redacting = 'on'")
    changed = 0
    ids = [*actors, *([actor.pk] if actor is not None else [])]
    if ids:
        changed += AuditEvent.objects.filter(actor_id__in=ids).redact(
            actor=None, actor_label=REDACTED, ip=None
        )
    if not texts:
        return changed
    mentions = models.Q()
    for text in texts:
        mentions |= (
            models.Q(actor_label__contains=text)
            | models.Q(object_label__contains=text)
            | models.Q(_changes__contains=text)
        )
    events = list(
        AuditEvent.objects.annotate(_changes=Cast("changes", models.TextField())).filter(mentions)
    )
    if not events:
        return changed
    values: dict[str, list[models.When]] = {"actor_label": [], "object_label": [], "changes": []}
    for event in events:
        values["actor_label"].append(
            models.When(pk=event.pk, then=models.Value(_replaced(event.actor_label, texts)))
        )
        values["object_label"].append(
            models.When(pk=event.pk, then=models.Value(_replaced(event.object_label, texts)))
        )
        values["changes"].append(
            models.When(
                pk=event.pk,
                then=models.Value(_replaced(event.changes, texts), output_field=models.JSONField()),
            )
        )
    AuditEvent.objects.filter(pk__in=[e.pk for e in events]).redact(
        actor_label=models.Case(*values["actor_label"], output_field=models.CharField()),
        object_label=models.Case(*values["object_label"], output_field=models.CharField()),
        changes=models.Case(*values["changes"], output_field=models.JSONField()),
    )
    return changed + len(events)


_T = TypeVar("_T")


def _replaced(value: _T, texts: Sequence[str]) -> _T:
    """``value`` (a string, or any JSON) with each of ``texts`` replaced by ``REDACTED``."""
    if isinstance(value, str):
        for text in texts:
            value = value.replace(text, REDACTED)  # type: ignore[assignment]
        return value
    if isinstance(value, list):
        return [_replaced(v, texts) for v in value]  # type: ignore[return-value]
    if isinstance(value, dict):
        return {_replaced(k, texts): _replaced(v, texts) for k, v in value.items()}  # type: ignore[return-value]
    return value
