"""Starting, submitting and deleting attempts (a person's or a candidate's): the number of
attempts allowed, the deadline with its grace, and one open attempt per taker."""

from __future__ import annotations

import secrets
from contextlib import nullcontext
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from assessments.models import (
    Answer,
    Attempt,
    CandidateInvitation,
    Quiz,
    QuizVersion,
)
from assessments.selectors import (
    candidate_invitation_state,
    quiz_current_version,
    quiz_version_language_for,
    quiz_version_languages,
)
from core.errors import Conflict, NotFound
from core.ids import parse_uuid
from core.tasks import enqueue_on_commit
from core.types import RawUuid
from skills import services as skills_services
from skills.models import SkillEvidence


def _attempts_used(*, quiz: Quiz, user: User | None, invitation: CandidateInvitation | None) -> int:
    attempts = Attempt.objects.filter(quiz=quiz)
    attempts = attempts.filter(user=user) if user else attempts.filter(invitation=invitation)
    return attempts.exclude(status=Attempt.Status.ABANDONED).count()


def _close_if_expired(attempt: Attempt) -> Attempt:
    if attempt.status == Attempt.Status.IN_PROGRESS and attempt_time_is_up(attempt):
        return attempt_submit(attempt=attempt, auto=True)
    return attempt


def attempt_time_is_up(attempt: Attempt, *, now: datetime | None = None) -> bool:
    """Past the deadline plus grace, past the quiz's closing time, or past the candidate's
    invitation (expired or withdrawn): no more answers."""
    now = now or timezone.now()
    version = attempt.quiz_version
    if attempt.deadline is not None and now > attempt.deadline + timedelta(
        seconds=version.grace_seconds
    ):
        return True
    if version.closes_at is not None and now >= version.closes_at:
        return True
    invitation = attempt.invitation
    return invitation is not None and (
        invitation.revoked_at is not None or now >= invitation.expires_at
    )


def attempt_start(
    *,
    quiz: Quiz,
    user: User | None = None,
    invitation: CandidateInvitation | None = None,
    version: QuizVersion | None = None,
    language: str | None = None,
) -> Attempt:
    """Start an attempt on the quiz's current published version.

    ``Conflict`` (with the open attempt's ``id``) if one is in progress, or when no attempts
    are left. A candidate's invitation must still be usable. The attempt is taken in
    ``language`` (the one a candidate chose on the invitation page), else the invitation's, or
    the learner's profile language, when the version is offered in it, and else in the
    version's own language (``Attempt.language`` records it).

    ``version``: the quiz's current version, when the caller read it with the quiz. The usual
    case (no open attempt, attempts left) is one conditional insert (``_attempt_insert``);
    anything else takes the full path below, which closes an expired open attempt or says why
    not.
    """
    if (user is None) == (invitation is None):
        raise ValueError("An attempt belongs to a user or to an invitation.")
    if not quiz.is_published:
        raise NotFound(_("Quiz not found."))
    if invitation is not None:
        state = candidate_invitation_state(invitation)
        if state in {"expired", "revoked"}:
            raise Conflict(_("This invitation can no longer be used."))
    version = version if version is not None else quiz_current_version(quiz)
    if version is None:
        raise NotFound(_("This quiz has no published version yet."))
    if version.closes_at is not None and timezone.now() >= version.closes_at:
        raise Conflict(_("This quiz is closed."), code="closed")
    started = _attempt_insert(
        quiz=quiz, version=version, user=user, invitation=invitation, language=language
    )
    if started is not None:
        return started
    taker: dict[str, User | CandidateInvitation | None] = (
        {"user": user} if user is not None else {"invitation": invitation}
    )
    for open_attempt in Attempt.objects.select_related("quiz_version", "invitation").filter(
        quiz=quiz, status=Attempt.Status.IN_PROGRESS, **taker
    ):
        _close_if_expired(open_attempt)  # its own transaction: a refusal below can't undo it
    with transaction.atomic():
        # Count and create under a lock on the taker, so parallel starts can't exceed the
        # attempts allowed.
        if user is not None:
            User.objects.select_for_update().filter(pk=user.pk).first()
        else:
            CandidateInvitation.objects.select_for_update().filter(pk=invitation.pk).first()  # type: ignore[union-attr]
        return _attempt_create(
            quiz=quiz, version=version, user=user, invitation=invitation, language=language
        )


