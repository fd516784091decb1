"""Readiness in the admin: read-only views of decisions (never edited) and the criteria, which
are edited on their own page (each edit a new version)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from readiness.models import Criteria, Decision


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Decision)
class DecisionAdmin(ReadOnly):
    list_display = ("person", "criteria", "outcome", "overridden", "decided_by", "decided_at")
    list_filter = ("outcome", "criteria")
    search_fields = ("person__email", "person__name")
    list_select_related = ("person", "criteria__role_profile", "decided_by")


@admin.register(Criteria)
class CriteriaAdmin(ReadOnly):
    list_display = ("role_profile", "created_at")
