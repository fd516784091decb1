"""The admin site: Django's, with every change made in it written to the audit trail.

Django's admin writes a ``LogEntry`` for each addition, change and deletion through
``ModelAdmin.log_addition`` / ``log_change`` / ``log_deletions``. ``AuditedAdminSite`` gives
every model admin registered on it (ours, and the libraries': groups, periodic tasks, login
limits) ``AdminChangesAudited``, which records the same as audit events in the same
transaction, with the before/after of each changed field and one event per changed inline row
(a team membership: ``membership.added`` / ``role_changed`` / ``removed``). No signal: the
admin's own hooks, on one site.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from accounts.models import Membership, User
from audit import services
from audit.models import AuditAction

HIDDEN = "(hidden)"  # what a secret field's before/after show
TEXT_LIMIT = 200
LIST_LIMIT = 50
_CHANGES = "_audit_admin_entries"  # the request attribute that carries them to log_*

# Inline rows with actions of their own (added, changed, removed) instead of admin.*.
INLINE_ACTIONS: dict[type[models.Model], tuple[AuditAction, AuditAction, AuditAction]] = {
    Membership: ("membership.added", "membership.role_changed", "membership.removed"),
}


def _plain(value: object) -> object:
    """A form value as JSON: a row as its id, several as a list, text cut short."""
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.date | dt.time | dt.timedelta | Decimal):
        return str(value)
    if isinstance(value, str):
        return value[:TEXT_LIMIT]
    if isinstance(value, Iterable) and not isinstance(value, bytes | dict):
        return [_plain(item) for item in list(value)[:LIST_LIMIT]]
    return str(value)[:TEXT_LIMIT]


def _secret(name: str, field: forms.Field | None) -> bool:
    if "password" in name or "secret" in name:
        return True
    return field is not None and isinstance(field.widget, forms.PasswordInput)


def form_changes(form: forms.BaseForm, *, add: bool) -> dict[str, list[object]]:
    """``{field: [before, after]}`` for the fields the form changed; secrets are hidden."""
    changes: dict[str, list[object]] = {}
    for name in form.changed_data:
        field = form.fields.get(name)
        if _secret(name, field):  # e.g. the admin's password form says "password" changed
            changes[name] = [HIDDEN, HIDDEN]
            continue
        if field is None:
            continue
        before = None if add else form.initial.get(name)
        changes[name] = [_plain(before), _plain(form.cleaned_data.get(name))]
    return changes


def _inline_entries(formset: Any) -> list[services.Entry]:
    """One entry per row an inline formset added, changed or deleted (the formset is saved)."""
    added, changed, removed = INLINE_ACTIONS.get(
        formset.model, ("admin.added", "admin.changed", "admin.deleted")
    )
    forms_by_row = {id(form.instance): form for form in formset.forms}
    entries: list[services.Entry] = []
    for obj in getattr(formset, "new_objects", []):
        form = forms_by_row.get(id(obj))
        changes = form_changes(form, add=True) if form is not None else {}
        entries.append(services.Entry(action=added, obj=obj, changes=changes))
    for obj, _fields in getattr(formset, "changed_objects", []):
        form = forms_by_row.get(id(obj))
        changes = form_changes(form, add=False) if form is not None else {}
        action = changed
        if formset.model in INLINE_ACTIONS and "role" not in changes:
            action = "admin.changed"
        entries.append(services.Entry(action=action, obj=obj, changes=changes))
    for obj in getattr(formset, "deleted_objects", []):
        form = forms_by_row.get(id(obj))
        if form is None:
            continue
        # Django cleared the deleted row's id; the form's data still has it.
        obj.pk = form.data.get(form.add_prefix(obj._meta.pk.name))
        changes = {
            name: [_plain(form.initial.get(name)), None]
            for name, field in form.fields.items()
            if name in form.initial and not _secret(name, field)
        }
        entries.append(services.Entry(action=removed, obj=obj, label=str(obj), changes=changes))
    return entries


class AdminChangesAudited:
    """A ``ModelAdmin`` mixin: what the admin logs is also an audit event (see the module)."""

    def construct_change_message(
        self, request: HttpRequest, form: Any, formsets: Any, add: bool = False
    ) -> Any:
        message = super().construct_change_message(  # type: ignore[misc]
            request, form, formsets, add
        )
        entries = [entry for formset in formsets or [] for entry in _inline_entries(formset)]
        setattr(request, _CHANGES, (form_changes(form, add=add), entries))
        return message

    def _audit(
        self, request: HttpRequest, action: AuditAction, objs: Sequence[models.Model], message: Any
    ) -> None:
        stashed: tuple[dict[str, list[object]], list[services.Entry]] = getattr(
            request, _CHANGES, ({}, [])
        )
        fields, inline = stashed
        if hasattr(request, _CHANGES):
            delattr(request, _CHANGES)  # one log call, one set of changes
        entries = [
            services.Entry(
                action=action,
                obj=obj,
                changes={**fields, "admin_message": message} if message else fields,
            )
            for obj in objs
        ]
        actor = request.user if isinstance(request.user, User) else None
        services.record_many(actor=actor, entries=[*entries, *inline], request=request)

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)  # type: ignore[misc]
        self._audit(request, "admin.added", [obj], message)
        return entry

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_change(request, obj, message)  # type: ignore[misc]
        self._audit(request, "admin.changed", [obj], message)
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        objs = list(queryset)  # logged before the rows go, so they still have their ids
        entries = super().log_deletions(request, objs)  # type: ignore[misc]
        self._audit(request, "admin.deleted", objs, "")
        return entries


def audited(admin_class: type[admin.ModelAdmin[Any]]) -> type[admin.ModelAdmin[Any]]:
    """``admin_class`` with ``AdminChangesAudited`` (itself if it has it already)."""
    if issubclass(admin_class, AdminChangesAudited):
        return admin_class
    return type(
        admin_class.__name__,
        (AdminChangesAudited, admin_class),
        {"__module__": admin_class.__module__, "__qualname__": admin_class.__qualname__},
    )


class AuditedAdminSite(admin.AdminSite):
    """The default admin site (``audit.admin_config.AuditedAdminConfig``)."""

    def register(
        self,
        model_or_iterable: Any,
        admin_class: type[admin.ModelAdmin[Any]] | None = None,
        **options: Any,
    ) -> None:
        super().register(model_or_iterable, audited(admin_class or admin.ModelAdmin), **options)
