"""The register of personal data (core/privacy.py): complete, and the source of docs/privacy.md."""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model

from assessments.models import CandidateInvitation
from core.privacy import declared_models, register
from privacy.register_doc import register_markdown

# Models that refer to a person only as plumbing, with nothing about them: none today.
NOT_PERSONAL: set[str] = set()


def test_every_model_that_refers_to_a_person_is_declared():
    people = (get_user_model(), CandidateInvitation)
    referring = {
        model._meta.label
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if getattr(field, "related_model", None) in people
    }
    missing = sorted(referring - declared_models() - NOT_PERSONAL)
    assert missing == []


def test_every_link_to_a_person_is_declared():
    """Not only the model: each of its fields that names a person (an assignment's assignee
    and its assigner are two declarations)."""
    people = (get_user_model(), CandidateInvitation)
    declared = {(item.label, item.person) for item in register()}
    links = {
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if getattr(field, "related_model", None) in people
    }
    assert sorted(links - declared) == []


def test_every_declaration_names_real_fields():
    for item in register():
        for name in (*item.fields, *item.mentions):
            item.model._meta.get_field(name)  # raises for a typo
        if item.person not in ("self", "custom"):
            item.model._meta.get_field(item.person)
        assert str(item.purpose)
        assert str(item.retention)


def test_docs_privacy_md_is_the_register():
    written = Path(settings.BASE_DIR, "docs", "privacy.md").read_text(encoding="utf-8")
    assert written == register_markdown(), "run: manage.py privacy_register --write"
