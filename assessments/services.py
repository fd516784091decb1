"""Writes for assessments: authoring versions, attempts (start, autosave, submit, score),
candidate invitations, the sweep, and item analysis.

Guarantees (each has a test):
- an attempt is stored as submitted in the request; scoring happens in Celery after commit;
- submitting twice, in parallel, or running the scoring task twice scores once;
- no answer is saved after submit or after the deadline plus grace (409), and nothing saved
  before is lost;
- if the broker is down at submit time, ``attempts_sweep`` (every minute) finds the attempt.
"""

from __future__ import annotations

import json
import logging
import secrets
from collections import defaultdict
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, OperationalError, models, transaction
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import Team, User
from accounts.selectors import teams_led_by
from accounts.services import email_normalize
from assessments import scoring
from assessments.hooks import (
    AttemptScored,
    AttemptsScored,
    CandidateAttemptScored,
    CandidateAttemptsScored,
    attempts_scored,
    candidate_attempts_scored,
)
from assessments.models import (
    Answer,
    Attempt,
    CandidateInvitation,
    Choice,
    ChoiceTranslation,
    ItemStatistic,
    Question,
    QuestionTranslation,
    Quiz,
    QuizVersion,
    QuizVersionTranslation,
    ResultBandTranslation,
)
from assessments.selectors import (
    attempt_get_own,
    candidate_invitation_state,
    candidate_invitation_url,
    questions_in_language,
    quiz_current_version,
    quiz_texts,
    quiz_version_language_for,
    quiz_version_languages,
    review_score_visible,
)
from core.email import email_send
from core.errors import Conflict, NotFound, ValidationFailed
from core.ids import parse_uuid
from core.markdown import render_markdown
from core.sql import update_rows
from core.tasks import enqueue_on_commit
from notifications.services import NotificationDraft, notify_many
from skills import services as skills_services
from skills.models import SkillEvidence

logger = logging.getLogger(__name__)

STALE_SUBMISSION = timedelta(minutes=2)
ITEM_ANALYSIS_MIN_ATTEMPTS = scoring.ITEM_ANALYSIS_MIN_ATTEMPTS
ITEM_ANALYSIS_FEW_ATTEMPTS = scoring.ITEM_ANALYSIS_FEW_ATTEMPTS
# ``settings.ITEM_ANALYSIS_ATTEMPTS``: "first" (each taker's first scored attempt on the
# version, as Moodle does by default) or "all" (every scored attempt, each counted as if by a
# different person).
ITEM_ANALYSIS_ATTEMPTS_DEFAULT = "first"
ITEM_ANALYSIS_ATTEMPTS_CHOICES = ("first", "all")


# --- authoring --------------------------------------------------------------------------------


def question_save(*, question: Question) -> Question:
    question.text_html = render_markdown(question.text)
    question.save()
    return question


def quiz_version_is_locked(version: QuizVersion) -> bool:
    """A version with attempts is frozen: its results must keep their meaning."""
    return version.attempts.exists()


