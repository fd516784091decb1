"""Writes of the skills app: evidence, the skill projection, and role profiles.

Every source of evidence (scored answers, QA findings, completed modules, in the apps above)
builds rows with ``evidence_row`` and stores them with ``evidence_add``: epoch-referenced
parts (see ``skill_model``), each source at most once per person and skill. The projection
``SkillProficiency`` is then refreshed for the affected people in Celery, with the same
``SUM … GROUP BY`` that ``rebuild_skill_profiles`` runs for everyone, so both always agree.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import NamedTuple

from django.db import transaction
from django.db.models import (
    Count,
    Exists,
    F,
    FloatField,
    Max,
    OuterRef,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Now
from django.utils import timezone

from accounts.models import User
from core.sql import insert_rows, insert_select
from core.tasks import enqueue_on_commit
from skills import skill_model
from skills.decay_sql import decayed_value
from skills.models import LearnerProfile, RoleProfile, SkillEvidence, SkillProficiency

# --- writing evidence -------------------------------------------------------------------------


def evidence_row(
    *,
    user_id: int,
    skill_id: int,
    outcome: float,
    weight: float,
    at: datetime,
    source: SkillEvidence.Source,
    source_id: int,
    params: Mapping[str, object] | None = None,
) -> SkillEvidence:
    """One unsaved evidence row. ``params`` is what the evidence list shows about the source
    (see ``selectors.evidence_label``)."""
    return SkillEvidence(
        user_id=user_id,
        skill_id=skill_id,
        outcome=outcome,
        weight=weight,
        occurred_at=at,
        occurred_day=skill_model.day_number(at),
        source=source,
        source_id=source_id,
        params=params or {},
    )


def evidence_add(rows: list[SkillEvidence]) -> None:
    """Store evidence (each source row at most once) and refresh the projection after commit."""
    if not rows:
        return
    SkillEvidence.objects.bulk_create(rows, ignore_conflicts=True)
    profiles_refresh_later(user_ids={row.user_id for row in rows})


class EvidenceValues(NamedTuple):
    """One piece of evidence as plain values (see ``evidence_row`` for their meaning)."""

    user_id: int
    skill_id: int
    outcome: float
    weight: float
    source: str
    source_id: int
    params: Mapping[str, object]
    occurred_at: datetime


_EVIDENCE_FIELDS = (*EvidenceValues._fields, "occurred_day", "created_at")


def evidence_add_many(rows: list[EvidenceValues]) -> None:
    """``evidence_add`` for large batches (QA review imports, scoring batches): plain values
    written with one array ``INSERT`` (``core.sql.insert_rows``), no model instance or SQL
    compiled per row.
    Each source row at most once; the projection is refreshed after commit."""
    if not rows:
        return
    created = timezone.now()
    insert_rows(
        SkillEvidence,
        _EVIDENCE_FIELDS,
        [(*row, skill_model.day_number(row.occurred_at), created) for row in rows],
    )
    profiles_refresh_later(user_ids={row.user_id for row in rows})


# --- the projection ---------------------------------------------------------------------------

PROJECTION_COLUMNS = (
    "user",
    "skill",
    "alpha",
    "beta",
    "anchor_day",
    "evidence_count",
    "last_evidence_at",
    "updated_at",
)


def _projection_rows(
    evidence: QuerySet[SkillEvidence], *, now: datetime
) -> QuerySet[SkillEvidence, tuple[object, ...]]:
    """Per (user, skill): Σa and Σb decayed to ``now``, computed by the database from the raw
    evidence: a = w·o·½^((now − t)/H), b likewise with 1 − o, in log space (``decay_sql``)."""
    anchor = skill_model.day_number(now)
    halves = (Value(anchor) - F("occurred_day")) / Value(skill_model.half_life_days())
    return (
        evidence.values("user_id", "skill_id")
        .annotate(
            p_alpha=Sum(
                decayed_value(F("weight") * F("outcome"), halves), output_field=FloatField()
            ),
            p_beta=Sum(
                decayed_value(F("weight") * (Value(1.0) - F("outcome")), halves),
                output_field=FloatField(),
            ),
            p_anchor=Value(anchor, output_field=FloatField()),
            p_count=Count("pk"),
            p_last=Max("occurred_at"),
            p_updated=Now(),
        )
        .values_list(
            "user_id", "skill_id", "p_alpha", "p_beta", "p_anchor", "p_count", "p_last", "p_updated"
        )
    )


UPSERT = (
    '("user_id", "skill_id") DO UPDATE SET alpha = EXCLUDED.alpha, beta = EXCLUDED.beta, '
    "anchor_day = EXCLUDED.anchor_day, evidence_count = EXCLUDED.evidence_count, "
    "last_evidence_at = EXCLUDED.last_evidence_at, updated_at = EXCLUDED.updated_at"
)


def profiles_refresh(*, user_ids: Iterable[int], now: datetime | None = None) -> int:
    """Recompute the projection rows of these people from their raw evidence (idempotent)."""
    ids = sorted(set(user_ids))
    if not ids:
        return 0
    with transaction.atomic():
        written = insert_select(
            SkillProficiency,
            PROJECTION_COLUMNS,
            _projection_rows(
                SkillEvidence.objects.filter(user_id__in=ids), now=now or timezone.now()
            ),
            on_conflict=UPSERT,
        )
        # a skill whose evidence is gone (a deleted finding) has no projection row either
        SkillProficiency.objects.filter(user_id__in=ids).exclude(
            Exists(
                SkillEvidence.objects.filter(
                    user_id=OuterRef("user_id"), skill_id=OuterRef("skill_id")
                )
            )
        ).delete()
    return written


def evidence_delete(*, source: SkillEvidence.Source, source_ids: Iterable[int]) -> int:
    """Forget the evidence of deleted sources (a deleted finding) and refresh the projection."""
    evidence = SkillEvidence.objects.filter(source=source, source_id__in=list(source_ids))
    user_ids = set(evidence.values_list("user_id", flat=True))
    deleted, _by_model = evidence.delete()
    profiles_refresh_later(user_ids=user_ids)
    return deleted


def profiles_refresh_later(*, user_ids: Iterable[int]) -> None:
    ids = sorted(set(user_ids))
    if ids:
        enqueue_on_commit("skills.profiles_refresh", ids)


def profiles_rebuild(*, now: datetime | None = None) -> int:
    """Rebuild every projection row from the raw evidence with today's half-life: one DELETE
    and one INSERT … SELECT (run it after changing ``SKILL_HALF_LIFE_DAYS``)."""
    with transaction.atomic():
        SkillProficiency.objects.all().delete()
        return insert_select(
            SkillProficiency,
            PROJECTION_COLUMNS,
            _projection_rows(SkillEvidence.objects.all(), now=now or timezone.now()),
        )


# --- role profiles ----------------------------------------------------------------------------


def learner_profile_set(*, user: User, role_profile: RoleProfile | None) -> LearnerProfile:
    profile, _created = LearnerProfile.objects.update_or_create(
        user=user, defaults={"role_profile": role_profile}
    )
    return profile
