"""Candidate invitations: creating, revoking and sending the link (after commit, once)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from accounts.selectors import teams_led_by
from accounts.services import email_normalize
from assessments.models import (
    CandidateInvitation,
    Quiz,
)
from assessments.selectors import (
    candidate_invitation_url,
    quiz_current_version,
    quiz_texts,
    quiz_version_languages,
)
from core.email import email_send
from core.errors import ValidationFailed
from core.tasks import enqueue_on_commit
from core.types import RawUuid


def candidate_invitation_create(
    *,
    invited_by: User,
    email: str,
    quiz: Quiz,
    expires_at: datetime,
    team: Team | None = None,
    name: str = "",
    share_results_xapi: bool = False,
    language: str = "",
) -> CandidateInvitation:
    """A lead invites a candidate to take a quiz; the link is emailed after commit.

    The invitation belongs to one of the lead's teams (``team``, from
    ``accounts.selectors.team_get_led``, or else their only team), so only that team's leads
    see the result. ``language`` (one the quiz's current version is offered in; empty: the
    version's own) is the language of the email, the candidate's pages and the quiz.
    """
    errors: dict[str, list[str]] = {}
    try:
        email = email_normalize(email)  # valid, and fits the column
    except ValidationFailed as exc:
        errors.update(exc.field_errors)
    if "email" not in errors and (
        email == invited_by.email.lower()
        or User.objects.filter(
            Q(is_staff=True) | Q(memberships__role="lead"), email__iexact=email
        ).exists()
    ):
        # Leads and admins can read every candidate's answers, so they can't be candidates.
        errors["email"] = [_("Leads and admins can't be invited as candidates.")]
    if expires_at <= timezone.now():
        errors["expires_at"] = [_("The expiry must be in the future.")]
    elif expires_at > timezone.now() + timedelta(days=90):
        errors["expires_at"] = [_("An invitation can last at most 90 days.")]
    if team is None:
        teams = list(teams_led_by(invited_by)[:2])
        if len(teams) != 1:
            errors["team"] = [_("Choose the team this candidate is for.")]
        team = teams[0] if teams else None
    if not quiz.is_published:
        errors["quiz"] = [_("Choose a published quiz.")]
    else:
        version = quiz_current_version(quiz)
        if version is None:
            errors["quiz"] = [_("This quiz has no published version yet.")]
        elif not language:
            language = version.language
        elif language not in quiz_version_languages(version):
            errors["language"] = [_("This quiz is not offered in that language.")]
    if errors or team is None:
        raise ValidationFailed(_("Some fields need attention."), field_errors=errors)
    invitation = CandidateInvitation.objects.create(
        email=email,
        name=name.strip(),
        quiz=quiz,
        team=team,
        invited_by=invited_by,
        expires_at=expires_at,
        share_results_xapi=share_results_xapi,
        language=language,
    )

    enqueue_on_commit("assessments.candidate_invitation_send", str(invitation.pk))
    return invitation


def candidate_invitation_revoke(*, invitation: CandidateInvitation) -> CandidateInvitation:
    CandidateInvitation.objects.filter(pk=invitation.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    invitation.refresh_from_db()
    return invitation


def candidate_invitation_send(*, invitation_id: RawUuid) -> bool:
    """Email the candidate their link once (claimed before sending, released on failure)."""
    claimed = CandidateInvitation.objects.filter(
        pk=invitation_id, sent_at__isnull=True, revoked_at__isnull=True
    ).update(sent_at=timezone.now())
    if not claimed:
        return False
    invitation = CandidateInvitation.objects.select_related("quiz", "invited_by").get(
        pk=invitation_id
    )
    inviter = invitation.invited_by
    version = quiz_current_version(invitation.quiz)
    texts = quiz_texts(version, invitation.language) if version is not None else None
    if texts is not None:  # the quiz's title in the invitation's language (never saved)
        invitation.quiz.title = texts[0]
    try:
        email_send(
            to=invitation.email,
            template="emails/candidate_invitation",
            context={
                "invitation": invitation,
                "inviter_name": inviter.get_full_name() if inviter else "Readiness",
                "url": f"{settings.SITE_URL}{candidate_invitation_url(invitation)}",
            },
            # the candidate's language: the one the invitation names
            language=invitation.language or (inviter.language if inviter else None),
            time_zone=inviter.time_zone if inviter else None,
        )
    except Exception:
        CandidateInvitation.objects.filter(pk=invitation_id).update(sent_at=None)
        raise
    return True
