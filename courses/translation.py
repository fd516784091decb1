"""Module and lesson texts per language (django-modeltranslation): ``title_en``/``title_pl``
beside ``title``; reading ``title`` gives the active language's text, else English. A lesson's
``body_html`` is rendered from each language's ``body`` (``courses.services.lesson_save``)."""

from modeltranslation.translator import TranslationOptions, register

from courses.models import Lesson, Module


@register(Module)
class ModuleTranslationOptions(TranslationOptions):
    fields = ("title", "summary")


@register(Lesson)
class LessonTranslationOptions(TranslationOptions):
    fields = ("title", "body", "body_html")
