"""Writes of the xAPI app: recording statements (the hook subscribers, in the event's
transaction), delivering the outbox to the LRS, retrying failures and the backfill.

Guarantees (each has a test in tests/xapi/):
- off unless ``XAPI_LRS_URL`` is set: then nothing is stored;
- a statement is stored in the transaction of its event, so it exists exactly when the event
  does (a rolled-back event leaves no statement);
- the same event always has the same statement id: recording it again stores nothing new, and
  the LRS stores it once (a 409 "already stored" counts as sent);
- two workers never send the same row (``SELECT … FOR UPDATE SKIP LOCKED``);
- an LRS that is down or answers 5xx loses nothing: the rows wait with exponential backoff;
  after ``XAPI_MAX_ATTEMPTS`` they are "failed", kept, and can be retried;
- a statement the LRS rejects (4xx) is found by splitting its batch and marked "failed" with
  the LRS's message; the others are sent.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from assessments.hooks import AttemptsScored, CandidateAttemptsScored
from assessments.models import Answer, Attempt
from core.tasks import enqueue_on_commit
from courses.hooks import LessonCompleted, ModuleCompleted, SopAcknowledged
from courses.models import LessonProgress, ModuleCompletion, SOPAcknowledgement
from qa.hooks import QaAssignmentMade
from qa.models import RuleFiring, TrainingSuggestion
from readiness.hooks import ReadinessDecided
from xapi import lrs
from xapi import statements as build
from xapi.models import Statement
from xapi.validate import statement_problems

logger = logging.getLogger(__name__)

BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=1)


def xapi_enabled() -> bool:
    return bool(settings.XAPI_LRS_URL)


# --- recording ----------------------------------------------------------------------------


def statements_record(built: Iterable[build.Built], *, kick: bool = True) -> int:
    """Store statements in the outbox (in the caller's transaction) and send them after commit.

    Ids already stored are skipped (the same event recorded again). A statement that fails
    validation is stored as "failed" with the reason, never raised: a bug here must not undo
    the learner's work. Returns how many rows were new. Does nothing while xAPI is off.
    """
    if not xapi_enabled():
        return 0
    now = timezone.now()
    rows = []
    for item in built:
        problems = statement_problems(item.payload)
        if problems:
            logger.error("Invalid xAPI statement %s: %s", item.key, "; ".join(problems))
        rows.append(
            Statement(
                statement_id=item.payload["id"],
                verb=item.verb,
                payload=item.payload,
                state=Statement.State.FAILED if problems else Statement.State.PENDING,
                last_error="; ".join(problems)[:2000],
                next_try_at=now,
                created_at=now,
            )
        )
    if not rows:
        return 0
    ids = [row.statement_id for row in rows]
    existing = {
        str(pk)
        for pk in Statement.objects.filter(statement_id__in=ids).values_list(
            "statement_id", flat=True
        )
    }
    new = [row for row in rows if str(row.statement_id) not in existing]
    if new:
        # ignore_conflicts: a parallel transaction recording the same event wins quietly.
        Statement.objects.bulk_create(new, ignore_conflicts=True)
        if kick:
            enqueue_on_commit("xapi.statements_deliver")
    return len(new)


def on_sop_acknowledged(event: SopAcknowledged) -> None:
    if xapi_enabled():
        statements_record(
            [build.sop_acknowledged(user=event.user, version=event.version, at=event.at)]
        )


def on_lesson_completed(event: LessonCompleted) -> None:
    if xapi_enabled():
        statements_record(
            [build.lesson_completed(user=event.user, lesson=event.lesson, at=event.at)]
        )


def on_readiness_decided(event: ReadinessDecided) -> None:
    if xapi_enabled():
        statements_record([build.readiness_decided(decision=event.decision)])


def on_module_completed(event: ModuleCompleted) -> None:
    if xapi_enabled():
        statements_record(
            [build.module_completed(user=event.user, module=event.module, at=event.at)]
        )


def _answers_of(attempts: list[Attempt]) -> dict[UUID, list[Answer]]:
    """Each attempt's answers with their questions and choices: three queries for a batch."""
    answers: dict[UUID, list[Answer]] = {attempt.pk: [] for attempt in attempts}
    for answer in (
        Answer.objects.filter(attempt__in=attempts)
        .select_related("question")
        .prefetch_related("question__choices")
        .order_by("question__position", "question_id")
    ):
        answers[answer.attempt_id].append(answer)
    return answers


def on_attempts_scored(event: AttemptsScored) -> None:
    _attempts_record(
        [item.attempt for item in event.items if item.attempt.user is not None],
        lambda attempt: build.actor_for_user(attempt.user),  # type: ignore[arg-type]
    )


def on_candidate_attempts_scored(event: CandidateAttemptsScored) -> None:
    """Only when the invitation says the candidate agreed to their result being sent."""
    _attempts_record(
        [
            item.attempt
            for item in event.items
            if item.attempt.invitation is not None and item.attempt.invitation.share_results_xapi
        ],
        lambda attempt: build.actor_for_candidate(attempt.invitation),  # type: ignore[arg-type]
    )


def _attempts_record(
    attempts: list[Attempt], actor: Callable[[Attempt], dict[str, object]]
) -> None:
    """The statements of a scoring batch's attempts, each by its ``actor``, in one go."""
    if not xapi_enabled() or not attempts:
        return
    answers = _answers_of(attempts)
    statements_record(
        [
            statement
            for attempt in attempts
            for statement in build.attempt_statements(
                attempt, actor=actor(attempt), answers=answers[attempt.pk]
            )
        ]
    )


def on_qa_assignment_made(event: QaAssignmentMade) -> None:
    if xapi_enabled():
        statements_record(
            [build.qa_assignment_made(assignment=event.assignment, rule=event.rule, at=event.at)]
        )


# --- delivery -----------------------------------------------------------------------------


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    deferred: int = 0
    """Rows put back for a later try (LRS down or 5xx)."""


def _backoff(attempts: int) -> timedelta:
    """1, 2, 4, … minutes after the n-th failed try, at most an hour."""
    return min(BACKOFF_FIRST * 2 ** max(attempts - 1, 0), BACKOFF_MAX)


def _split(rows: list[Statement]) -> Iterator[tuple[list[Statement], lrs.Answer]]:
    """POST ``rows``; on a 4xx (409 included) or a 500 for several, halve and POST each half,
    so one bad statement fails alone. Yields each part with the LRS's answer to it.

    A 500 is split too because some LRSs (Ralph 5.1) answer 500 to a statement they can't
    parse; 502, 503 and 504 mean the LRS is unavailable, and are not split.
    """
    answer = lrs.statements_post([row.payload for row in rows])
    if (
        len(rows) > 1
        and answer.status is not None
        and (400 <= answer.status < 500 or answer.status == 500)
    ):
        middle = len(rows) // 2
        yield from _split(rows[:middle])
        yield from _split(rows[middle:])
        return
    yield rows, answer


def _batch_deliver(rows: list[Statement], *, now: datetime, report: DeliveryReport) -> bool:
    """Send one locked batch and write the outcome. False when the LRS is unavailable."""
    available = True
    for part, answer in _split(rows):
        ids = [row.pk for row in part]
        if answer.status is not None and (200 <= answer.status < 300 or answer.status == 409):
            # 409: the LRS already holds a statement with this id (ours: ids are per event).
            Statement.objects.filter(pk__in=ids).update(
                state=Statement.State.SENT, sent_at=now, last_error=""
            )
            report.sent += len(part)
        elif answer.status is not None and 400 <= answer.status < 500:
            Statement.objects.filter(pk__in=ids).update(
                state=Statement.State.FAILED,
                attempts=part[0].attempts + 1,
                last_error=f"HTTP {answer.status}: {answer.message}"[:2000],
            )
            report.failed += len(part)
        else:  # unreachable, 5xx or an unexpected answer: try again later
            available = False
            error = (
                f"HTTP {answer.status}: {answer.message}"
                if answer.status is not None
                else answer.message
            )[:2000]
            for row in part:
                row.attempts += 1
                row.last_error = error
                row.next_try_at = now + _backoff(row.attempts)
                if row.attempts >= settings.XAPI_MAX_ATTEMPTS:
                    row.state = Statement.State.FAILED
                    report.failed += 1
                else:
                    report.deferred += 1
            Statement.objects.bulk_update(part, ["attempts", "last_error", "next_try_at", "state"])
    return available


def statements_deliver(*, max_batches: int = 20, now: datetime | None = None) -> DeliveryReport:
    """Send due pending statements to the LRS in batches of ``XAPI_BATCH_SIZE``, oldest first.

    Each batch is claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` and settled in the same
    transaction, so a parallel run takes other rows and a crash leaves the rows pending. Stops
    at the first batch the LRS can't take (down or 5xx): the rest waits for the next run.
    """
    report = DeliveryReport()
    if not xapi_enabled():
        return report
    for _batch in range(max_batches):
        now_ = now or timezone.now()
        with transaction.atomic():
            rows = list(
                Statement.objects.select_for_update(skip_locked=True)
                .filter(state=Statement.State.PENDING, next_try_at__lte=now_)
                .order_by("created_at", "id")[: settings.XAPI_BATCH_SIZE]
            )
            if not rows:
                break
            available = _batch_deliver(rows, now=now_, report=report)
        if not available:
            break
    if report.failed:
        logger.warning(
            "xAPI: %d statement(s) failed; see the admin's xAPI statements", report.failed
        )
    return report


def statements_retry(*, statements: QuerySet[Statement]) -> int:
    """Put failed statements back in the queue (now, attempts reset); returns how many."""
    with transaction.atomic():
        count = statements.filter(state=Statement.State.FAILED).update(
            state=Statement.State.PENDING, attempts=0, next_try_at=timezone.now()
        )
        if count:
            enqueue_on_commit("xapi.statements_deliver")
    return count


# --- backfill -----------------------------------------------------------------------------


def _chunks(queryset: QuerySet, size: int = 500) -> Iterator[list]:
    batch: list = []
    for item in queryset.iterator(chunk_size=size):
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def statements_backfill(*, since: datetime | None = None) -> dict[str, int]:
    """Record statements for the history (acknowledgements, lessons, modules, scored attempts,
    QA assignments) with the ids the live hooks give, so running it again, or after the hooks
    already recorded an event, adds nothing. Returns new statements per kind."""
    if not xapi_enabled():
        return {}
    counts: dict[str, int] = {}

    def since_filter(field: str) -> dict[str, datetime]:
        return {f"{field}__gte": since} if since is not None else {}

    def record(kind: str, built: Iterable[build.Built]) -> None:
        with transaction.atomic():
            counts[kind] = counts.get(kind, 0) + statements_record(built, kick=False)

    acks = SOPAcknowledgement.objects.select_related("user", "sop_version__sop").filter(
        sop_version__status="published", **since_filter("acknowledged_at")
    )
    for chunk in _chunks(acks.order_by("pk")):
        record(
            "sop_acknowledged",
            (
                build.sop_acknowledged(user=a.user, version=a.sop_version, at=a.acknowledged_at)
                for a in chunk
            ),
        )
    lessons = LessonProgress.objects.select_related("user", "lesson__module").filter(
        **since_filter("completed_at")
    )
    for chunk in _chunks(lessons.order_by("pk")):
        record(
            "lesson_completed",
            (
                build.lesson_completed(user=p.user, lesson=p.lesson, at=p.completed_at)
                for p in chunk
            ),
        )
    modules = ModuleCompletion.objects.select_related("user", "module").filter(
        **since_filter("completed_at")
    )
    for chunk in _chunks(modules.order_by("pk")):
        record(
            "module_completed",
            (
                build.module_completed(user=c.user, module=c.module, at=c.completed_at)
                for c in chunk
            ),
        )
    attempts = (
        Attempt.objects.select_related("quiz", "quiz_version", "user", "invitation")
        .prefetch_related("answers__question__choices")
        .filter(status=Attempt.Status.SCORED, **since_filter("scored_at"))
        .exclude(user__isnull=True, invitation__share_results_xapi=False)
    )
    for chunk in _chunks(attempts.order_by("scored_at", "pk"), size=100):
        built: list[build.Built] = []
        for attempt in chunk:
            actor = (
                build.actor_for_user(attempt.user)
                if attempt.user is not None
                else build.actor_for_candidate(attempt.invitation)
            )
            answers = sorted(
                attempt.answers.all(), key=lambda a: (a.question.position, a.question_id)
            )
            built.extend(build.attempt_statements(attempt, actor=actor, answers=answers))
        record("attempts", built)
    _backfill_qa(since_filter, record)
    if any(counts.values()):
        enqueue_on_commit("xapi.statements_deliver")
    return counts


def _backfill_qa(
    since_filter: Callable[[str], dict[str, datetime]],
    record: Callable[[str, Iterable[build.Built]], None],
) -> None:
    """QA assignments: from automatic firings and accepted suggestions, as when they were
    made (the firing's time, the lead's decision)."""
    firings = RuleFiring.objects.select_related(
        "rule", "assignment__user", "assignment__module"
    ).filter(assignment__isnull=False, suggestion__isnull=True, **since_filter("fired_at"))
    for chunk in _chunks(firings.order_by("pk")):
        record(
            "qa_assignments",
            (
                build.qa_assignment_made(assignment=f.assignment, rule=f.rule, at=f.fired_at)
                for f in chunk
                if f.assignment.source == "qa_rule"
            ),
        )
    accepted = TrainingSuggestion.objects.select_related(
        "rule", "assignment__user", "assignment__module"
    ).filter(assignment__isnull=False, decided_at__isnull=False, **since_filter("decided_at"))
    for chunk in _chunks(accepted.order_by("pk")):
        record(
            "qa_assignments",
            (
                build.qa_assignment_made(assignment=s.assignment, rule=s.rule, at=s.decided_at)
                for s in chunk
                if s.assignment.source == "qa_rule"
            ),
        )
