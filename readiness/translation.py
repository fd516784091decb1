"""Criterion labels per language (django-modeltranslation): ``label_en``/``label_pl``."""

from modeltranslation.translator import TranslationOptions, register

from readiness.models import Criterion


@register(Criterion)
class CriterionTranslationOptions(TranslationOptions):
    fields = ("label",)
