"""Admin for skills, role profiles with targets, learner profiles and evidence."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from modeltranslation.admin import TranslationAdmin

from core.content import language_columns
from skills.models import LearnerProfile, RoleProfile, Skill, SkillEvidence, SkillTarget


@admin.register(Skill)
class SkillAdmin(TranslationAdmin):  # a name and description per language
    list_display = ("name", "slug", "position")
    list_editable = ("position",)
    search_fields = (*language_columns("name"), "slug")  # the name in every language
    prepopulated_fields = {"slug": ("name",)}


class SkillTargetInline(admin.TabularInline):
    model = SkillTarget
    extra = 0
    autocomplete_fields = ("skill",)


@admin.register(RoleProfile)
class RoleProfileAdmin(TranslationAdmin):
    list_display = ("name", "slug", "position")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (SkillTargetInline,)


@admin.register(LearnerProfile)
class LearnerProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "role_profile")
    list_select_related = ("user", "role_profile")
    list_filter = ("role_profile",)
    search_fields = ("user__email", "user__name")
    autocomplete_fields = ("user",)


@admin.register(SkillEvidence)
class SkillEvidenceAdmin(admin.ModelAdmin):
    list_display = ("user", "skill", "outcome", "weight", "source", "occurred_at")
    list_filter = ("source", "skill")
    list_select_related = ("user", "skill")
    search_fields = ("user__email",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
