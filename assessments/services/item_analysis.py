"""Item analysis of a quiz version (Moodle's definitions): facility, discrimination and their
sample sizes per question, recomputed after scoring at most once a minute per version."""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.utils import timezone

from assessments import scoring
from assessments.models import (
    Answer,
    Attempt,
    ItemStatistic,
    Question,
)

ITEM_ANALYSIS_MIN_ATTEMPTS = scoring.ITEM_ANALYSIS_MIN_ATTEMPTS
ITEM_ANALYSIS_FEW_ATTEMPTS = scoring.ITEM_ANALYSIS_FEW_ATTEMPTS
# ``settings.ITEM_ANALYSIS_ATTEMPTS``: "first" (each taker's first scored attempt on the
# version, as Moodle does by default) or "all" (every scored attempt, each counted as if by a
# different person).
ITEM_ANALYSIS_ATTEMPTS_DEFAULT = "first"
ITEM_ANALYSIS_ATTEMPTS_CHOICES = ("first", "all")


def item_analysis_attempts_mode() -> str:
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
      default) only each taker's first one (a user's, a candidate invitation's, or an erased
      person's ``anonymous_taker``: earliest ``started_at``, then id); with ``"all"`` every
      one.
    - Fewer than ``ITEM_ANALYSIS_MIN_ATTEMPTS``: nothing is stored, and figures stored before
      are removed (say attempts were deleted), so no figure outlives its data.
    - Deterministic: the figures depend on the set of attempts only, not on their order or
      start times.
    - Four statements whatever the number of attempts and questions: attempts, questions,
      credits, one bulk upsert (or attempts and one delete below the threshold).
    """
    first_only = item_analysis_attempts_mode() == "first"
    scored = Attempt.objects.filter(quiz_version_id=version_id, status=Attempt.Status.SCORED)
    first: dict[tuple[str, int | UUID | None], tuple[datetime, UUID]] = {}
    analysed: list[UUID] = []
    for pk, user_id, invitation_id, anonymous, started_at in scored.order_by().values_list(
        "pk", "user_id", "invitation_id", "anonymous_taker", "started_at"
    ):
        if not first_only:
            analysed.append(pk)
            continue
        taker: tuple[str, int | UUID | None] = (
            ("user", user_id)
            if user_id is not None
            else ("invitation", invitation_id)
            if invitation_id is not None
            else ("erased", anonymous)  # an erased person's attempts: one taker still
        )
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
    rows: dict[UUID, list[float]] = {pk: [0.0] * len(questions) for pk in analysed}
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
