"""Authoring quizzes in Django admin.

A quiz's questions live in versions. A version that has attempts is read-only; "Edit
questions" on the quiz opens the newest version, or a fresh copy of it when it has attempts,
so earlier results never change. Publishing checks the version first.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from assessments import question_bank, selectors, services
from assessments.api import export_response
from assessments.models import (
    Attempt,
    CandidateInvitation,
    Choice,
    ChoiceTranslation,
    ItemStatistic,
    Question,
    QuestionTranslation,
    Quiz,
    QuizVersion,
    ResultBand,
    ResultBandTranslation,
)
from core.admin import MarkdownPreviewMixin
from core.errors import DomainError, ValidationFailed
from core.markdown import MARKDOWN_MAX_CHARS
from core.shortcuts import or_404

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"  # options beyond Z are not labelled
MARKDOWN_MEDIA = {"js": ("js/markdown_preview.js",), "css": {"all": ("css/admin_markdown.css",)}}


class LockedVersionMixin:
    """Inlines and pages of a version with attempts become read-only."""

    def _locked(self, obj: Any) -> bool:
        version = obj if isinstance(obj, QuizVersion) else getattr(obj, "version", None)
        return (
            version is not None
            and version.pk is not None
            and services.quiz_version_is_locked(version)
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_add_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not self._locked(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]


@admin.register(Quiz)
class QuizAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "slug",
        "purpose",
        "is_published",
        "versions_link",
        "question_bank_links",
    )
    list_filter = ("purpose", "is_published")
    search_fields = ("title", "slug")
    prepopulated_fields = {"slug": ("title",)}

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<id:quiz_id>/edit-questions/",
                self.admin_site.admin_view(self.edit_questions),
                name="assessments_quiz_edit_questions",
            ),
            path(
                "<id:quiz_id>/export-gift/",
                self.admin_site.admin_view(self.export_gift),
                name="assessments_quiz_export_gift",
            ),
            *super().get_urls(),
        ]

    def edit_questions(self, request: HttpRequest, quiz_id: int) -> HttpResponse:
        """The newest version if nobody took it; otherwise confirm, then copy it (on POST)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        quiz = get_object_or_404(Quiz, pk=quiz_id)
        latest = quiz.versions.order_by("-number").first()
        if latest is not None and not services.quiz_version_is_locked(latest):
            return HttpResponseRedirect(
                reverse("admin:assessments_quizversion_change", args=[latest.pk])
            )
        if request.method != "POST":
            return TemplateResponse(
                request,
                "admin/assessments/quiz/new_version_confirm.html",
                {
                    **self.admin_site.each_context(request),
                    "title": _("Edit the questions of “%(quiz)s”") % {"quiz": quiz.title},
                    "quiz": quiz,
                    "latest": latest,
                },
            )
        version = services.quiz_version_for_editing(quiz=quiz)
        if latest is not None and version.pk != latest.pk:
            # Only a copy of a version people took: a quiz's first version has nothing to name.
            messages.info(
                request,
                _("People have taken version %(old)s, so your edits go into a new version %(new)s.")
                % {"old": latest.number, "new": version.number},
            )
        return HttpResponseRedirect(
            reverse("admin:assessments_quizversion_change", args=[version.pk])
        )

    def export_gift(self, request: HttpRequest, quiz_id: int) -> HttpResponse:
        """The newest version's questions as a GIFT file (``?format=aiken`` for Aiken,
        ``?version=N`` for another version)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        version = or_404(
            selectors.quiz_version_for_export,
            user=request.user,  # type: ignore[arg-type]
            quiz_id=quiz_id,
            number=request.GET.get("version"),
        )
        try:
            export = question_bank.question_bank_export_file(
                version=version, file_format=request.GET.get("format", "gift")
            )
        except ValidationFailed as exc:
            self.message_user(request, exc.message, level=messages.ERROR)
            return HttpResponseRedirect(reverse("admin:assessments_quiz_changelist"))
        return export_response(export)

    @admin.display(description=_("question bank"))
    def question_bank_links(self, obj: Quiz) -> str:
        return format_html(
            '<a href="{}?quiz={}">{}</a> · <a href="{}">{}</a> · <a href="{}?format=aiken">{}</a>',
            reverse("assessments:question_import"),
            obj.pk,
            _("Import questions (GIFT or Aiken)"),
            reverse("admin:assessments_quiz_export_gift", args=[obj.pk]),
            _("Export (GIFT)"),
            reverse("admin:assessments_quiz_export_gift", args=[obj.pk]),
            _("Export (Aiken)"),
        )

    @admin.display(description=_("questions"))
    def versions_link(self, obj: Quiz) -> str:
        url = reverse("admin:assessments_quiz_edit_questions", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Edit questions"))


class QuestionInline(LockedVersionMixin, MarkdownPreviewMixin, admin.StackedInline):
    model = Question
    extra = 0
    fields = ("position", "text", "kind", "weight", "skills")
    filter_horizontal = ("skills",)
    show_change_link = True
    ordering = ("position", "pk")

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "text":
            from django import forms

            kwargs["widget"] = forms.Textarea(
                attrs={"rows": 5, "data-markdown-preview": "1", "class": "vLargeTextField"}
            )
            return db_field.formfield(max_length=MARKDOWN_MAX_CHARS, **kwargs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class BandInline(LockedVersionMixin, admin.TabularInline):
    model = ResultBand
    extra = 0
    fields = ("min_score", "max_score", "label", "message")


class VersionTranslationForm(forms.Form):
    """Every text of a version in one language, each field showing the original as help."""

    def __init__(self, *args: Any, version: QuizVersion, language: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.sections: list[tuple[Any, list[str]]] = []
        existing = {
            "version": {t.language: t for t in version.translations.all()},
        }
        mine = existing["version"].get(language)
        self._add(
            _("Quiz"),
            [
                ("title", _("Title"), version.quiz.title, mine.title if mine else "", False),
                (
                    "description",
                    _("Description"),
                    version.quiz.description,
                    mine.description if mine else "",
                    True,
                ),
            ],
        )
        questions = version.questions.prefetch_related(
            Prefetch(
                "translations", queryset=QuestionTranslation.objects.filter(language=language)
            ),
            Prefetch(
                "choices__translations",
                queryset=ChoiceTranslation.objects.filter(language=language),
            ),
        )
        for number, question in enumerate(questions, start=1):
            done = next(iter(question.translations.all()), None)
            fields: list[tuple[str, Any, str, str, bool]] = [
                (f"q{question.pk}", _("Scenario"), question.text, done.text if done else "", True),
            ]
            if question.general_feedback:
                fields.append(
                    (
                        f"qf{question.pk}",
                        _("General feedback"),
                        question.general_feedback,
                        done.general_feedback if done else "",
                        True,
                    )
                )
            for letter, choice in zip(LETTERS, question.choices.all(), strict=False):
                choice_done = next(iter(choice.translations.all()), None)
                fields.append(
                    (
                        f"c{choice.pk}",
                        _("Option %(letter)s") % {"letter": letter},
                        choice.text,
                        choice_done.text if choice_done else "",
                        False,
                    )
                )
                if choice.explanation:
                    fields.append(
                        (
                            f"ce{choice.pk}",
                            _("Explanation %(letter)s") % {"letter": letter},
                            choice.explanation,
                            choice_done.explanation if choice_done else "",
                            True,
                        )
                    )
            self._add(_("Question %(n)d") % {"n": number}, fields)
        bands = version.bands.prefetch_related(
            Prefetch(
                "translations", queryset=ResultBandTranslation.objects.filter(language=language)
            )
        )
        band_fields = []
        for band in bands:
            done_band = next(iter(band.translations.all()), None)
            band_fields += [
                (
                    f"b{band.pk}",
                    _("Label"),
                    band.label,
                    done_band.label if done_band else "",
                    False,
                ),
                (
                    f"bm{band.pk}",
                    _("Message"),
                    band.message,
                    done_band.message if done_band else "",
                    True,
                ),
            ]
        if band_fields:
            self._add(_("Result bands"), band_fields)

    def _add(self, title: Any, fields: list[tuple[str, Any, str, str, bool]]) -> None:
        for name, label, original, current, long in fields:
            widget = (
                forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"})
                if long
                else forms.TextInput(attrs={"class": "vLargeTextField"})
            )
            self.fields[name] = forms.CharField(
                label=label,
                required=False,
                initial=current,
                widget=widget,
                help_text=original,
                max_length=None if long else 500,
            )
        self.sections.append((title, [name for name, *_rest in fields]))

    def texts(self) -> services.VersionTexts:
        data = self.cleaned_data

        def pairs(prefix: str, second: str) -> dict[int, tuple[str, str]]:
            return {
                int(name[len(prefix) :]): (value, data.get(f"{second}{name[len(prefix) :]}", ""))
                for name, value in data.items()
                if name.startswith(prefix) and name[len(prefix) :].isdigit()
            }

        return services.VersionTexts(
            title=data.get("title", ""),
            description=data.get("description", ""),
            questions=pairs("q", "qf"),
            choices=pairs("c", "ce"),
            bands=pairs("b", "bm"),
        )

    def bound_sections(self) -> list[tuple[Any, list[Any]]]:
        return [(title, [self[name] for name in names]) for title, names in self.sections]


@admin.register(QuizVersion)
class QuizVersionAdmin(LockedVersionMixin, admin.ModelAdmin):
    list_display = ("quiz", "number", "published_at", "time_limit_minutes", "attempt_count")
    list_select_related = ("quiz",)

    def get_queryset(self, request: HttpRequest) -> Any:
        return super().get_queryset(request).annotate(n_attempts=Count("attempts"))

    search_fields = ("quiz__title",)
    readonly_fields = ("quiz", "number", "published_at", "item_statistics", "translations_links")
    fieldsets = (
        (None, {"fields": ("quiz", "number", "published_at")}),
        (_("Languages"), {"fields": ("language", "translations_links")}),
        (
            _("Rules"),
            {
                "fields": (
                    "time_limit_minutes",
                    "grace_seconds",
                    "attempts_allowed",
                    "pass_percent",
                    "shuffle_questions",
                    "shuffle_choices",
                )
            },
        ),
        (
            _("Review policy"),
            {
                "fields": (
                    "review_when",
                    "closes_at",
                    "review_score",
                    "review_correctness",
                    "review_explanations",
                )
            },
        ),
        (_("Item analysis"), {"fields": ("item_statistics",)}),
    )
    inlines = (QuestionInline, BandInline)
    change_form_template = "admin/assessments/quizversion/change_form.html"

    class Media:
        js = MARKDOWN_MEDIA["js"]
        css = MARKDOWN_MEDIA["css"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # versions come from "Edit questions" on the quiz

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_staff

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "language":
            return forms.ChoiceField(
                label=db_field.verbose_name,
                choices=settings.LANGUAGES,
                help_text=db_field.help_text,
                required=False,  # a form without it keeps the version's language
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def get_urls(self) -> list[Any]:
        return [
            path(
                "<id:version_id>/translate/<str:language>/",
                self.admin_site.admin_view(self.translate),
                name="assessments_quizversion_translate",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("translations"))
    def translations_links(self, obj: QuizVersion) -> str:
        if obj.pk is None:
            return ""
        offered = selectors.quiz_version_languages(obj)
        links = [
            format_html(
                '<li><a href="{}">{}</a> · {}</li>',
                reverse("admin:assessments_quizversion_translate", args=[obj.pk, code]),
                name,
                _("offered") if code in offered else _("not complete: not offered yet"),
            )
            for code, name in settings.LANGUAGES
            if code != obj.language
        ]
        return format_html("<ul>{}</ul>", format_html_join("", "{}", ((link,) for link in links)))

    def translate(self, request: HttpRequest, version_id: int, language: str) -> HttpResponse:
        """Every text of the version in ``language``, the original beside each field."""
        version = get_object_or_404(QuizVersion.objects.select_related("quiz"), pk=version_id)
        if not self.has_view_permission(request, version) or language not in dict(
            settings.LANGUAGES
        ):
            raise PermissionDenied
        form = VersionTranslationForm(request.POST or None, version=version, language=language)
        if request.method == "POST":
            if not request.user.has_perm("assessments.change_quizversion"):
                raise PermissionDenied
            if form.is_valid():
                try:
                    offered = services.quiz_version_translation_save(
                        version=version, language=language, texts=form.texts()
                    )
                except DomainError as exc:
                    messages.error(request, exc.message)
                else:
                    messages.success(
                        request,
                        _("Saved. Offered in: %(languages)s.") % {"languages": ", ".join(offered)},
                    )
                    return HttpResponseRedirect(
                        reverse("admin:assessments_quizversion_change", args=[version.pk])
                    )
        return TemplateResponse(
            request,
            "admin/assessments/quizversion/translate.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Translate “%(quiz)s” v%(n)s into %(language)s")
                % {
                    "quiz": version.quiz.title,
                    "n": version.number,
                    "language": dict(settings.LANGUAGES)[language],
                },
                "version": version,
                "language": language,
                "form": form,
                "opts": QuizVersion._meta,
            },
        )

    @admin.display(description=_("attempts"), ordering="n_attempts")
    def attempt_count(self, obj: QuizVersion) -> int:
        return obj.n_attempts  # type: ignore[attr-defined]

    @admin.display(description=_("per question"))
    def item_statistics(self, obj: QuizVersion) -> str:
        stats = ItemStatistic.objects.filter(question__version=obj).select_related("question")
        rows = [
            {
                "position": s.question.position,
                "attempts": s.attempts,
                "facility": 100 * s.facility,
                "discrimination_index": s.discrimination_index,
                "discriminative_efficiency": s.discriminative_efficiency,
                "few_attempts": s.few_attempts,
            }
            for s in stats.order_by("question__position", "question__pk")
        ]
        return render_to_string(
            "admin/assessments/quizversion/item_statistics.html",
            {
                "rows": rows,
                "min_attempts": services.ITEM_ANALYSIS_MIN_ATTEMPTS,
                "few_attempts": services.ITEM_ANALYSIS_FEW_ATTEMPTS,
            },
        )

    def save_model(self, request: HttpRequest, obj: QuizVersion, form: Any, change: bool) -> None:
        if not obj.language:
            obj.language = form.initial.get("language") or settings.LANGUAGE_CODE
        super().save_model(request, obj, form, change)
        # not errors: the author may mean it, but should know what the policy gives away
        for warning in selectors.quiz_version_review_warnings(obj):
            messages.warning(request, warning)

    def response_change(self, request: HttpRequest, obj: QuizVersion) -> HttpResponse:
        if "_publish" in request.POST:
            try:
                services.quiz_version_publish(version=obj)
            except ValidationFailed as exc:
                for problem in exc.field_errors.get("non_field_errors", [exc.message]):
                    messages.error(request, problem)
                return HttpResponseRedirect(request.path)
            messages.success(request, _("Version %(n)s is published.") % {"n": obj.number})
        return super().response_change(request, obj)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is not Question:
            super().save_formset(request, form, formset, change)
            return
        questions = formset.save(commit=False)
        for question in formset.deleted_objects:
            question.delete()
        for question in questions:
            services.question_save(question=question)
        formset.save_m2m()


class ChoiceForm(forms.ModelForm):
    class Meta:
        model = Choice
        fields = ("position", "text", "is_correct", "fraction", "value", "tolerance", "explanation")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("fraction") is not None:
            cleaned["is_correct"] = cleaned["fraction"] > 0  # a weight says what is right
        return cleaned


class ChoiceInline(LockedVersionMixin, admin.TabularInline):
    """Choices; for short-answer questions the accepted answers, for numerical ones the
    values with their tolerance. A weight, when given, decides "correct"."""

    model = Choice
    form = ChoiceForm
    extra = 3
    fields = ("position", "text", "is_correct", "fraction", "value", "tolerance", "explanation")


@admin.register(Question)
class QuestionAdmin(LockedVersionMixin, MarkdownPreviewMixin, admin.ModelAdmin):
    list_display = ("__str__", "version", "kind", "weight")
    list_select_related = ("version__quiz",)
    search_fields = ("text",)
    fields = ("version", "position", "name", "text", "kind", "weight", "general_feedback", "skills")
    readonly_fields = ("version",)
    filter_horizontal = ("skills",)
    inlines = (ChoiceInline,)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # questions are added on their version's page

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_staff

    def save_model(self, request: HttpRequest, obj: Question, form: Any, change: bool) -> None:
        services.question_save(question=obj)

    def response_post_save_change(
        self, request: HttpRequest, obj: Question
    ) -> HttpResponseRedirect:
        """Save goes back to the version's questions, not to the list of every question."""
        return HttpResponseRedirect(
            reverse("assessments:authoring_questions", args=[obj.version_id])
            + f"#question-{obj.pk}"
        )


