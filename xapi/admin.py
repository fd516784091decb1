"""The outbox page for admins (/admin/xapi/statement/): the backlog, the failures with the
LRS's message, and a "retry" action."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from xapi import services
from xapi.models import Statement


@admin.register(Statement)
class StatementAdmin(admin.ModelAdmin):
    list_display = ("created_at", "verb", "state", "attempts", "next_try_at", "sent_at", "error")
    list_filter = ("state", "verb")
    search_fields = ("=statement_id",)
    date_hierarchy = "created_at"
    actions = ("retry",)
    fields = (
        "statement_id",
        "verb",
        "state",
        "attempts",
        "next_try_at",
        "sent_at",
        "created_at",
        "last_error",
        "statement",
    )
    readonly_fields = fields

    @admin.display(description=_("last error"))
    def error(self, obj: Statement) -> str:
        return obj.last_error[:120]

    @admin.display(description=_("statement"))
    def statement(self, obj: Statement) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, ensure_ascii=False))

    @admin.action(description=_("Retry the selected failed statements"))
    def retry(self, request: HttpRequest, queryset: QuerySet[Statement]) -> None:
        count = services.statements_retry(statements=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d failed statement will be sent again.",
                "%(count)d failed statements will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # statements are records of what happened
