"""A quiz version's texts in another language: translation rows beside the questions, choices
and bands, so the questions, keys and skills stay one set of rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings
from django.db import models, transaction
from django.utils.translation import gettext as _

from assessments.models import (
    Choice,
    ChoiceTranslation,
    QuestionTranslation,
    QuizVersion,
    QuizVersionTranslation,
    ResultBandTranslation,
)
from assessments.selectors import (
    quiz_version_languages,
)
from core.errors import Conflict, ValidationFailed
from core.markdown import render_markdown


@dataclass(frozen=True)
class VersionTexts:
    """A version's texts in one language, keyed by the ids of the rows they translate:
    ``questions`` {id: (scenario Markdown, general feedback)}, ``choices`` {id: (text,
    explanation)}, ``bands`` {id: (label, message)}. An empty text removes that translation
    (the language is then no longer offered)."""

    title: str
    description: str = ""
    questions: dict[int, tuple[str, str]] = field(default_factory=dict)
    choices: dict[int, tuple[str, str]] = field(default_factory=dict)
    bands: dict[int, tuple[str, str]] = field(default_factory=dict)


@transaction.atomic
def quiz_version_translation_save(
    *, version: QuizVersion, language: str, texts: VersionTexts
) -> list[str]:
    """Write ``version``'s texts in ``language`` (creating or replacing each row); returns
    the languages the version is offered in afterwards. Refused (``Conflict``) once someone
    took the version in that language, so their review keeps its wording; adding another
    language to a version in use is fine. The questions, choices and bands themselves (keys,
    weights, skills) are never touched."""
    errors: dict[str, list[str]] = {}
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose one of the offered languages.")]
    elif language == version.language:
        errors["language"] = [_("The version is written in this language already.")]
    if errors:
        raise ValidationFailed(_("Some fields need attention."), field_errors=errors)
    QuizVersion.objects.select_for_update().filter(pk=version.pk).first()
    if version.attempts.filter(language=language).exists():
        raise Conflict(
            _("People have taken this version in this language: edit a new version instead.")
        )
    question_ids = set(version.questions.values_list("pk", flat=True))
    choice_ids = set(Choice.objects.filter(question__version=version).values_list("pk", flat=True))
    band_ids = set(version.bands.values_list("pk", flat=True))
    if not (
        set(texts.questions) <= question_ids
        and set(texts.choices) <= choice_ids
        and set(texts.bands) <= band_ids
    ):
        raise ValidationFailed(_("Some texts belong to another version."))

    def upsert(model: type[models.Model], parent: str, rows: dict[int, dict[str, str]]) -> None:
        keep = {key: values for key, values in rows.items() if next(iter(values.values()))}
        model.objects.filter(  # type: ignore[attr-defined]
            language=language, **{f"{parent}_id__in": [k for k in rows if k not in keep]}
        ).delete()
        for key, values in keep.items():
            model.objects.update_or_create(  # type: ignore[attr-defined]
                language=language, **{f"{parent}_id": key}, defaults=values
            )

    upsert(
        QuizVersionTranslation,
        "version",
        {version.pk: {"title": texts.title.strip(), "description": texts.description.strip()}},
    )
    upsert(
        QuestionTranslation,
        "question",
        {
            pk: {
                "text": text.strip(),
                "text_html": render_markdown(text.strip()),
                "general_feedback": feedback.strip(),
            }
            for pk, (text, feedback) in texts.questions.items()
        },
    )
    upsert(
        ChoiceTranslation,
        "choice",
        {
            pk: {"text": text.strip(), "explanation": explanation.strip()}
            for pk, (text, explanation) in texts.choices.items()
        },
    )
    upsert(
        ResultBandTranslation,
        "band",
        {
            pk: {"label": label.strip(), "message": message.strip()}
            for pk, (label, message) in texts.bands.items()
        },
    )
    return quiz_version_languages(version)
