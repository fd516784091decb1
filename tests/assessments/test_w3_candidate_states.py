"""The lead's list of a team's candidates: the state word agrees with the attempt and result
columns in every case. It said "not started" beside "3 / 3 · High" for a candidate who had
finished an attempt while more were allowed, because the word and the columns were read from
different facts. The API keeps its documented ``state`` (docs/api.md)."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone

from assessments import services
from assessments.models import CandidateInvitation
from assessments.selectors import candidate_invitations_for, invitation_state_from_annotations
from tests import factories

pytestmark = pytest.mark.django_db


def finish(invitation: CandidateInvitation, *, score: bool = True) -> None:
    """The candidate answers every question right and submits; scored unless ``score`` is off
    (the score is then still being worked out)."""
    attempt = services.attempt_start(quiz=invitation.quiz, invitation=invitation)
    for question in attempt.quiz_version.questions.all():
        services.answer_save(
            attempt=attempt,
            question_id=question.pk,
            choice_ids=factories.right_choice_ids(question),
        )
    services.attempt_submit(attempt=attempt)
    if score:
        assert services.attempt_score(attempt_id=attempt.pk)


def start(invitation: CandidateInvitation) -> None:
    services.attempt_start(quiz=invitation.quiz, invitation=invitation)


def expire(invitation: CandidateInvitation) -> None:
    CandidateInvitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )


def revoke(invitation: CandidateInvitation) -> None:
    services.candidate_invitation_revoke(invitation=invitation)


Step = Callable[[CandidateInvitation], None]

# id: (attempts allowed, what happens, (state, attempts, result, link note), the API's state)
ROWS: dict[str, tuple[int, list[Step], tuple[str, str, str, str], str]] = {
    "pending": (3, [], ("not started", "0 of 3", "—", ""), "pending"),
    "in-progress": (3, [start], ("in progress", "1 of 3", "—", ""), "in_progress"),
    "being-scored": (
        3,
        [lambda inv: finish(inv, score=False)],
        ("completed", "1 of 3", "being scored", ""),
        "pending",
    ),
    "completed-with-attempts-left": (
        3,
        [finish],
        ("completed", "1 of 3", "3 / 3 · High", ""),
        "pending",
    ),
    "second-attempt-in-progress": (
        3,
        [finish, start],
        ("in progress", "2 of 3", "—", ""),
        "in_progress",
    ),
    "all-attempts-used": (
        1,
        [finish],
        ("all attempts used", "1 of 1", "3 / 3 · High", ""),
        "completed",
    ),
    "unlimited-attempts-completed": (
        0,
        [finish],
        ("completed", "1", "3 / 3 · High", ""),
        "pending",
    ),
    "expired-after-finishing": (
        3,
        [finish, expire],
        ("completed", "1 of 3", "3 / 3 · High", "(expired)"),
        "expired",
    ),
    "expired-after-using-all-attempts": (
        1,
        [finish, expire],
        ("all attempts used", "1 of 1", "3 / 3 · High", "(expired)"),
        "completed",
    ),
    "expired-unstarted": (3, [expire], ("expired", "0 of 3", "—", ""), "expired"),
    "revoked-unstarted": (3, [revoke], ("withdrawn", "0 of 3", "—", ""), "revoked"),
    "revoked-after-finishing": (
        3,
        [finish, revoke],
        ("withdrawn", "1 of 3", "3 / 3 · High", ""),
        "revoked",
    ),
}


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def row_of(page: str, email: str) -> tuple[str, str, str, str]:
    """The state, attempts and result cells of ``email``'s row, and the link cell's note."""
    row = next(r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if email in r)
    cells = {
        name: words(re.search(rf'<td class="invitation-{name}">(.*?)</td>', row, re.S).group(1))
        for name in ("state", "attempts", "result", "link")
    }
    note = re.search(r"\(.*\)$", cells["link"])
    return cells["state"], cells["attempts"], cells["result"], note.group(0) if note else ""


@pytest.mark.parametrize(("allowed", "steps", "shown", "api_state"), ROWS.values(), ids=ROWS)
def test_each_row_s_state_agrees_with_its_attempts_and_result(
    client, lead, team, allowed, steps, shown, api_state
):
    # given an invitation in one of its states
    quiz = factories.quiz_published(attempts_allowed=allowed)
    invitation = services.candidate_invitation_create(
        invited_by=lead,
        email="cand@example.test",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=3),
    )
    for step in steps:
        step(invitation)

    # when the lead opens the team's candidates
    client.force_login(lead)
    page = client.get(f"/teams/{team.pk}/candidates/").content.decode()

    # then the state word, the attempts and the result tell the same story
    assert row_of(page, "cand@example.test") == shown
    # and the API's state is still the documented one
    [listed] = candidate_invitations_for(user=lead)
    assert invitation_state_from_annotations(listed) == api_state


def test_the_candidate_page_names_the_same_state_as_the_list(client, lead, team):
    quiz = factories.quiz_published(attempts_allowed=3)
    invitation = services.candidate_invitation_create(
        invited_by=lead,
        email="cand@example.test",
        quiz=quiz,
        expires_at=timezone.now() + timedelta(days=3),
    )
    finish(invitation)
    client.force_login(lead)

    page = client.get(f"/candidates/{invitation.pk}/").content.decode()

    head = re.search(r'<div class="page-head">(.*?)</div>', page, re.S).group(1)
    assert '<span class="badge">completed</span>' in head
    assert "not started" not in page
