"""Links in emails carry a plain signature of the id: one link per object, old links open."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import signing
from django.utils import timezone

from assessments.selectors import (
    CANDIDATE_SALT,
    candidate_invitation_from_token,
    candidate_invitation_token,
)
from core.links import link_token, link_value
from tests import factories


def test_a_token_is_the_same_every_time_and_reads_back():
    assert link_token("42", salt="s") == link_token("42", salt="s")
    assert link_value(link_token("42", salt="s"), salt="s") == "42"


def test_a_timestamped_link_sent_before_still_reads_and_a_forged_one_does_not():
    assert link_value(signing.dumps("42", salt="s"), salt="s") == "42"
    with pytest.raises(signing.BadSignature):
        link_value(link_token("42", salt="other"), salt="s")


def test_a_candidate_link_is_stable_and_old_links_open(db, lead, team):
    quiz = factories.quiz_published()
    from assessments.services import candidate_invitation_create

    invitation = candidate_invitation_create(
        invited_by=lead,
        team=team,
        quiz=quiz,
        email="cand@example.test",
        expires_at=timezone.now() + timedelta(days=3),
    )
    assert candidate_invitation_token(invitation) == candidate_invitation_token(invitation)
    old = signing.dumps(str(invitation.pk), salt=CANDIDATE_SALT)
    assert candidate_invitation_from_token(old) == invitation
