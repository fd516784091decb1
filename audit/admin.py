"""The audit trail for admins (/admin/audit/auditevent/): filter by action, person, kind of
object and date, search, and export what is shown as CSV. Read-only for everyone, superusers
included: no adding, changing or deleting here (see ``audit.models``)."""

from __future__ import annotations

import json
from typing import Any

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import HttpRequest, StreamingHttpResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from audit import selectors
from audit.models import ACTION_LABELS, AuditEvent
from core.csv_export import csv_response


def object_type_label(object_type: str) -> str:
    """``courses.sopversion`` as its model's name ("SOP version"), in the reader's language."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name)
    except (LookupError, ValueError):
        return object_type


class ActionFilter(admin.SimpleListFilter):
    title = _("action")
    parameter_name = "action"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(code, str(label)) for code, label in ACTION_LABELS.items()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(action=self.value()) if self.value() else queryset


class ObjectTypeFilter(admin.SimpleListFilter):
    title = _("object type")
    parameter_name = "object_type"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(t, object_type_label(t)) for t in selectors.object_types_recorded()]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.filter(object_type=self.value()) if self.value() else queryset


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "actor_label", "action_name", "object_type_name", "object_label", "ip")
    list_filter = (
        ActionFilter,
        ObjectTypeFilter,
        ("actor", admin.RelatedOnlyFieldListFilter),
        ("at", admin.DateFieldListFilter),
    )
    search_fields = ("actor_label", "object_label", "=object_id", "action", "=request_id")
    date_hierarchy = "at"
    list_per_page = 100
    fields = (
        "at",
        "actor",
        "actor_label",
        "action_name",
        "object_type_name",
        "object_id",
        "object_label",
        "changes_pretty",
        "ip",
        "request_id",
    )
    readonly_fields = fields

    @admin.display(description=_("action"), ordering="action")
    def action_name(self, obj: AuditEvent) -> str:
        return obj.action_label

    @admin.display(description=_("object type"), ordering="object_type")
    def object_type_name(self, obj: AuditEvent) -> str:
        return object_type_label(obj.object_type)

    @admin.display(description=_("changes"))
    def changes_pretty(self, obj: AuditEvent) -> str:
        text = json.dumps(obj.changes, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder)
        return format_html("<pre>{}</pre>", text)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name="audit_auditevent_export",
        )
        return [export, *super().get_urls()]

    def export_view(self, request: HttpRequest) -> StreamingHttpResponse:
        """The events the list shows (its filters and search, every page) as a CSV file."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        events = self.get_changelist_instance(request).queryset
        header = [
            gettext("When"),
            gettext("Who (id)"),
            gettext("Who"),
            gettext("Action"),
            gettext("Object type"),
            gettext("Object id"),
            gettext("Object"),
            gettext("Changes"),
            gettext("IP address"),
            gettext("Request id"),
        ]
        filename = f"audit-{timezone.localdate():%Y-%m-%d}.csv"
        return csv_response(filename, header, selectors.events_csv_rows(events))
