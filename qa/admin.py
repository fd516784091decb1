"""Admin for training rules, QA findings and suggestions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from qa import services
from qa.models import QAFinding, ReviewCategory, ReviewSource, TrainingRule, TrainingSuggestion


@admin.register(TrainingRule)
class TrainingRuleAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "skill",
        "criterion",
        "module",
        "threshold",
        "window_days",
        "cooldown_days",
        "due_days",
        "mode",
        "holdout_percent",
        "is_active",
    )
    list_filter = ("mode", "is_active", "skill")
    list_select_related = ("skill", "module")
    search_fields = ("name", "criterion")
    autocomplete_fields = ("skill", "module")
    fieldsets = (
        (None, {"fields": ("name", "is_active", "mode")}),
        (
            _("When"),
            {
                "fields": (
                    "skill",
                    "criterion",
                    "review_source",
                    "threshold",
                    "window_days",
                    "cooldown_days",
                )
            },
        ),
        (_("Then"), {"fields": ("module", "due_days")}),
        (
            _("Hold-out (to measure whether the training works)"),
            {"fields": ("holdout_percent", "holdout_days")},
        ),
    )


@admin.register(QAFinding)
class QAFindingAdmin(admin.ModelAdmin):
    list_display = (
        "occurred_at",
        "agent",
        "interaction_ref",
        "criterion",
        "skill",
        "severity",
        "source",
    )
    list_filter = ("severity", "source", "skill")
    list_select_related = ("agent", "skill")
    search_fields = ("agent__email", "interaction_ref", "criterion")
    date_hierarchy = "occurred_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # recorded by leads (page, API or CSV) so that rules and evidence follow

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def delete_model(self, request: HttpRequest, obj: QAFinding) -> None:
        services.findings_delete(findings=QAFinding.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[QAFinding]) -> None:
        services.findings_delete(findings=queryset)


@admin.register(TrainingSuggestion)
class TrainingSuggestionAdmin(admin.ModelAdmin):
    list_display = ("agent", "module", "status", "created_at", "decided_by")
    list_filter = ("status",)
    list_select_related = ("agent", "module", "decided_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


class ReviewCategoryInline(admin.TabularInline):
    model = ReviewCategory
    fields = ("name", "skill", "ignored", "scale", "pass_mark", "critical", "weight")
    readonly_fields = ("name",)
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # categories come from previews (the lead's import page or the API)


@admin.register(ReviewSource)
class ReviewSourceAdmin(admin.ModelAdmin):
    """QA tool sources; leads edit them on their team's pages. The webhook secret is not
    here: it is shown once on the source's page when made."""

    list_display = ("name", "team", "shape", "webhook_enabled", "last_received_at")
    list_filter = ("shape", "webhook_enabled")
    list_select_related = ("team",)
    search_fields = ("name", "team__name")
    fields = (
        "team",
        "name",
        "shape",
        "columns",
        "agent_match",
        "encoding",
        "default_scale",
        "na_values",
        "webhook_enabled",
        "last_received_at",
    )
    readonly_fields = ("team", "last_received_at")
    inlines = (ReviewCategoryInline,)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # made by a lead for a team (the secret salt is drawn then)
