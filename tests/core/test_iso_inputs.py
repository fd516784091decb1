"""Dates in inputs are ISO 8601 in every language: a browser's date input rejects a localized
value, so a Polish lead had to re-enter the invitation's expiry every time ("21.12.2026")."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
from django.utils import translation

from assessments.forms import CandidateInvitationForm
from core.forms import IsoDateInput, IsoDateTimeInput
from courses.forms import AssignForm

pytestmark = pytest.mark.django_db


def value_of(html: str) -> str:
    match = re.search(r'value="([^"]*)"', html)
    assert match, html
    return match.group(1)


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_widgets_write_iso_values(language):
    with translation.override(language):
        day = IsoDateInput().render("d", date(2026, 12, 21))
        moment = IsoDateTimeInput().render("m", datetime(2026, 12, 21, 14, 5, tzinfo=UTC))
    assert 'type="date"' in day
    assert value_of(day) == "2026-12-21"
    assert 'type="datetime-local"' in moment
    assert value_of(moment) == "2026-12-21T14:05"


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_invitation_expiry_default_is_iso_and_reads_back(lead, language):
    with translation.override(language):
        html = str(CandidateInvitationForm()["expires"])
        shown = value_of(html)
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", shown), html
        # what the browser posts back is read as the same day
        field = CandidateInvitationForm().fields["expires"]
        assert field.clean(shown).isoformat() == shown


@pytest.mark.parametrize("language", ["en", "pl"])
def test_the_assignment_due_day_is_iso(lead, member, language):
    with translation.override(language):
        form = AssignForm(members=[member], initial={"due": date(2026, 12, 21)})
        assert value_of(str(form["due"])) == "2026-12-21"
