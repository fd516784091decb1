"""The one writer of QA findings from files and pushes: a batch of checked lines becomes
findings (for failed ratings), ratings (for a source's reviews) and skill evidence, in a fixed
number of SQL statements whatever the batch holds. The review import, the webhook and the
findings CSV all write through here."""

from __future__ import annotations

import functools
from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop

from accounts.models import User
from core.sql import insert_rows
from qa.models import QAFinding, ReviewRating, ReviewSource
from qa.reviews.lines import FAIL, PASS, ReviewLine
from skills import services as skills_services
from skills.models import SkillEvidence
from skills.services import EvidenceValues

GOOD_RATING_SEVERITY = "medium"
"""A passed category counts like a finding of this severity, the other way round."""


NOTE_PARTS = (
    ("cause", gettext_noop("Root cause: %(cause)s")),
    ("name", gettext_noop("Reviewer: %(name)s")),
    ("rating", gettext_noop("Rating: %(rating)s")),
)
"""The labelled lines a written finding's note ends with, in this order (each when given)."""
NOTE_SOURCES = (QAFinding.Source.REVIEW, QAFinding.Source.WEBHOOK)
"""The sources whose notes this module writes with labelled lines (a findings CSV row's note,
like one typed on the page or sent to the API, is the person's own text)."""
NOTE_MAX = 5000


def _note(line: ReviewLine) -> str:
    """The finding's note as stored: the comment, then root cause, reviewer and rating, each
    on a line of its own labelled in English, whatever the importer's language.

    This stored form is the stable one: the API (``note``) and the findings CSV export give
    it as it is. Pages show it with ``finding_note_display``, in the reader's language."""
    values = {
        "cause": line.root_cause,
        "name": line.reviewer,
        "rating": line.rating,  # a findings CSV row has none: it is a finding already
    }
    values = {key: " ".join(value.split()) for key, value in values.items()}  # one line each
    labelled = "\n".join(label % {key: values[key]} for key, label in NOTE_PARTS if values[key])
    # A long comment is cut, not the labelled lines after it.
    comment = line.comment.strip()[: max(NOTE_MAX - len(labelled) - 1, 0)]
    return "\n".join(p for p in (comment, labelled) if p)[:NOTE_MAX]


@functools.cache
def _note_prefixes() -> dict[str, tuple[str, ...]]:
    """Each part's label as written in any language of the site: notes written before the
    labels were stored in English kept the importer's language."""
    prefixes: dict[str, set[str]] = {key: {label.split("%(")[0]} for key, label in NOTE_PARTS}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for key, label in NOTE_PARTS:
                translated = gettext(label).split("%(")[0]
                if translated.strip():
                    prefixes[key].add(translated)
    return {key: tuple(sorted(found, key=len, reverse=True)) for key, found in prefixes.items()}


def finding_note_display(note: str, *, source: str) -> str:
    """A finding's note in the active language: the labelled lines ``_note`` ends a written
    note with (root cause, reviewer, rating) are labelled again with ``gettext``; the comment
    and the values are shown as written. Notes of other sources are returned as they are."""
    if source not in NOTE_SOURCES or not note:
        return note
    lines = note.split("\n")
    end = len(lines)
    found: dict[str, str] = {}
    prefixes = _note_prefixes()
    for key, _label in reversed(NOTE_PARTS):  # the parts end the note, in NOTE_PARTS order
        if end == 0:
            break
        last = lines[end - 1]
        prefix = next((p for p in prefixes[key] if last.startswith(p)), None)
        if prefix is not None:
            found[key] = last[len(prefix) :]
            end -= 1
    parts = [*lines[:end]]
    parts += [gettext(label) % {key: found[key]} for key, label in NOTE_PARTS if key in found]
    return "\n".join(parts)


FINDING_FIELDS = (
    "agent_id",
    "reviewer_id",
    "interaction_ref",
    "criterion",
    "skill_id",
    "severity",
    "note",
    "occurred_at",
    "source",
    "review_source_id",
    "created_at",
)
RATING_FIELDS = (
    "source_id",
    "review_ref",
    "category",
    "agent_id",
    "skill_id",
    "interaction_ref",
    "rating",
    "result",
    "severity",
    "finding_id",
    "reviewer_name",
    "comment",
    "root_cause",
    "occurred_at",
    "created_at",
)


