"""Saving an answer during an attempt: the one named place of the answer-save SQL.

The usual save is one conditional upsert (``_answer_upsert``: ``INSERT … SELECT … WHERE …
ON CONFLICT DO UPDATE``) that checks in the same statement that the attempt is the caller's,
still open and in time, and that the question and choices belong to it; on PostgreSQL it reads
the attempt ``FOR SHARE`` rather than locking it for update, so saves never queue behind each
other. Only when that refuses does ``_answer_save_locked`` take the row lock to say why.
Nothing saved before a refusal is lost."""

from __future__ import annotations

import json

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from assessments import scoring
from assessments.models import (
    Answer,
    Attempt,
    Question,
)
from assessments.selectors import (
    attempt_get_own,
)
from assessments.services.attempts import attempt_time_is_up
from core.errors import Conflict, NotFound, ValidationFailed
from core.ids import parse_uuid
from core.types import RawUuid

ANSWER_TEXT_MAX = 255
CHOICE_KINDS = tuple(k.value for k in Question.Kind if k not in Question.TEXT_KINDS)


def _answer_upsert(
    *,
    attempt_id: RawUuid,
    question_id: int,
    user_id: int | None = None,
    choice_ids: list[int] | None = None,
    text: str | None = None,
) -> Answer | None:
    """Save an answer in one statement, or return None (changing nothing) when any rule is not
    plainly met, so the caller takes the full path that explains why.

    One conditional upsert, ``INSERT … SELECT … WHERE … ON CONFLICT DO UPDATE``: the attempt
    is the caller's (``user_id``, when given), still open (status, deadline plus grace, the
    quiz's closing time, the candidate's invitation), the question is on its version and of a
    kind that takes this input, and every choice belongs to the question. On PostgreSQL the
    attempt row is read ``FOR SHARE``: a concurrent submit (``UPDATE … SET status``) waits for
    this save to commit, so scoring sees it, or this save waits for the submit and then finds
    the attempt closed (``READ COMMITTED`` re-checks the locked row), so it is refused; an
    answer is never acknowledged and then left unscored. SQLite runs one writer at a time.
    """
    if (choice_ids is None) == (text is None):
        return None
    connection = transaction.get_connection()
    vendor = connection.vendor
    if vendor not in ("postgresql", "sqlite"):
        return None
    now = timezone.now()
    conditions = ["a.id = %s", "a.status = %s"]
    where_params: list[object] = [
        Attempt._meta.pk.get_db_prep_value(attempt_id, connection),
        Attempt.Status.IN_PROGRESS.value,
    ]
    if user_id is not None:
        conditions.append("a.user_id = %s")
        where_params.append(user_id)
    stamp = connection.ops.adapt_datetimefield_value(now)
    if vendor == "postgresql":
        conditions.append(
            "(a.deadline IS NULL OR a.deadline + v.grace_seconds * INTERVAL '1 second' >= %s)"
        )
    else:
        conditions.append(
            "(a.deadline IS NULL OR julianday(a.deadline) + v.grace_seconds / 86400.0 "
            ">= julianday(%s))"
        )
    conditions += [
        "(v.closes_at IS NULL OR v.closes_at > %s)",
        "(a.invitation_id IS NULL OR (i.revoked_at IS NULL AND i.expires_at > %s))",
    ]
    where_params += [stamp, stamp, stamp]
    if choice_ids is not None:
        chosen = sorted(set(choice_ids))
        kinds = CHOICE_KINDS if len(chosen) <= 1 else (Question.Kind.MULTIPLE.value,)
        if chosen:
            conditions.append(
                "(SELECT COUNT(*) FROM assessments_choice c WHERE c.question_id = q.id "  # noqa: S608 (placeholders)
                f"AND c.id IN ({', '.join(['%s'] * len(chosen))})) = %s"
            )
            where_params += [*chosen, len(chosen)]
        response_text = ""
        update = "choice_ids = excluded.choice_ids, saved_at = excluded.saved_at"
    else:
        response_text = " ".join((text or "").split())
        if len(response_text) > ANSWER_TEXT_MAX:
            return None
        kinds = tuple(Question.TEXT_KINDS)
        if response_text and scoring.parse_number(response_text) is None:
            kinds = (Question.Kind.SHORT_ANSWER.value,)
        chosen = []
        update = (
            "choice_ids = excluded.choice_ids, response_text = excluded.response_text, "
            "saved_at = excluded.saved_at"
        )
    conditions.append(f"q.kind IN ({', '.join(['%s'] * len(kinds))})")
    where_params += list(kinds)
    params = [
        connection.ops.adapt_json_value(chosen, None),
        response_text,
        stamp,
        question_id,
        *where_params,
    ]
    sql = (
        "INSERT INTO assessments_answer "  # noqa: S608 (placeholders and constant SQL)
        "(attempt_id, question_id, choice_ids, response_text, saved_at, credit) "
        "SELECT a.id, q.id, %s, %s, %s, NULL "
        "FROM assessments_attempt a "
        "JOIN assessments_quizversion v ON v.id = a.quiz_version_id "
        "JOIN assessments_question q ON q.version_id = a.quiz_version_id AND q.id = %s "
        "LEFT JOIN assessments_candidateinvitation i ON i.id = a.invitation_id "
        f"WHERE {' AND '.join(conditions)}"
        + (" FOR SHARE OF a" if vendor == "postgresql" else "")
        + f" ON CONFLICT (attempt_id, question_id) DO UPDATE SET {update}"
        " RETURNING id, choice_ids, response_text"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    saved_choices = row[1] if isinstance(row[1], list) else json.loads(row[1])
    return Answer(
        pk=row[0],
        attempt_id=attempt_id,
        question_id=question_id,
        choice_ids=saved_choices,
        response_text=row[2],
        saved_at=now,
    )


def answer_save_own(
    *,
    user: User,
    attempt_id: RawUuid,
    question_id: int,
    choice_ids: list[int] | None = None,
    text: str | None = None,
) -> Answer:
    """``answer_save`` on one of ``user``'s attempts, by id (the API's autosave).

    The usual case (the attempt is the caller's and open, the answer fits the question) is
    one SQL statement; anything else takes the full path, which answers exactly as before:
    404 for another's attempt or a question not on it, 409 once submitted or past the
    deadline plus grace, 400 for choices of another question.
    """
    answer = _answer_upsert(
        attempt_id=parse_uuid(attempt_id, _("Attempt not found.")),
        question_id=question_id,
        user_id=user.pk,
        choice_ids=choice_ids,
        text=text,
    )
    if answer is not None:
        return answer
    attempt = attempt_get_own(user=user, attempt_id=attempt_id)
    return _answer_save_locked(
        attempt=attempt, question_id=question_id, choice_ids=choice_ids, text=text
    )


def answer_save(
    *,
    attempt: Attempt,
    question_id: int,
    choice_ids: list[int] | None = None,
    text: str | None = None,
) -> Answer:
    """Autosave one answer (replacing the previous one for that question).

    Choice questions take ``choice_ids``; short-answer and numerical ones take ``text``
    (the wrong one for the question's kind is a ``ValidationFailed`` on ``choices`` or
    ``text``). The page and the API parse the ids (a URL converter, ``AnswerInput``); here the
    question must belong to the attempt's version and the choices to the question. The
    attempt row is locked, so a parallel submit either sees this answer or this call sees the
    submit and refuses with ``Conflict``: an answer is never half-accepted.

    The usual case is one statement (``_answer_upsert``); the full path below runs only when
    that refused, to say why (or to save after all, had the refusal been a race).
    """
    answer = _answer_upsert(
        attempt_id=attempt.pk, question_id=question_id, choice_ids=choice_ids, text=text
    )
    if answer is not None:
        return answer
    return _answer_save_locked(
        attempt=attempt, question_id=question_id, choice_ids=choice_ids, text=text
    )


def _answer_save_locked(
    *,
    attempt: Attempt,
    question_id: int,
    choice_ids: list[int] | None = None,
    text: str | None = None,
) -> Answer:
    with transaction.atomic():
        locked = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz_version", "invitation")
            .get(pk=attempt.pk)
        )
        if locked.status != Attempt.Status.IN_PROGRESS:
            raise Conflict(
                _("This attempt was submitted; answers can no longer change."),
                code="attempt_submitted",
            )
        if attempt_time_is_up(locked):
            raise Conflict(
                _("Time is up for this attempt; answers can no longer change."), code="time_up"
            )
        question = (
            Question.objects.filter(pk=question_id, version_id=locked.quiz_version_id)
            .prefetch_related("choices")
            .first()
        )
        if question is None:
            raise NotFound(_("Question not found."))
        if question.is_text_kind:
            return _answer_text_save(attempt=locked, question=question, text=text)
        if choice_ids is None:
            message = _("This question is answered by choosing: send “choices”.")
            raise ValidationFailed(message, field_errors={"choices": [message]})
        valid = {c.pk for c in question.choices.all()}
        chosen = sorted(set(choice_ids))
        if not set(chosen) <= valid:
            raise ValidationFailed(
                _("Some choices don't belong to this question."),
                code="not_in_set",
                field_errors={"choices": [_("Choose among this question's choices.")]},
            )
        if question.kind != Question.Kind.MULTIPLE and len(chosen) > 1:
            raise ValidationFailed(
                _("Choose one answer."), field_errors={"choices": [_("Choose one answer.")]}
            )
        answer, _created = Answer.objects.update_or_create(
            attempt=locked,
            question=question,
            defaults={"choice_ids": chosen, "saved_at": timezone.now()},
        )
    return answer


