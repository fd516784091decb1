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

import logging
import secrets
from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, models, transaction
from django.db.models import Count, F, Max, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Team, User
from accounts.selectors import teams_led_by
from accounts.services import email_normalize
from assessments import scoring
from assessments.hooks import (
    AttemptScored,
    CandidateAttemptScored,
    attempt_scored,
    candidate_attempt_scored,
)
from assessments.models import (
    Answer,
    Attempt,
    CandidateInvitation,
    Choice,
    ItemStatistic,
    Question,
    Quiz,
    QuizVersion,
)
from assessments.selectors import (
    candidate_invitation_state,
    candidate_invitation_url,
    quiz_current_version,
    review_visibility,
)
from core.email import email_send
from core.errors import Conflict, NotFound, ValidationFailed
from core.markdown import render_markdown
from core.tasks import enqueue_on_commit
from notifications.services import notify
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
    the models declare them (``tests/assessments/test_version_copy.py`` checks each one).
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
    questions = list(latest.questions.prefetch_related("choices", *question_m2m))
    copied = _copy_rows([(question, copy) for question in questions], parent="version")
    _copy_rows(
        [
            (choice, question_copy)
            for question, question_copy in zip(questions, copied, strict=True)
            for choice in question.choices.all()
        ],
        parent="question",
    )
    _copy_rows([(band, copy) for band in latest.bands.all()], parent="version")
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
    *, quiz: Quiz, user: User | None = None, invitation: CandidateInvitation | None = None
) -> Attempt:
    """Start an attempt on the quiz's current published version.

    ``Conflict`` (with the open attempt's ``id``) if one is in progress, or when no attempts
    are left. A candidate's invitation must still be usable.
    """
    if (user is None) == (invitation is None):
        raise ValueError("An attempt belongs to a user or to an invitation.")
    if not quiz.is_published:
        raise NotFound(_("Quiz not found."))
    if invitation is not None:
        state = candidate_invitation_state(invitation)
        if state in {"expired", "revoked"}:
            raise Conflict(_("This invitation can no longer be used."))
    version = quiz_current_version(quiz)
    if version is None:
        raise NotFound(_("This quiz has no published version yet."))
    if version.closes_at is not None and timezone.now() >= version.closes_at:
        raise Conflict(_("This quiz is closed."), extra={"code": "closed"})
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
        return _attempt_create(quiz=quiz, version=version, user=user, invitation=invitation)