def _attempt_new(
    *,
    quiz: Quiz,
    version: QuizVersion,
    user: User | None,
    invitation: CandidateInvitation | None,
    language: str | None = None,
) -> Attempt:
    """A new attempt, not saved yet."""
    now = timezone.now()
    wanted = invitation.language if invitation is not None else getattr(user, "language", "")
    if language and language != wanted:
        # The taker's choice when the version is offered in it, else the usual language.
        offered = quiz_version_languages(version)
        wanted = language if language in offered else wanted
    return Attempt(
        quiz=quiz,
        quiz_version=version,
        user=user,
        invitation=invitation,
        language=quiz_version_language_for(version, wanted),
        seed=secrets.randbelow(2**31),
        started_at=now,
        deadline=now + timedelta(minutes=version.time_limit_minutes)
        if version.time_limit_minutes
        else None,
    )


def _attempt_insert(
    *,
    quiz: Quiz,
    version: QuizVersion,
    user: User | None,
    invitation: CandidateInvitation | None,
    language: str | None = None,
) -> Attempt | None:
    """Start the attempt in one conditional insert, or return None (changing nothing) when the
    taker has an open attempt on the quiz or no attempts left: ``attempt_start``'s full path
    then says which (and closes an expired open attempt).

    The partial unique constraints (one open attempt per taker and quiz) stop a second open
    attempt (``ON CONFLICT DO NOTHING``). With a limit on attempts, the taker's row is locked
    first and the insert counts the attempts used in the same statement, which reads after the
    lock: parallel starts can't exceed the limit. Unlimited quizzes need no lock: one statement.
    """
    connection = transaction.get_connection()
    if connection.vendor not in ("postgresql", "sqlite"):
        return None
    attempt = _attempt_new(
        quiz=quiz, version=version, user=user, invitation=invitation, language=language
    )
    fields = Attempt._meta.concrete_fields
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = [f.get_db_prep_save(f.pre_save(attempt, True), connection) for f in fields]
    taker = "user_id" if user is not None else "invitation_id"
    taker_field = Attempt._meta.get_field("user" if user is not None else "invitation")
    assert isinstance(taker_field, models.ForeignKey)  # noqa: S101 (for the type checker)
    takers: QuerySet[User] | QuerySet[CandidateInvitation]
    if user is not None:
        taker_id: int | UUID = user.pk
        takers = User.objects.filter(pk=user.pk)
    else:
        assert invitation is not None  # noqa: S101 (for the type checker: one taker or the other)
        taker_id = invitation.pk
        takers = CandidateInvitation.objects.filter(pk=invitation.pk)
    condition, condition_params = "1 = 1", []
    if version.attempts_allowed:
        condition = (
            f"(SELECT COUNT(*) FROM assessments_attempt WHERE quiz_id = %s AND {taker} = %s "  # noqa: S608 (a column name)
            "AND status <> %s) < %s"
        )
        condition_params = [
            quiz.pk,
            taker_field.get_db_prep_value(taker_id, connection),
            Attempt.Status.ABANDONED.value,
            version.attempts_allowed,
        ]
    sql = (
        f"INSERT INTO assessments_attempt ({columns}) "
        f"SELECT {', '.join(['%s'] * len(values))} WHERE {condition} ON CONFLICT DO NOTHING"
    )
    with transaction.atomic() if version.attempts_allowed else nullcontext():
        if version.attempts_allowed:
            takers.select_for_update().values_list("pk").first()  # lock the taker's row
        with connection.cursor() as cursor:
            cursor.execute(sql, [*values, *condition_params])
            inserted = cursor.rowcount == 1
    if not inserted:
        return None
    attempt._state.adding = False
    attempt._state.db = connection.alias
    return attempt