def quiz_version_create(*, quiz: Quiz, **settings_: Any) -> QuizVersion:
    number = (quiz.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    return QuizVersion.objects.create(quiz=quiz, number=number, **settings_)


# A version's own fields that a copy does not take: its place in the quiz's history.
VERSION_FIELDS_NOT_COPIED = frozenset({"id", "quiz", "number", "published_at", "created_at"})


def _field_values(row: models.Model, *, parent: str) -> dict[str, Any]:
    """Every concrete field of ``row`` except its primary key and its ``parent`` foreign key,
    read from the model's ``_meta`` so a field added later is copied too."""
    return {
        field.attname: getattr(row, field.attname)
        for field in type(row)._meta.concrete_fields
        if not field.primary_key and field.name != parent
    }


def _copy_rows(rows: list[tuple[Any, models.Model]], *, parent: str) -> list[Any]:
    """Copies of ``(row, new parent)`` pairs, one ``bulk_create``, with the rows'
    many-to-many relations (read from ``_meta``; prefetch them on the rows)."""
    if not rows:
        return []
    model = type(rows[0][0])
    copies = model.objects.bulk_create(
        [model(**_field_values(row, parent=parent), **{parent: to}) for row, to in rows]
    )
    for (row, _to), copy in zip(rows, copies, strict=True):
        for m2m in model._meta.many_to_many:
            # ``add`` on the fresh copy: ``set`` would read the original's prefetch cache
            getattr(copy, m2m.name).add(*getattr(row, m2m.name).all())
    return copies


@transaction.atomic
def quiz_version_for_editing(*, quiz: Quiz, unpublished: bool = False) -> QuizVersion:
    """The version an author may change: the newest one if nobody took it yet, otherwise a
    fresh copy of it, unpublished. With ``unpublished`` (question-bank imports), a published
    newest version is copied too, so the change waits for someone to publish it.

    The copy takes everything the version owns: its rules and review policy, its questions
    with their skills, their choices, and its result bands, every field and many-to-many as
    the models declare them, and the translations of each (``tests/assessments/
    test_version_copy.py`` checks each one).
    Not copied: attempts, answers and item statistics, which belong to the old version.
    """
    Quiz.objects.select_for_update().get(pk=quiz.pk)
    latest = quiz.versions.order_by("-number").first()
    if latest is None:
        return quiz_version_create(quiz=quiz)
    if not quiz_version_is_locked(latest) and not (unpublished and latest.is_published):
        return latest
    rules = {
        field.attname: getattr(latest, field.attname)
        for field in QuizVersion._meta.concrete_fields
        if field.name not in VERSION_FIELDS_NOT_COPIED
    }
    copy = quiz_version_create(quiz=quiz, **rules)
    question_m2m = [m2m.name for m2m in Question._meta.many_to_many]
    questions = list(
        latest.questions.prefetch_related("translations", "choices__translations", *question_m2m)
    )
    copied = _copy_rows([(question, copy) for question in questions], parent="version")
    choices = [
        (choice, question_copy)
        for question, question_copy in zip(questions, copied, strict=True)
        for choice in question.choices.all()
    ]
    copied_choices = _copy_rows(choices, parent="question")
    bands = list(latest.bands.prefetch_related("translations"))
    copied_bands = _copy_rows([(band, copy) for band in bands], parent="version")
    # the translations of each: same languages, same texts, on the copies
    _copy_rows([(t, copy) for t in latest.translations.all()], parent="version")
    _copy_rows(
        [
            (t, question_copy)
            for question, question_copy in zip(questions, copied, strict=True)
            for t in question.translations.all()
        ],
        parent="question",
    )
    _copy_rows(
        [
            (t, choice_copy)
            for (choice, _q), choice_copy in zip(choices, copied_choices, strict=True)
            for t in choice.translations.all()
        ],
        parent="choice",
    )
    _copy_rows(
        [
            (t, band_copy)
            for band, band_copy in zip(bands, copied_bands, strict=True)
            for t in band.translations.all()
        ],
        parent="band",
    )
    return copy


def quiz_version_problems(version: QuizVersion) -> list[str]:
    """What stops a version from being published (empty when it is ready)."""
    problems = []
    questions = list(version.questions.prefetch_related("choices"))
    if not questions:
        problems.append(_("Add at least one question."))
    for number, question in enumerate(questions, start=1):
        choices = list(question.choices.all())
        correct = sum(c.is_correct for c in choices)
        problems += _weight_problems(number, question, choices)
        if question.is_text_kind:
            continue
        if len(choices) < 2:
            problems.append(_("Question %(n)d needs at least two choices.") % {"n": number})
        if question.kind in ("single", "true_false") and correct != 1:
            problems.append(_("Question %(n)d needs exactly one correct choice.") % {"n": number})
        if question.kind == "true_false" and len(choices) != 2:
            problems.append(
                _("Question %(n)d (true/false) needs exactly two choices.") % {"n": number}
            )
        if question.kind == "multiple" and correct < 1:
            problems.append(_("Question %(n)d needs at least one correct choice.") % {"n": number})
    if version.review_when == QuizVersion.ReviewWhen.AFTER_CLOSE and version.closes_at is None:
        problems.append(_("“After the quiz closes” needs a closing time."))
    bands = sorted(version.bands.all(), key=lambda b: b.min_score)
    if bands and bands[0].min_score > 0:
        problems.append(_("The lowest result band must start at 0."))
    return problems


def _weight_problems(number: int, question: Question, choices: list[Choice]) -> list[str]:
    """Weights (fractions) that can't give full marks, or accepted answers that are missing."""
    rules = [_rule(choice) for choice in choices]
    fractions = scoring.choice_fractions(question.kind, rules)
    if question.is_text_kind:
        scorable = [
            f
            for choice, f in zip(choices, fractions, strict=True)
            if question.kind != Question.Kind.NUMERICAL or choice.value is not None
        ]
        if not any(f > 0 for f in scorable):
            return [_("Question %(n)d needs at least one accepted answer.") % {"n": number}]
        return []
    if not any(choice.fraction is not None for choice in choices):
        return []  # the classic rules: the checks below (exactly one correct, …) apply
    if question.kind == Question.Kind.MULTIPLE:
        positive = sum(f for f in fractions if f > 0)
        if abs(positive - 1) > 0.01:
            return [
                _("Question %(n)d: the positive weights add up to %(total)s%%, not 100%%.")
                % {"n": number, "total": f"{positive * 100:g}"}
            ]
    elif fractions and max(fractions) < 0.999:
        return [_("Question %(n)d: no choice earns the full mark (100%%).") % {"n": number}]
    return []


def _rule(choice: Choice) -> scoring.Rule:
    return scoring.Rule(
        id=choice.pk,
        is_correct=choice.is_correct,
        fraction=choice.fraction,
        text=choice.text,
        value=choice.value,
        tolerance=choice.tolerance,
    )


@dataclass(frozen=True)
class VersionTexts:
    """A version's texts in one language, keyed by the ids of the rows they translate:
    ``questions`` {id: (scenario Markdown, general feedback)}, ``choices`` {id: (text,
    explanation)}, ``bands`` {id: (label, message)}. An empty text removes that translation
    (the language is then no longer offered)."""

    title: str
    description: str = ""
    questions: dict[int, tuple[str, str]] = field(default_factory=dict)
    choices: dict[int, tuple[str, str]] = field(default_factory=dict)
    bands: dict[int, tuple[str, str]] = field(default_factory=dict)


@transaction.atomic
def quiz_version_translation_save(
    *, version: QuizVersion, language: str, texts: VersionTexts
) -> list[str]:
    """Write ``version``'s texts in ``language`` (creating or replacing each row); returns
    the languages the version is offered in afterwards. Refused (``Conflict``) once someone
    took the version in that language, so their review keeps its wording; adding another
    language to a version in use is fine. The questions, choices and bands themselves (keys,
    weights, skills) are never touched."""
    errors: dict[str, list[str]] = {}
    if language not in dict(settings.LANGUAGES):
        errors["language"] = [_("Choose one of the offered languages.")]
    elif language == version.language:
        errors["language"] = [_("The version is written in this language already.")]
    if errors:
        raise ValidationFailed(_("Some fields need attention."), field_errors=errors)
    QuizVersion.objects.select_for_update().filter(pk=version.pk).first()
    if version.attempts.filter(language=language).exists():
        raise Conflict(
            _("People have taken this version in this language: edit a new version instead.")
        )
    question_ids = set(version.questions.values_list("pk", flat=True))
    choice_ids = set(Choice.objects.filter(question__version=version).values_list("pk", flat=True))
    band_ids = set(version.bands.values_list("pk", flat=True))
    if not (
        set(texts.questions) <= question_ids
        and set(texts.choices) <= choice_ids
        and set(texts.bands) <= band_ids
    ):
        raise ValidationFailed(_("Some texts belong to another version."))

    def upsert(model: type[models.Model], parent: str, rows: dict[int, dict[str, Any]]) -> None:
        keep = {key: values for key, values in rows.items() if next(iter(values.values()))}
        model.objects.filter(  # type: ignore[attr-defined]
            language=language, **{f"{parent}_id__in": [k for k in rows if k not in keep]}
        ).delete()
        for key, values in keep.items():
            model.objects.update_or_create(  # type: ignore[attr-defined]
                language=language, **{f"{parent}_id": key}, defaults=values
            )

    upsert(
        QuizVersionTranslation,
        "version",
        {version.pk: {"title": texts.title.strip(), "description": texts.description.strip()}},
    )
    upsert(
        QuestionTranslation,
        "question",
        {
            pk: {
                "text": text.strip(),
                "text_html": render_markdown(text.strip()),
                "general_feedback": feedback.strip(),
            }
            for pk, (text, feedback) in texts.questions.items()
        },
    )
    upsert(
        ChoiceTranslation,
        "choice",
        {
            pk: {"text": text.strip(), "explanation": explanation.strip()}
            for pk, (text, explanation) in texts.choices.items()
        },
    )
    upsert(
        ResultBandTranslation,
        "band",
        {
            pk: {"label": label.strip(), "message": message.strip()}
            for pk, (label, message) in texts.bands.items()
        },
    )
    return quiz_version_languages(version)


def quiz_version_publish(*, version: QuizVersion) -> QuizVersion:
    problems = quiz_version_problems(version)
    if problems:
        raise ValidationFailed(" ".join(problems), field_errors={"non_field_errors": problems})
    if version.published_at is None:
        version.published_at = timezone.now()
        version.save(update_fields=["published_at"])
    return version


# --- attempts ---------------------------------------------------------------------------------


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
        raise Conflict(_("This quiz is closed."), extra={"code": "closed"})
    started = _attempt_insert(
        quiz=quiz, version=version, user=user, invitation=invitation, language=language
    )
    if started is not None:
        return started
    taker: dict[str, Any] = {"user": user} if user is not None else {"invitation": invitation}
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
    taker_id: Any = user.pk if user is not None else invitation.pk  # type: ignore[union-attr]
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
            lock = User if user is not None else CandidateInvitation
            lock.objects.select_for_update().filter(pk=taker_id).values_list("pk").first()
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
        raise Conflict(_("An attempt is already in progress."), extra={"id": str(current.pk)})
    allowed = version.attempts_allowed
    if allowed and _attempts_used(quiz=quiz, user=user, invitation=invitation) >= allowed:
        raise Conflict(_("No attempts are left for this quiz."), extra={"code": "no_attempts_left"})
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
            extra={"id": str(current.pk) if current else None},
        ) from exc


