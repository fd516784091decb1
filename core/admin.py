"""Admin plumbing shared by the apps: live Markdown preview for Markdown fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.http import HttpRequest

from core.markdown import MARKDOWN_MAX_CHARS

MARKDOWN_FIELDS = {"body"}


class MarkdownPreviewMixin:
    """Give Markdown text areas a live, sanitized preview (static/js/markdown_preview.js) and
    refuse a text longer than the renderer renders (``MARKDOWN_MAX_CHARS``)."""

    class Media:
        js = ("js/markdown_preview.js",)
        css = {"all": ("css/admin_markdown.css",)}

    def formfield_for_dbfield(
        self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        # a text per language (django-modeltranslation's ``body_en``, ``body_pl``) too
        name = getattr(getattr(db_field, "translated_field", None), "name", db_field.name)
        if name in MARKDOWN_FIELDS:
            kwargs["widget"] = forms.Textarea(
                attrs={"rows": 16, "data-markdown-preview": "1", "class": "vLargeTextField"}
            )
            kwargs["max_length"] = MARKDOWN_MAX_CHARS
        return super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