def _attempt_create(
    *,
    quiz: Quiz,
    version: QuizVersion,
    user: User | None,
    invitation: CandidateInvitation | None,
    language: str | None = None,
) -> Attempt:
    open_attempts = Attempt.objects.select_related("quiz_version", "invitation").filter(
        quiz=quiz, status=Attempt.Status.IN_PROGRESS
    )
    open_attempts = (
        open_attempts.filter(user=user) if user else open_attempts.filter(invitation=invitation)
    )
    current = open_attempts.first()
    if current is not None:
        raise Conflict(
            _("An attempt is already in progress."),
            code="attempt_in_progress",
            extra={"id": str(current.pk)},
        )
    allowed = version.attempts_allowed
    if allowed and _attempts_used(quiz=quiz, user=user, invitation=invitation) >= allowed:
        raise Conflict(_("No attempts are left for this quiz."), code="no_attempts_left")
    try:
        with transaction.atomic():
            attempt = _attempt_new(
                quiz=quiz, version=version, user=user, invitation=invitation, language=language
            )
            attempt.save(force_insert=True)
            return attempt
    except IntegrityError as exc:  # a parallel start won the race
        current = open_attempts.first()
        raise Conflict(
            _("An attempt is already in progress."),
            code="attempt_in_progress",
            extra={"id": str(current.pk) if current else None},
        ) from exc


def attempt_submit(*, attempt: Attempt, auto: bool = False) -> Attempt:
    """Mark the attempt submitted (once) and score it in Celery after commit.

    Repeating, or racing another submit, changes nothing: only the request whose conditional
    update moves it out of ``in_progress`` enqueues scoring.
    """
    with transaction.atomic():
        _submit_if_open(Attempt.objects.filter(pk=attempt.pk), attempt.pk, auto=auto)
    attempt.refresh_from_db()
    return attempt


def attempt_submit_own(*, user: User, attempt_id: RawUuid) -> str:
    """``attempt_submit`` on one of ``user``'s attempts, by id (the API's submit): one
    conditional update when it moves; the status the attempt has afterwards. Anyone else's
    attempt (or none) is 404; submitting again changes nothing."""
    pk = parse_uuid(attempt_id, _("Attempt not found."))
    mine = Attempt.objects.filter(pk=pk, user=user)
    # one statement: outside a transaction it commits at once, and the task is sent then
    if _submit_if_open(mine, pk, auto=False):
        return Attempt.Status.SUBMITTED.value
    status = mine.values_list("status", flat=True).first()
    if status is None:
        raise NotFound(_("Attempt not found."))
    return status


def _submit_if_open(attempt: QuerySet[Attempt], pk: UUID, *, auto: bool) -> bool:
    """The conditional update both submits share: moves the attempt (``attempt``, the row
    ``pk``) out of ``in_progress`` and, only if this call moved it, schedules its scoring
    after commit, ``SCORING_DELAY`` seconds later, so attempts submitted meanwhile join the
    same batch, which costs a fraction of scoring each alone (docs/operations.md)."""
    moved = attempt.filter(status=Attempt.Status.IN_PROGRESS).update(
        status=Attempt.Status.SUBMITTED, submitted_at=timezone.now(), auto_submitted=auto
    )
    if moved:
        enqueue_on_commit("assessments.score_attempt", str(pk), countdown=settings.SCORING_DELAY)
    return bool(moved)


@transaction.atomic
def attempts_delete(*, attempts: QuerySet[Attempt]) -> int:
    """Delete attempts with the skill evidence their answers produced (the admin's delete)."""
    ids = list(attempts.values_list("pk", flat=True))
    answer_ids = Answer.objects.filter(attempt_id__in=ids).values_list("pk", flat=True)
    skills_services.evidence_delete(source=SkillEvidence.Source.ANSWER, source_ids=answer_ids)
    deleted, _by_model = Attempt.objects.filter(pk__in=ids).delete()
    return deleted
