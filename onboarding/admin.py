"""Admin for checklist templates and onboarding plans (start a plan from a template)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.errors import ValidationFailed
from onboarding import services
from onboarding.models import ChecklistItemTemplate, ChecklistTemplate, OnboardingPlan, PlanItem


class ChecklistItemForm(forms.ModelForm):
    class Meta:
        model = ChecklistItemTemplate
        fields = (
            "due_offset_days", "position", "title", "kind", "sop", "module", "quiz", "description",
        )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        needs = {"read_sop": "sop", "module": "module", "quiz": "quiz"}.get(cleaned.get("kind", ""))
        if needs and not cleaned.get(needs):
            self.add_error(needs, _("Choose what this step links to."))
        return cleaned


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItemTemplate
    form = ChecklistItemForm
    extra = 1
    fields = (
        "due_offset_days",
        "position",
        "title",
        "kind",
        "sop",
        "module",
        "quiz",
        "description",
        "completed_by",
    )
    readonly_fields = ("completed_by",)
    autocomplete_fields = ("sop", "module", "quiz")
    ordering = ("due_offset_days", "position")

    @admin.display(description=_("who completes it"))
    def completed_by(self, obj: ChecklistItemTemplate) -> str:
        return obj.completed_by if obj.pk else "—"


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ("name", "item_count", "created_at")
    search_fields = ("name",)
    inlines = (ChecklistItemInline,)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(n_items=Count("items"))

    @admin.display(description=_("steps"), ordering="n_items")
    def item_count(self, obj: ChecklistTemplate) -> int:
        return obj.n_items  # type: ignore[attr-defined]


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0
    fields = ("title", "kind", "due_on", "status", "completed_at", "completed_by", "comment")
    readonly_fields = fields
    can_delete = False
    ordering = ("due_offset_days", "position")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class PlanStartForm(forms.ModelForm):
    class Meta:
        model = OnboardingPlan
        fields = ("user", "template", "start_date")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("template"):
            self.add_error("template", _("Choose a checklist."))
        elif (
            cleaned.get("user")
            and OnboardingPlan.objects.filter(
                user=cleaned["user"], template=cleaned["template"], completed_at__isnull=True
            ).exists()
        ):
            self.add_error("user", _("This person already has an open plan from this checklist."))
        return cleaned


@admin.register(OnboardingPlan)
class OnboardingPlanAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "start_date", "completed_at")
    list_select_related = ("user",)
    search_fields = ("user__email", "user__name", "name")
    list_filter = ("template",)
    autocomplete_fields = ("user",)
    inlines = (PlanItemInline,)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is None:
            kwargs["form"] = PlanStartForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ("user", "template", "start_date")
        return ("user", "name", "template", "start_date", "created_by", "completed_at")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (
            ()
            if obj is None
            else ("user", "name", "template", "start_date", "created_by", "completed_at")
        )

    def get_inlines(self, request: HttpRequest, obj: Any = None) -> Any:
        return (PlanItemInline,) if obj is not None else ()

    def save_model(
        self, request: HttpRequest, obj: OnboardingPlan, form: Any, change: bool
    ) -> None:
        if change:
            return  # plans change only through their items
        try:
            plan = services.onboarding_plan_start(
                user=obj.user,
                template=obj.template,  # type: ignore[arg-type]
                start_date=obj.start_date,
                started_by=request.user,  # type: ignore[arg-type]
            )
        except ValidationFailed as exc:
            raise PermissionDenied(exc.message) from exc
        obj.pk = plan.pk
        obj.name = plan.name  # the admin's "was added" message names the plan
        obj._state.adding = False
