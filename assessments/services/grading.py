"""Scoring submitted attempts in Celery, in batches (``SCORING_BATCH``), exactly once: credits,
scores and bands, skill evidence, the scoring hooks and result notices; the sweep that
submits attempts whose time is up and re-enqueues those left unscored."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.core.cache import cache
from django.db import OperationalError, transaction
from django.db.models import Count, F, Max, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

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
    ItemStatistic,
    Question,
    QuizVersion,
    ResultBand,
)
from assessments.selectors import (
    questions_in_language,
    review_score_visible,
)
from assessments.services.attempts import attempt_submit, attempt_time_is_up
from assessments.services.item_analysis import (
    ITEM_ANALYSIS_MIN_ATTEMPTS,
    item_analysis_attempts_mode,
)
from assessments.services.versions import choice_rule
from core.sql import update_rows
from core.tasks import enqueue_on_commit
from core.types import RawUuid
from notifications.services import NotificationDraft, notify_many
from skills import services as skills_services
from skills.models import SkillEvidence

logger = logging.getLogger(__name__)

STALE_SUBMISSION = timedelta(minutes=2)


def attempt_score(*, attempt_id: RawUuid) -> bool:
    """Score one submitted attempt (a batch of one): True if this call scored it, False
    (changing nothing) unless it is ``submitted``."""
    return attempts_score(attempt_id=attempt_id, batch=1) > 0


class AttemptBusy(Exception):
    """Another scoring batch holds the attempt right now (``attempts_score(wait=False)``)."""


def attempts_score(*, attempt_id: RawUuid, batch: int | None = None, wait: bool = True) -> int:
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
    answers_of: dict[UUID, dict[int, Answer]] = defaultdict(dict)
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
    bands: list[ResultBand]
    rules: dict[int, list[scoring.Rule]]
    """Question id → its choices' scoring rules."""
    skills: dict[int, tuple[int, ...]]
    """Question id → the ids of its skills."""


_SCORING_MATERIAL: dict[tuple[int, datetime, datetime | None, str], _ScoringMaterial] = {}
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
            rules={q.pk: [choice_rule(c) for c in q.choices.all()] for q in questions},
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
        enqueue_on_commit("assessments.item_analysis_compute", version_id)


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
        if item_analysis_attempts_mode() == "all"
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
        enqueue_on_commit("assessments.item_analysis_compute", version_id)
    return {"item_analysis": len(versions)}
