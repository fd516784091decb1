"""Authoring in Django admin: skills, role profiles, SOPs (draft → publish), modules, lessons.

Markdown fields get a live preview rendered by the same sanitizer the site uses. Published
SOP versions are read-only; publishing goes through ``services.sop_version_publish``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationStackedInline

from core.admin import MarkdownPreviewMixin
from core.content import language_columns
from courses import services
from courses.models import SOP, Assignment, Lesson, Module, SOPVersion


class SOPVersionInline(admin.TabularInline):
    model = SOPVersion
    fields = ("number", "status", "change_summary", "requires_reack", "published_at", "edit")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True
    ordering = ("-number",)

    @admin.display(description=_("open"))
    def edit(self, obj: SOPVersion) -> str:
        return format_html('<a href="../../sopversion/{}/change/">{}</a>', obj.pk, _("open"))

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(SOP)
class SOPAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "version_count")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}
    inlines = (SOPVersionInline,)
    change_list_template = "admin/courses/sop/change_list.html"  # adds "Import SOPs"

    def get_queryset(self, request: HttpRequest) -> Any:
        return (
            super()
            .get_queryset(request)
            .annotate(
                published_versions=Count(
                    "versions", filter=Q(versions__status=SOPVersion.Status.PUBLISHED)
                )
            )
        )

    @admin.display(description=_("versions"), ordering="published_versions")
    def version_count(self, obj: SOP) -> int:
        return obj.published_versions  # type: ignore[attr-defined]


class SOPVersionForm(forms.ModelForm):
    class Meta:
        model = SOPVersion
        fields = ("sop", "body", "change_summary", "requires_reack", "reack_scope", "skills")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        sop = cleaned.get("sop")
        if (
            self.instance.pk is None
            and sop is not None
            and sop.versions.filter(status="draft").exists()
        ):
            raise forms.ValidationError(
                _("This SOP already has a draft. Open and edit that draft instead.")
            )
        return cleaned


@admin.register(SOPVersion)
class SOPVersionAdmin(MarkdownPreviewMixin, admin.ModelAdmin):
    form = SOPVersionForm
    list_display = ("sop", "number", "status", "change_summary", "requires_reack", "published_at")
    list_filter = ("status", "requires_reack", "skills")
    list_select_related = ("sop",)
    filter_horizontal = ("skills",)
    search_fields = ("sop__title", "change_summary")
    autocomplete_fields = ("sop",)
    actions = ("publish",)
    change_form_template = "admin/courses/sopversion/change_form.html"

    def get_readonly_fields(self, request: HttpRequest, obj: SOPVersion | None = None) -> Any:
        if obj is not None and obj.is_published:
            return (
                "sop",
                "number",
                "status",
                "body",
                "change_summary",
                "requires_reack",
                "reack_scope",
                "skills",
                "published_at",
            )
        return ("number", "status", "published_at")

    def has_delete_permission(self, request: HttpRequest, obj: SOPVersion | None = None) -> bool:
        return obj is None or not obj.is_published

    def save_model(self, request: HttpRequest, obj: SOPVersion, form: Any, change: bool) -> None:
        if change and SOPVersion.objects.filter(pk=obj.pk, status="published").exists():
            raise PermissionDenied(_("A published version can't be changed."))
        draft = services.sop_draft_save(
            sop=obj.sop,
            body=obj.body,
            change_summary=obj.change_summary,
            requires_reack=obj.requires_reack,
            reack_scope=obj.reack_scope,
            by=request.user,  # type: ignore[arg-type]
        )  # the skills: the form's own save_m2m, after this
        obj.pk, obj.body_html = draft.pk, draft.body_html
        obj._state.adding = False
        if "_publish" in request.POST:
            published = services.sop_version_publish(version=draft)
            obj.refresh_from_db()
            messages.success(request, _("Published as version %(n)s.") % {"n": published.number})

    @admin.action(description=_("Publish the selected drafts"))
    def publish(self, request: HttpRequest, queryset: Any) -> None:
        drafts = queryset.filter(status=SOPVersion.Status.DRAFT)
        for version in drafts:
            services.sop_version_publish(version=version)
        messages.success(
            request,
            ngettext("%(n)d draft published.", "%(n)d drafts published.", len(drafts))
            % {"n": len(drafts)},
        )


class LessonInline(MarkdownPreviewMixin, TranslationStackedInline):  # a text per language
    model = Lesson
    extra = 0
    fields = ("position", "title", "body")
    ordering = ("position", "pk")


@admin.register(Module)
class ModuleAdmin(TranslationAdmin):  # a title and summary per language
    list_display = (
        "title",
        "slug",
        "completion_quiz",
        "estimated_minutes",
        "is_published",
        "position",
    )
    list_filter = ("is_published", "skills")
    list_select_related = ("completion_quiz",)
    search_fields = (*language_columns("title"), "slug")  # the title in every language
    prepopulated_fields = {"slug": ("title",)}
    filter_horizontal = ("skills", "sop_versions")
    autocomplete_fields = ("completion_quiz",)
    inlines = (LessonInline,)

    class Media:
        js = ("js/markdown_preview.js",)
        css = {"all": ("css/admin_markdown.css",)}

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Lesson:
            super().save_formset(request, form, formset, change)
            return
        lessons = formset.save(commit=False)
        for lesson in formset.deleted_objects:
            lesson.delete()
        for lesson in lessons:
            services.lesson_save(lesson=lesson)
        formset.save_m2m()


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "target", "source", "status", "due_on", "created_at")
    list_filter = ("status", "kind", "source")
    list_select_related = ("user", "module", "sop")
    search_fields = ("user__email", "user__name", "module__title", "sop__title", "reason")
    autocomplete_fields = ("user", "module", "sop", "assigned_by")
    raw_id_fields = ("sop_version",)
    date_hierarchy = "created_at"

    @admin.display(description=_("training"))
    def target(self, obj: Assignment) -> str:
        return obj.target_title
