"""Fixtures shared by the QA tests."""

from __future__ import annotations

import pytest
from django.test import Client

from qa.reviews import sources as review_sources
from qa.reviews.sources import CategoryInput
from tests.qa import review_exports as exports


@pytest.fixture
def long_source(team, lead, catalogue):
    """A source of the long-form export with its four categories mapped on a 4-point scale."""
    source, _secret = review_sources.review_source_create(
        team=team, created_by=lead, name="Zendesk QA export", columns=exports.LONG_MAPPING
    )
    esc, met = catalogue["escalations"], catalogue["metrics"]
    review_sources.review_categories_save(
        source=source,
        categories=[
            CategoryInput(name="Empathy", skill=met, scale="4", pass_mark=3),
            CategoryInput(name="Escalation", skill=esc, scale="4", pass_mark=3),
            CategoryInput(name="GDPR check", skill=esc, scale="4", pass_mark=3, critical=True),
            CategoryInput(name="Tone", skill=met, scale="4"),
        ],
    )
    return source


def as_user(user):
    """A test client logged in as ``user``."""
    client = Client()
    client.force_login(user)
    return client
