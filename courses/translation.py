"""Module texts per language (django-modeltranslation): ``title_en``/``title_pl`` beside
``title``; reading ``title`` gives the active language's text, else English."""

from modeltranslation.translator import TranslationOptions, register

from courses.models import Module


@register(Module)
class ModuleTranslationOptions(TranslationOptions):
    fields = ("title", "summary")
