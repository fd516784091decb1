"""Reading content translations (django-modeltranslation) across a relation.

On the translated model itself nothing is needed: ``skill.name`` reads the active language and
the model's queries (``Skill.objects.values("name")``) are rewritten for it. A query on another
model that reaches the text through a relation (``finding.skill.name`` loaded with
``only("skill__name")``, ``F("module__title")``) is not rewritten; these two helpers are for it.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import CharField, F, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation


def language_columns(path: str) -> tuple[str, ...]:
    """``"skill__name"`` → ``("skill__name", "skill__name_en", "skill__name_pl")``: every
    column a translated text is read from, for ``only()``."""
    return (path, *(f"{path}_{code}" for code, _name in settings.LANGUAGES))


def language_code(language: str | None = None) -> str:
    """``language`` (default: the active one, else the site's) as the code translations are
    stored under: ``"pl-PL"`` → ``"pl"``."""
    return (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def localized(path: str) -> Combinable:
    """The text at ``path`` in the active language, else English (an empty translation counts
    as none), else the original column."""
    codes = dict(settings.LANGUAGES)
    order = [code for code in (language_code(), settings.LANGUAGE_CODE) if code in codes]
    columns = [NullIf(F(f"{path}_{code}"), Value("")) for code in dict.fromkeys(order)]
    return Coalesce(*columns, F(path), output_field=CharField())