ANSWER_TEXT_MAX = 255
CHOICE_KINDS = tuple(k.value for k in Question.Kind if k not in Question.TEXT_KINDS)


def _answer_upsert(
    *,
    attempt_id: Any,
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
    where_params: list[Any] = [
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
    attempt_id: Any,
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
            raise Conflict(_("This attempt was submitted; answers can no longer change."))
        if attempt_time_is_up(locked):
            raise Conflict(_("Time is up for this attempt; answers can no longer change."))
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


def _answer_text_save(*, attempt: Attempt, question: Question, text: str | None) -> Answer:
    if text is None:
        message = _("This question is answered by typing: send “text”.")
        raise ValidationFailed(message, field_errors={"text": [message]})
    text = " ".join(text.split())
    if len(text) > ANSWER_TEXT_MAX:
        message = ngettext(
            "Keep the answer under %(n)d character.",
            "Keep the answer under %(n)d characters.",
            ANSWER_TEXT_MAX,
        ) % {"n": ANSWER_TEXT_MAX}
        raise ValidationFailed(message, field_errors={"text": [message]})
    if question.kind == Question.Kind.NUMERICAL and text and scoring.parse_number(text) is None:
        message = _("Type a number, such as 12 or 1.5.")
        raise ValidationFailed(message, field_errors={"text": [message]})
    answer, _created = Answer.objects.update_or_create(
        attempt=attempt,
        question=question,
        defaults={"choice_ids": [], "response_text": text, "saved_at": timezone.now()},
    )
    return answer


def attempt_submit(*, attempt: Attempt, auto: bool = False) -> Attempt:
    """Mark the attempt submitted (once) and score it in Celery after commit.

    Repeating, or racing another submit, changes nothing: only the request whose conditional
    update moves it out of ``in_progress`` enqueues scoring.
    """

    with transaction.atomic():
        moved = Attempt.objects.filter(pk=attempt.pk, status=Attempt.Status.IN_PROGRESS).update(
            status=Attempt.Status.SUBMITTED, submitted_at=timezone.now(), auto_submitted=auto
        )
        if moved:
            enqueue_on_commit("assessments.score_attempt", str(attempt.pk))
    attempt.refresh_from_db()
    return attempt


def attempt_score(*, attempt_id: Any) -> bool:
    """Score one submitted attempt (a batch of one): True if this call scored it, False
    (changing nothing) unless it is ``submitted``."""
    return attempts_score(attempt_id=attempt_id, batch=1) > 0


class AttemptBusy(Exception):
    """Another scoring batch holds the attempt right now (``attempts_score(wait=False)``)."""


def attempts_score(*, attempt_id: Any, batch: int | None = None, wait: bool = True) -> int:
    """Score the submitted attempt ``attempt_id`` and, in the same transaction, up to
    ``batch - 1`` (``SCORING_BATCH``) other submitted attempts nobody else is scoring, oldest
    first; returns how many were scored.

    Credits, score, band, pass, skill evidence, the ``attempts_scored`` event (follow-up
    training) and the result notifications are written for the whole batch with a fixed
    number of statements, so on quiz day one task scores a hundred attempts and the tasks of
    the other ninety-nine find theirs scored with one cheap query (and return 0).

    Exactly once: an attempt is locked and must still be ``submitted``; a second run, or a run
    after a worker died mid-way (its transaction rolled back), is harmless. The others are
    taken with ``SKIP LOCKED``, so batches never wait on each other and can't deadlock. When
    another batch holds the attempt itself, ``wait=True`` waits for that batch (which scores
    it, or rolls back and then this call does); ``wait=False`` raises ``AttemptBusy`` at once,
    for the task to look again a little later instead of idling its worker process.
    """
    size = max(1, batch or settings.SCORING_BATCH)
    still_submitted = Attempt.objects.filter(pk=attempt_id, status=Attempt.Status.SUBMITTED)
    if not still_submitted.exists():
        return 0
    submitted = Attempt.objects.select_related("quiz_version", "quiz", "user", "invitation").filter(
        status=Attempt.Status.SUBMITTED
    )
    try:
        with transaction.atomic():
            lock = submitted.select_for_update(of=("self",), skip_locked=not wait)
            own = list(lock.filter(pk=attempt_id)[:1])
            if not own:
                if not wait and still_submitted.exists():  # unscored, yet locked: a batch has it
                    raise AttemptBusy(str(attempt_id))
                return 0  # scored by another batch meanwhile
            others: list[Attempt] = []
            if size > 1:
                # Not those waiting longer than a sweep's interval: one that can't be scored
                # (its scoring fails every time) must not take every batch down with it.
                others = list(
                    submitted.select_for_update(of=("self",), skip_locked=True)
                    .filter(submitted_at__gte=timezone.now() - STALE_SUBMISSION)
                    .exclude(pk=attempt_id)
                    .order_by("submitted_at")[: size - 1]
                )
            _attempts_score_locked([*own, *others])
    except (AttemptBusy, OperationalError):
        raise  # busy, or the database is unreachable: the task retries as it is
    except Exception:
        if size == 1:
            raise
        # Something in the batch failed and rolled it all back: score this attempt alone, so
        # only the attempt at fault (if it is this one) is left for the retries and the sweep.
        logger.exception("Scoring a batch with attempt %s failed; scoring it alone", attempt_id)
        return attempts_score(attempt_id=attempt_id, batch=1, wait=wait)
    return 1 + len(others)


def _attempts_score_locked(attempts: list[Attempt]) -> None:
    """Score locked, submitted attempts: about ten statements for the batch, whatever its
    size (answers, credits, attempts, evidence, the events' subscribers, notifications)."""
    now = timezone.now()
    answers_of: dict[Any, dict[int, Answer]] = defaultdict(dict)
    for row in Answer.objects.filter(attempt__in=attempts).only(
        "pk", "attempt_id", "question_id", "choice_ids", "response_text"
    ):
        answers_of[row.attempt_id][row.question_id] = row
    credited: list[Answer] = []
    learners: list[AttemptScored] = []
    candidates: list[CandidateAttemptScored] = []
    evidence: list[skills_services.EvidenceValues] = []
    for attempt in attempts:
        version = attempt.quiz_version
        # typed answers are matched against the accepted answers in the attempt's language
        material = _scoring_material(version, attempt.language)
        questions = material.questions
        answers = answers_of.get(attempt.pk, {})
        score = max_score = 0.0
        for question in questions:
            max_score += question.weight
            answer = answers.get(question.pk)
            if answer is None:
                continue
            answer.credit = scoring.question_credit(
                kind=question.kind,
                rules=material.rules[question.pk],
                chosen=answer.choice_ids,
                text=answer.response_text,
            )
            score += answer.credit * question.weight
            credited.append(answer)
        percent = 100 * score / max_score if max_score else 0.0
        attempt.score = round(score, 4)
        attempt.max_score = max_score
        attempt.percent = round(percent, 2)
        attempt.passed = percent + 1e-9 >= version.pass_percent
        attempt.band = scoring.band_for(material.bands, score)
        attempt.status = Attempt.Status.SCORED
        attempt.scored_at = now
        if attempt.user is not None:
            evidence.extend(_evidence(attempt, material, answers))
            learners.append(
                AttemptScored(
                    attempt=attempt,
                    at=now,
                    score_visible=review_score_visible(attempt),
                    skill_credits=_skill_credits(material, answers),
                )
            )
        else:
            candidates.append(CandidateAttemptScored(attempt=attempt, at=now))
    update_rows(Answer, ["credit"], [(a.pk, a.credit) for a in credited])
    update_rows(
        Attempt,
        ["score", "max_score", "percent", "passed", "band", "status", "scored_at"],
        [
            (
                a.pk,
                a.score,
                a.max_score,
                a.percent,
                a.passed,
                a.band.pk if a.band is not None else None,
                a.status,
                a.scored_at,
            )
            for a in attempts
        ],
    )
    skills_services.evidence_add_many(evidence)
    if learners:
        attempts_scored.send(AttemptsScored(items=tuple(learners)))
    if candidates:
        candidate_attempts_scored.send(CandidateAttemptsScored(items=tuple(candidates)))
    notify_many([draft for a in attempts if (draft := _result_notification(a)) is not None])
    for version_id in sorted({a.quiz_version_id for a in attempts}):
        _schedule_item_analysis(version_id)


# Per process: a version's questions (with choices and skills) and bands, per language, read
# once however many of its attempts are scored. A version with attempts never changes (editing
# it makes a new version; the admin shows it read-only), so what was read stays true; the key
# also holds its creation and publication times, so a reused id can't match.
@dataclass(frozen=True)
class _ScoringMaterial:
    questions: list[Question]
    bands: list[Any]
    rules: dict[int, list[scoring.Rule]]
    """Question id → its choices' scoring rules."""
    skills: dict[int, tuple[int, ...]]
    """Question id → the ids of its skills."""


_SCORING_MATERIAL: dict[tuple[Any, ...], _ScoringMaterial] = {}
SCORING_MATERIAL_MAX = 32


def _scoring_material(version: QuizVersion, language: str) -> _ScoringMaterial:
    """The version's questions, bands, scoring rules and skills, in ``language``."""
    key = (version.pk, version.created_at, version.published_at, language or version.language)
    found = _SCORING_MATERIAL.get(key)
    if found is None:
        questions = questions_in_language(version, language)
        found = _ScoringMaterial(
            questions=questions,
            bands=list(version.bands.all()),
            rules={q.pk: [_rule(c) for c in q.choices.all()] for q in questions},
            skills={q.pk: tuple(skill.pk for skill in q.skills.all()) for q in questions},
        )
        if len(_SCORING_MATERIAL) >= SCORING_MATERIAL_MAX:
            _SCORING_MATERIAL.clear()
        _SCORING_MATERIAL[key] = found
    return found


def _evidence(
    attempt: Attempt, material: _ScoringMaterial, answers: dict[int, Answer]
) -> list[skills_services.EvidenceValues]:
    """One evidence row per scored answer and skill (credit as the outcome, weight as weight)."""
    occurred_at = attempt.submitted_at or attempt.scored_at or timezone.now()
    params = {"quiz": attempt.quiz.title}
    return [
        skills_services.EvidenceValues(
            user_id=attempt.user_id,  # type: ignore[arg-type]
            skill_id=skill_id,
            outcome=answers[q.pk].credit or 0.0,
            weight=q.weight,
            source=SkillEvidence.Source.ANSWER,
            source_id=answers[q.pk].pk,
            params=params,
            occurred_at=occurred_at,
        )
        for q in material.questions
        if q.pk in answers
        for skill_id in material.skills[q.pk]
    ]


def _skill_credits(
    material: _ScoringMaterial, answers: dict[int, Answer]
) -> dict[int, list[float]]:
    """Skill id → the credit earned on each question tagged with it (0 when unanswered)."""
    earned: dict[int, list[float]] = defaultdict(list)
    for question in material.questions:
        credit = answers[question.pk].credit if question.pk in answers else 0.0
        for skill_id in material.skills[question.pk]:
            earned[skill_id].append(credit or 0.0)
    return dict(earned)


def _result_notification(attempt: Attempt) -> NotificationDraft | None:
    """The learner's "your result is ready", or the inviting lead's "… finished"; stored
    language-neutral (``params``), so each reader sees it in their own language."""
    quiz = attempt.quiz
    if attempt.user is not None:
        params = {"quiz": quiz.title}
        return NotificationDraft(
            user_id=attempt.user.pk,
            key=f"attempt-scored:{attempt.pk}",
            kind="quiz_result",
            title=_("Your result for “%(quiz)s” is ready") % params,
            url=f"/attempts/{attempt.pk}/result/",
            params=params,
        )
    invitation = attempt.invitation
    if invitation is None or invitation.invited_by_id is None:
        return None
    params = {"who": invitation.name or invitation.email, "quiz": quiz.title}
    return NotificationDraft(
        user_id=invitation.invited_by_id,
        key=f"candidate-finished:{attempt.pk}",
        kind="candidate_result",
        title=_("%(who)s finished “%(quiz)s”") % params,
        url=f"/candidates/{invitation.pk}/",
        params=params,
    )


def _schedule_item_analysis(version_id: int) -> None:
    """At most one recomputation per version per minute, however many attempts are scored.
    Without the cache (Redis down) it is recomputed anyway: extra work, never a lost score."""
    try:
        first = cache.add(f"item-analysis:{version_id}", 1, timeout=60)
    except Exception:  # the cache's connection error (Redis down)
        logger.warning("Cache unavailable; item analysis of version %s enqueued", version_id)
        first = True
    if first:
        enqueue_on_commit("assessments.item_analysis", version_id)


def attempts_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Submit attempts whose time is up and re-enqueue scoring of submissions that stayed
    unscored (e.g. the broker was down at submit time). Safe to run in parallel."""

    now = now or timezone.now()
    expired = 0
    candidates = Attempt.objects.select_related("quiz_version", "invitation").filter(
        Q(deadline__lt=now)
        | Q(quiz_version__closes_at__lte=now)
        | Q(invitation__expires_at__lte=now)
        | Q(invitation__revoked_at__isnull=False),
        status=Attempt.Status.IN_PROGRESS,
    )
    for attempt in candidates.iterator():
        if (
            attempt_time_is_up(attempt, now=now)
            and attempt_submit(attempt=attempt, auto=True).auto_submitted
        ):
            expired += 1
    stale = list(
        Attempt.objects.filter(
            status=Attempt.Status.SUBMITTED, submitted_at__lt=now - STALE_SUBMISSION
        )
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:200]
    )
    for attempt_id in stale:
        enqueue_on_commit("assessments.score_attempt", str(attempt_id))
    return {"auto_submitted": expired, "rescored": len(stale), **_item_analysis_backstop()}


def _item_analysis_backstop() -> dict[str, int]:
    """Versions with attempts scored since their statistics were computed (the per-minute
    debounce after scoring may have skipped them), or with enough attempts and no statistics
    yet: recompute. Counts attempts as ``item_analysis_compute`` does (first attempts: one per
    user or invitation), so a version below the threshold is never enqueued again and again."""

    latest_stat = ItemStatistic.objects.filter(question__version=OuterRef("pk")).order_by(
        "-computed_at"
    )
    scored = Q(attempts__status=Attempt.Status.SCORED)
    analysed = (
        Count("attempts", filter=scored)
        if _item_analysis_attempts() == "all"
        else Count("attempts__user", filter=scored, distinct=True)
        + Count("attempts__invitation", filter=scored, distinct=True)
    )
    versions = list(
        QuizVersion.objects.annotate(
            analysed=analysed,
            last_scored=Max("attempts__scored_at"),
            computed=Subquery(latest_stat.values("computed_at")[:1]),
        )
        .filter(analysed__gte=ITEM_ANALYSIS_MIN_ATTEMPTS)
        .filter(Q(computed__isnull=True) | Q(last_scored__gt=F("computed")))
        .values_list("pk", flat=True)[:50]
    )
    for version_id in versions:
        enqueue_on_commit("assessments.item_analysis", version_id)
    return {"item_analysis": len(versions)}


# --- item analysis ----------------------------------------------------------------------------


def _item_analysis_attempts() -> str:
    """``settings.ITEM_ANALYSIS_ATTEMPTS``, checked: a typo must not silently change figures."""
    value = getattr(settings, "ITEM_ANALYSIS_ATTEMPTS", ITEM_ANALYSIS_ATTEMPTS_DEFAULT)
    if value not in ITEM_ANALYSIS_ATTEMPTS_CHOICES:
        raise ValueError(
            f"ITEM_ANALYSIS_ATTEMPTS must be one of {ITEM_ANALYSIS_ATTEMPTS_CHOICES}, not {value!r}"
        )
    return str(value)


def item_analysis_compute(*, version_id: int) -> int:
    """Facility, discrimination index and discriminative efficiency of every question of the
    version (``scoring.item_analysis``: Moodle's definitions), stored in ``ItemStatistic``.
    Returns how many questions were stored.

    - Attempts: the version's scored attempts; with ``ITEM_ANALYSIS_ATTEMPTS = "first"`` (the
      default) only each taker's first one (a user's, or a candidate invitation's: earliest
      ``started_at``, then id); with ``"all"`` every one.
    - Fewer than ``ITEM_ANALYSIS_MIN_ATTEMPTS``: nothing is stored, and figures stored before
      are removed (say attempts were deleted), so no figure outlives its data.
    - Deterministic: the figures depend on the set of attempts only, not on their order or
      start times.
    - Four statements whatever the number of attempts and questions: attempts, questions,
      credits, one bulk upsert (or attempts and one delete below the threshold).
    """
    first_only = _item_analysis_attempts() == "first"
    scored = Attempt.objects.filter(quiz_version_id=version_id, status=Attempt.Status.SCORED)
    first: dict[tuple[str, Any], tuple[datetime, Any]] = {}
    analysed: list[Any] = []
    for pk, user_id, invitation_id, started_at in scored.order_by().values_list(
        "pk", "user_id", "invitation_id", "started_at"
    ):
        if not first_only:
            analysed.append(pk)
            continue
        taker = ("user", user_id) if user_id is not None else ("invitation", invitation_id)
        if taker not in first or (started_at, pk) < first[taker]:
            first[taker] = (started_at, pk)
    if first_only:
        analysed = [pk for _started_at, pk in first.values()]
    if len(analysed) < ITEM_ANALYSIS_MIN_ATTEMPTS:
        ItemStatistic.objects.filter(question__version_id=version_id).delete()
        return 0
    questions = list(
        Question.objects.filter(version_id=version_id)
        .order_by("position", "pk")
        .values_list("pk", "weight")
    )
    column = {question_id: q for q, (question_id, _weight) in enumerate(questions)}
    rows: dict[Any, list[float]] = {pk: [0.0] * len(questions) for pk in analysed}
    for attempt_id, question_id, credit in Answer.objects.filter(
        attempt__quiz_version_id=version_id,
        attempt__status=Attempt.Status.SCORED,
        credit__isnull=False,
    ).values_list("attempt_id", "question_id", "credit"):
        row = rows.get(attempt_id)
        if row is not None and question_id in column:
            row[column[question_id]] = credit or 0.0
    results = scoring.item_analysis(
        weights=[weight for _question_id, weight in questions], credits=list(rows.values())
    )
    now = timezone.now()
    ItemStatistic.objects.bulk_create(
        [
            ItemStatistic(
                question_id=question_id,
                attempts=result.attempts,
                facility=round(result.facility, 4),
                discrimination_index=None
                if result.discrimination_index is None
                else round(result.discrimination_index, 2),
                discriminative_efficiency=None
                if result.discriminative_efficiency is None
                else round(result.discriminative_efficiency, 2),
                computed_at=now,
            )
            for (question_id, _weight), result in zip(questions, results, strict=True)
        ],
        update_conflicts=True,
        unique_fields=["question"],
        update_fields=[
            "attempts",
            "facility",
            "discrimination_index",
            "discriminative_efficiency",
            "computed_at",
        ],
    )
    return len(results)


@transaction.atomic
def attempts_delete(*, attempts: QuerySet[Attempt]) -> int:
    """Delete attempts with the skill evidence their answers produced (the admin's delete)."""
    ids = list(attempts.values_list("pk", flat=True))
    answer_ids = Answer.objects.filter(attempt_id__in=ids).values_list("pk", flat=True)
    skills_services.evidence_delete(source=SkillEvidence.Source.ANSWER, source_ids=answer_ids)
    deleted, _by_model = Attempt.objects.filter(pk__in=ids).delete()
    return deleted


# --- candidate invitations --------------------------------------------------------------------


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


def candidate_invitation_send(*, invitation_id: Any) -> bool:
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