def lines_write(
    *, source: ReviewSource | None, batch: list[ReviewLine], importer: User | None, via: str
) -> tuple[int, int, set[int]]:
    """Save a batch's new lines: findings (1 INSERT, 1 SELECT), ratings (1 INSERT, 1 SELECT),
    evidence (1 INSERT). Returns (findings, passes, agents with findings).

    Lines of a QA tool source (``source``) keep their rating per review and category; lines
    with no source (the findings CSV, whose rows are findings already) are only findings and
    their evidence. Each line's ``category_obj`` gives the criterion's name, skill and weight."""
    fails = [ln for ln in batch if ln.outcome == FAIL]
    passes = [ln for ln in batch if ln.outcome == PASS]
    if not fails and not passes:
        return 0, 0, set()
    found: dict[tuple[int, str, str], int] = {}
    now = timezone.now()
    if fails:
        insert_rows(
            QAFinding,
            FINDING_FIELDS,
            [
                (
                    ln.agent_id,
                    importer.pk if importer else None,
                    ln.interaction_ref,
                    ln.category_obj.name,  # type: ignore[union-attr]
                    ln.category_obj.skill_id,  # type: ignore[union-attr]
                    ln.severity,
                    _note(ln),
                    ln.occurred_at,
                    via,
                    source.pk if source is not None else None,
                    now,
                )
                for ln in fails
            ],
        )
        found = {
            (agent, ref, criterion): pk
            for pk, agent, ref, criterion in QAFinding.objects.filter(
                agent_id__in={ln.agent_id for ln in fails},
                interaction_ref__in={ln.interaction_ref for ln in fails},
                criterion__in={ln.category_obj.name for ln in fails},  # type: ignore[union-attr]
            ).values_list("pk", "agent_id", "interaction_ref", "criterion")
        }
    if source is None:  # findings only: no ratings, no passes
        passes = []
    else:
        _ratings_write(source=source, lines=[*fails, *passes], found=found, now=now)
    pass_ids: dict[tuple[str, str], int] = {}
    if passes:
        pass_ids = {
            (ref, category): pk
            for pk, ref, category in ReviewRating.objects.filter(
                source=source,
                result=ReviewRating.Result.PASSED,
                review_ref__in={ln.review_ref for ln in passes},
            ).values_list("pk", "review_ref", "category")
        }
    weights = settings.QA_SEVERITY_WEIGHTS
    evidence: list[EvidenceValues] = []
    for ln in fails:
        cat = ln.category_obj
        assert cat is not None  # noqa: S101 (set for FAIL and PASS lines)
        assert cat.skill_id is not None  # noqa: S101
        assert ln.agent_id is not None  # noqa: S101
        assert ln.occurred_at is not None  # noqa: S101
        finding_id = found.get((ln.agent_id, ln.interaction_ref, cat.name))
        if finding_id is None:
            continue
        evidence.append(
            EvidenceValues(
                user_id=ln.agent_id,
                skill_id=cat.skill_id,
                outcome=0.0,
                weight=weights[ln.severity] * cat.weight,
                source=SkillEvidence.Source.QA_FINDING,
                source_id=finding_id,
                params={
                    "criterion": cat.name,
                    "interaction": ln.interaction_ref,
                    "severity": ln.severity,
                },
                occurred_at=ln.occurred_at,
            )
        )
    for ln in passes:
        cat = ln.category_obj
        assert cat is not None  # noqa: S101 (set for FAIL and PASS lines)
        assert cat.skill_id is not None  # noqa: S101
        assert ln.agent_id is not None  # noqa: S101
        assert ln.occurred_at is not None  # noqa: S101
        rating_id = pass_ids.get((ln.review_ref, cat.name))
        if rating_id is None:
            continue
        evidence.append(
            EvidenceValues(
                user_id=ln.agent_id,
                skill_id=cat.skill_id,
                outcome=1.0,
                weight=weights[GOOD_RATING_SEVERITY] * cat.weight,
                source=SkillEvidence.Source.QA_PASS,
                source_id=rating_id,
                params={
                    "criterion": cat.name,
                    "interaction": ln.interaction_ref,
                    "rating": ln.rating[:50],
                },
                occurred_at=ln.occurred_at,
            )
        )
    skills_services.evidence_add_many(evidence)
    return len(fails), len(passes), {ln.agent_id for ln in fails if ln.agent_id}


def _ratings_write(
    *,
    source: ReviewSource,
    lines: list[ReviewLine],
    found: dict[tuple[int, str, str], int],
    now: datetime,
) -> None:
    """The source's rating of each line (1 INSERT), linked to its finding when it failed."""
    insert_rows(
        ReviewRating,
        RATING_FIELDS,
        [
            (
                source.pk,
                ln.review_ref,
                ln.category_obj.name,  # type: ignore[union-attr]
                ln.agent_id,
                ln.category_obj.skill_id,  # type: ignore[union-attr]
                ln.interaction_ref,
                ln.rating[:50],
                ReviewRating.Result.FAILED if ln.outcome == FAIL else ReviewRating.Result.PASSED,
                ln.severity,
                found.get((ln.agent_id, ln.interaction_ref, ln.category_obj.name)),  # type: ignore[arg-type,union-attr]
                ln.reviewer[:200],
                ln.comment[:5000],
                ln.root_cause[:200],
                ln.occurred_at,
                now,
            )
            for ln in lines
        ],
    )