def _attempt_create(
    *, quiz: Quiz, version: QuizVersion, user: User | None, invitation: CandidateInvitation | None
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
    now = timezone.now()
    try:
        with transaction.atomic():
            return Attempt.objects.create(
                quiz=quiz,
                quiz_version=version,
                user=user,
                invitation=invitation,
                seed=secrets.randbelow(2**31),
                started_at=now,
                deadline=now + timedelta(minutes=version.time_limit_minutes)
                if version.time_limit_minutes
                else None,
            )
    except IntegrityError as exc:  # a parallel start won the race
        current = open_attempts.first()
        raise Conflict(
            _("An attempt is already in progress."),
            extra={"id": str(current.pk) if current else None},
        ) from exc


ANSWER_TEXT_MAX = 255


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
    """
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
        message = _("Keep the answer under %(n)d characters.") % {"n": ANSWER_TEXT_MAX}
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
    """Score a submitted attempt: credits, score, band, pass, skill evidence, follow-ups and
    notifications, in one transaction. Returns False (changing nothing) unless the attempt is
    ``submitted``: a second run, or a run after a worker died mid-way, is harmless.
    """
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update(of=("self",))
            .select_related("quiz_version", "quiz", "user", "invitation")
            .filter(pk=attempt_id)
            .first()
        )
        if attempt is None or attempt.status != Attempt.Status.SUBMITTED:
            return False
        version = attempt.quiz_version
        questions = list(version.questions.prefetch_related("choices", "skills"))
        answers = {a.question_id: a for a in attempt.answers.all()}
        score = max_score = 0.0
        for question in questions:
            max_score += question.weight
            answer = answers.get(question.pk)
            if answer is None:
                continue
            answer.credit = scoring.question_credit(
                kind=question.kind,
                rules=[_rule(c) for c in question.choices.all()],
                chosen=answer.choice_ids,
                text=answer.response_text,
            )
            score += answer.credit * question.weight
        Answer.objects.bulk_update(list(answers.values()), ["credit"])
        percent = 100 * score / max_score if max_score else 0.0
        attempt.score = round(score, 4)
        attempt.max_score = max_score
        attempt.percent = round(percent, 2)
        attempt.passed = percent + 1e-9 >= version.pass_percent
        attempt.band = scoring.band_for(version.bands.all(), score)
        attempt.status = Attempt.Status.SCORED
        attempt.scored_at = timezone.now()
        attempt.save(
            update_fields=["score", "max_score", "percent", "passed", "band", "status", "scored_at"]
        )
        if attempt.user is not None:
            _record_evidence(attempt, questions, answers)
            attempt_scored.send(
                AttemptScored(
                    attempt=attempt,
                    at=attempt.scored_at,
                    score_visible=review_visibility(attempt).score,
                    skill_credits=_skill_credits(questions, answers),
                )
            )
        else:
            candidate_attempt_scored.send(
                CandidateAttemptScored(attempt=attempt, at=attempt.scored_at)
            )
        _notify_result(attempt)
        _schedule_item_analysis(version.pk)
    return True


def _record_evidence(
    attempt: Attempt, questions: list[Question], answers: dict[int, Answer]
) -> None:
    """One evidence row per scored answer and skill (credit as the outcome, weight as weight)."""
    occurred_at = attempt.submitted_at or attempt.scored_at or timezone.now()
    skills_services.evidence_add(
        [
            skills_services.evidence_row(
                user_id=attempt.user_id,  # type: ignore[arg-type]
                skill_id=skill.pk,
                outcome=answers[q.pk].credit or 0.0,
                weight=q.weight,
                at=occurred_at,
                source=SkillEvidence.Source.ANSWER,
                source_id=answers[q.pk].pk,
                params={"quiz": attempt.quiz.title},
            )
            for q in questions
            if q.pk in answers
            for skill in q.skills.all()
        ]
    )


def _skill_credits(questions: list[Question], answers: dict[int, Answer]) -> dict[int, list[float]]:
    """Skill id → the credit earned on each question tagged with it (0 when unanswered)."""
    earned: dict[int, list[float]] = defaultdict(list)
    for question in questions:
        credit = answers[question.pk].credit if question.pk in answers else 0.0
        for skill in question.skills.all():
            earned[skill.pk].append(credit or 0.0)
    return dict(earned)


def _notify_result(attempt: Attempt) -> None:
    quiz = attempt.quiz
    if attempt.user is not None:
        notify(
            user=attempt.user,
            key=f"attempt-scored:{attempt.pk}",
            kind="quiz_result",
            title=_("Your result for “%(quiz)s” is ready") % {"quiz": quiz.title},
            url=f"/attempts/{attempt.pk}/result/",
        )
        return
    invitation = attempt.invitation
    if invitation is not None and invitation.invited_by is not None:
        notify(
            user=invitation.invited_by,
            key=f"candidate-finished:{attempt.pk}",
            kind="candidate_result",
            title=_("%(who)s finished “%(quiz)s”")
            % {"who": invitation.name or invitation.email, "quiz": quiz.title},
            url=f"/candidates/{invitation.pk}/",
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
) -> CandidateInvitation:
    """A lead invites a candidate to take a quiz; the link is emailed after commit.

    The invitation belongs to one of the lead's teams (``team``, from
    ``accounts.selectors.team_get_led``, or else their only team), so only that team's leads
    see the result.
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
    elif quiz_current_version(quiz) is None:
        errors["quiz"] = [_("This quiz has no published version yet.")]
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
    try:
        email_send(
            to=invitation.email,
            template="emails/candidate_invitation",
            context={
                "invitation": invitation,
                "inviter_name": inviter.get_full_name() if inviter else "Readiness",
                "url": f"{settings.SITE_URL}{candidate_invitation_url(invitation)}",
            },
            language=inviter.language if inviter else None,
            time_zone=inviter.time_zone if inviter else None,
        )
    except Exception:
        CandidateInvitation.objects.filter(pk=invitation_id).update(sent_at=None)
        raise
    return True