@admin.register(CandidateInvitation)
class CandidateInvitationAdmin(admin.ModelAdmin):
    list_display = ("email", "quiz", "team", "invited_by", "created_at", "expires_at", "revoked_at")
    list_select_related = ("quiz", "team", "invited_by")
    search_fields = ("email", "name")
    readonly_fields = ("sent_at", "created_at", "erased_at", "personal_data")
    autocomplete_fields = ("team", "invited_by")

    @admin.display(description=_("export or erase"))
    def personal_data(self, obj: CandidateInvitation) -> str:
        """Links to the candidate's export and erasure (docs/privacy.md)."""
        if obj.pk is None or obj.erased_at is not None:
            return "–"
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("privacy:candidate_export", args=[obj.pk]),
            _("Download their data (ZIP)"),
            reverse("privacy:candidate_data_link", args=[obj.pk]),
            _("Email them a link to their data…"),
            reverse("privacy:candidate_erase", args=[obj.pk]),
            _("Erase their personal data…"),
        )


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ("id", "quiz", "user", "invitation", "status", "score", "band", "started_at")
    list_filter = ("status", "quiz")
    list_select_related = ("quiz", "user", "invitation", "band")
    search_fields = ("user__email", "invitation__email")
    date_hierarchy = "started_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # results never change by hand

    def delete_model(self, request: HttpRequest, obj: Attempt) -> None:
        services.attempts_delete(attempts=Attempt.objects.filter(pk=obj.pk))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Attempt]) -> None:
        services.attempts_delete(attempts=queryset)
