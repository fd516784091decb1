"""Skill and role-profile texts per language (django-modeltranslation): ``name_en``/``name_pl``
beside ``name``; reading ``name`` gives the active language's text, else English."""

from modeltranslation.translator import TranslationOptions, register

from skills.models import RoleProfile, Skill


@register(Skill)
class SkillTranslationOptions(TranslationOptions):
    fields = ("name", "description")


@register(RoleProfile)
class RoleProfileTranslationOptions(TranslationOptions):
    fields = ("name", "description")