def typed_answer_clean(*, question: Question, text: str, field: str = "text") -> str:
    """A typed answer as it is stored and scored (quiz and practice): runs of white space as
    one space, at most ``ANSWER_TEXT_MAX`` characters, a number for a numerical question
    (empty stays empty). ``ValidationFailed`` on ``field`` otherwise."""
    text = " ".join(text.split())
    if len(text) > ANSWER_TEXT_MAX:
        message = ngettext(
            "Keep the answer under %(n)d character.",
            "Keep the answer under %(n)d characters.",
            ANSWER_TEXT_MAX,
        ) % {"n": ANSWER_TEXT_MAX}
        raise ValidationFailed(message, field_errors={field: [message]})
    if question.kind == Question.Kind.NUMERICAL and text and scoring.parse_number(text) is None:
        message = _("Type a number, such as 12 or 1.5.")
        raise ValidationFailed(message, field_errors={field: [message]})
    return text


def _answer_text_save(*, attempt: Attempt, question: Question, text: str | None) -> Answer:
    if text is None:
        message = _("This question is answered by typing: send “text”.")
        raise ValidationFailed(message, field_errors={"text": [message]})
    text = typed_answer_clean(question=question, text=text)
    answer, _created = Answer.objects.update_or_create(
        attempt=attempt,
        question=question,
        defaults={"choice_ids": [], "response_text": text, "saved_at": timezone.now()},
    )
    return answer
