"""QA reviews as a QA tool exports them (or pushes them): sources, their column and category
mappings, the import (preview, then save) and the signed webhook.

A review export has one row per review and category (long form) or one row per review with a
column per category (wide form). Each (review, category) becomes one line: its rating, read
on the category's scale, either passes (positive QA evidence for the category's skill) or
fails (a ``QAFinding`` whose severity follows how far below the pass mark it fell; a failed
critical category is a critical finding). N/A and ignored categories produce nothing;
categories the source has not mapped yet are listed, never dropped silently.

Idempotent: a ``ReviewRating`` is unique per (source, review, category), so importing an
overlapping export again (or a webhook retrying) adds nothing. The work is done in batches of
``BATCH`` lines with a fixed number of SQL statements each, whatever the batch holds.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from difflib import SequenceMatcher
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from accounts.models import Team, User
from core.errors import DomainError, ValidationFailed
from core.sql import insert_rows
from core.tasks import enqueue_on_commit
from qa.models import QAFinding, ReviewCategory, ReviewRating, ReviewSource, WebhookDelivery
from qa.review_files import Table
from qa.review_scales import (
    DEFAULT_PASS_MARK,
    SCALE_RANGE,
    RatingError,
    na_set,
    pass_mark_valid,
    rating_judge,
    rating_read,
    scale_guess,
)
from qa.selectors import agents_for
from skills import services as skills_services
from skills.models import Skill, SkillEvidence
from skills.services import EvidenceValues

BATCH = 5000
"""Lines per batch: one duplicate check, and when saving five INSERT/SELECT statements."""
RULES_CHUNK = 200
"""Agents per message that runs the training rules after an import."""
GOOD_RATING_SEVERITY = "medium"
"""A passed category counts like a finding of this severity, the other way round."""
WEBHOOK_TOLERANCE = timedelta(minutes=5)
WEBHOOK_MAX_BYTES = 2 * 1024 * 1024
WEBHOOK_MAX_ROWS = 5000
FUTURE_SLACK = timedelta(minutes=5)

# What a column can hold: (key, label, needed in long form, needed in wide form).
ROLES: tuple[tuple[str, Any, bool, bool], ...] = (
    ("agent", gettext_lazy("Agent (email or name)"), True, True),
    ("conversation", gettext_lazy("Conversation or ticket id"), True, True),
    ("review", gettext_lazy("Review id"), False, False),
    ("reviewer", gettext_lazy("Reviewer"), False, False),
    ("date", gettext_lazy("Date"), False, False),
    ("category", gettext_lazy("Rating category"), True, False),
    ("rating", gettext_lazy("Rating"), True, False),
    ("comment", gettext_lazy("Comment"), False, False),
    ("root_cause", gettext_lazy("Root cause"), False, False),
)
ROLE_KEYS = tuple(r[0] for r in ROLES)
_SYNONYMS = {
    "agent": ("agent email", "agent", "reviewee email", "reviewee", "agent name", "assignee"),
    "conversation": (
        "conversation id",
        "conversation",
        "ticket id",
        "ticket",
        "interaction",
        "interaction id",
        "external id",
        "chat id",
        "call id",
    ),
    "review": ("review id", "evaluation id", "review"),
    "reviewer": ("reviewer email", "reviewer", "reviewer name", "evaluator", "graded by"),
    "date": ("review date", "reviewed at", "date", "created at", "created", "conversation date"),
    "category": ("category", "rating category", "category name", "criterion", "question"),
    "rating": ("rating", "score", "category score", "result", "answer"),
    "comment": ("comment", "comments", "note", "feedback"),
    "root_cause": ("root cause", "root causes", "reason"),
}

FAIL, PASS, NA, IGNORED, UNKNOWN, DUPLICATE, ERROR = (
    "fail",
    "pass",
    "na",
    "ignored",
    "unknown",
    "duplicate",
    "error",
)
OUTCOME_LABELS = {
    FAIL: gettext_lazy("finding"),
    PASS: gettext_lazy("passed"),
    NA: gettext_lazy("N/A"),
    IGNORED: gettext_lazy("ignored category"),
    UNKNOWN: gettext_lazy("category not mapped yet"),
    DUPLICATE: gettext_lazy("already imported"),
    ERROR: gettext_lazy("error"),
}


class WebhookRefused(DomainError):
    """A webhook call that is refused before its content is read (signature, time, replay)."""

    def __init__(self, message: str, *, status: int, code: str) -> None:
        super().__init__(message)
        self.status_code = status
        self.code = code


# --- sources ----------------------------------------------------------------------------------


def webhook_secret(source: ReviewSource) -> str:
    """The source's signing secret: derived from ``SECRET_KEY`` and the source's salt, so the
    database alone never holds it."""
    digest = salted_hmac(
        "qa.review-webhook", source.secret_salt, secret=settings.SECRET_KEY, algorithm="sha256"
    ).hexdigest()
    return f"rqa_{digest}"


def _source_clean(values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    name = (values.get("name") or "").strip()
    if "name" in values:
        if not name:
            errors["name"] = [_("Give the source a name, such as “Zendesk QA export”.")]
        elif len(name) > 100:
            errors["name"] = [_("At most 100 characters.")]
        values["name"] = name
    choices = {
        "shape": ReviewSource.Shape.values,
        "agent_match": ReviewSource.AgentMatch.values,
        "encoding": ReviewSource.Encoding.values,
        "default_scale": list(SCALE_RANGE),
    }
    for key, allowed in choices.items():
        if key in values and values[key] not in allowed:
            errors[key] = [_("Choose one of: %(values)s.") % {"values": ", ".join(allowed)}]
    if "columns" in values:
        columns = values["columns"] or {}
        if not isinstance(columns, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in columns.items()
        ):
            errors["columns"] = [_("Map each role to a column name.")]
        else:
            unknown = sorted(set(columns) - set(ROLE_KEYS))
            if unknown:
                errors["columns"] = [
                    _("Unknown roles: %(roles)s. Use: %(known)s.")
                    % {"roles": ", ".join(unknown), "known": ", ".join(ROLE_KEYS)}
                ]
            elif any(len(v) > 200 for v in columns.values()):
                errors["columns"] = [_("Column names have at most 200 characters.")]
            else:
                values["columns"] = {k: v.strip() for k, v in columns.items() if v.strip()}
                used = list(values["columns"].values())
                if len({v.casefold() for v in used}) != len(used):
                    errors["columns"] = [_("Each column can hold one thing only.")]
    if "na_values" in values:
        values["na_values"] = (values["na_values"] or "").strip()
        if len(values["na_values"]) > 200:
            errors["na_values"] = [_("At most 200 characters.")]
    if errors:
        raise ValidationFailed(_("Some fields need attention."), field_errors=errors)
    return values


SOURCE_FIELDS = (
    "name",
    "shape",
    "columns",
    "agent_match",
    "encoding",
    "default_scale",
    "na_values",
    "webhook_enabled",
)


def review_source_create(
    *, team: Team, created_by: User, name: str, **fields: Any
) -> tuple[ReviewSource, str]:
    """A new source for ``team`` (from ``team_get_led``); returns it and its webhook secret,
    which is shown this once (``review_source_secret_rotate`` makes a new one)."""
    values = _source_clean(
        {"name": name, **{k: v for k, v in fields.items() if k in SOURCE_FIELDS}}
    )
    if ReviewSource.objects.filter(team=team, name__iexact=values["name"]).exists():
        raise ValidationFailed(
            _("This team already has a source with that name."),
            field_errors={"name": [_("This team already has a source with that name.")]},
        )
    try:
        with transaction.atomic():
            source = ReviewSource.objects.create(
                team=team, created_by=created_by, secret_salt=secrets.token_hex(16), **values
            )
    except IntegrityError as exc:
        raise ValidationFailed(
            _("This team already has a source with that name."),
            field_errors={"name": [_("This team already has a source with that name.")]},
        ) from exc
    return source, webhook_secret(source)


def review_source_update(*, source: ReviewSource, **fields: Any) -> ReviewSource:
    """Change a source's name, mapping or defaults (only the fields given)."""
    values = _source_clean({k: v for k, v in fields.items() if k in SOURCE_FIELDS})
    if (
        "name" in values
        and ReviewSource.objects.filter(team_id=source.team_id, name__iexact=values["name"])
        .exclude(pk=source.pk)
        .exists()
    ):
        raise ValidationFailed(
            _("This team already has a source with that name."),
            field_errors={"name": [_("This team already has a source with that name.")]},
        )
    for key, value in values.items():
        setattr(source, key, value)
    if values:
        source.save(update_fields=list(values))
    return source


def review_source_secret_rotate(*, source: ReviewSource) -> str:
    """A new webhook secret (the old one stops working at once); returns it, shown once."""
    source.secret_salt = secrets.token_hex(16)
    source.save(update_fields=["secret_salt"])
    return webhook_secret(source)


@dataclass
class CategoryInput:
    name: str
    skill: Skill | None = None
    ignored: bool = False
    scale: str | None = None
    pass_mark: float | None = None
    critical: bool = False
    weight: float = 1.0


def category_key(name: str) -> str:
    return " ".join((name or "").split()).casefold()


def review_categories_save(
    *, source: ReviewSource, categories: list[CategoryInput]
) -> list[ReviewCategory]:
    """Create or change the source's categories (by name, case-insensitively): each maps to a
    skill or is ignored, with its scale, pass mark, critical flag and weight. Categories not
    named are left as they are."""
    errors: dict[str, list[str]] = {}
    rows: dict[str, ReviewCategory] = {}
    for number, item in enumerate(categories):
        name = " ".join((item.name or "").split())
        problems = []
        scale = item.scale or source.default_scale
        if not name or len(name) > 200:
            problems.append(_("Name the category (at most 200 characters)."))
        if scale not in SCALE_RANGE:
            problems.append(_("Unknown scale."))
            scale = source.default_scale
        pass_mark = item.pass_mark if item.pass_mark is not None else DEFAULT_PASS_MARK[scale]
        if not pass_mark_valid(scale, pass_mark):
            low, high = SCALE_RANGE[scale]
            problems.append(
                _("The pass mark must be above %(low)g and at most %(high)g on this scale.")
                % {"low": low, "high": high}
            )
        if not item.ignored and item.skill is None:
            problems.append(_("Choose a skill, or ignore the category."))
        if not 0 <= item.weight <= 10:
            problems.append(_("The weight is between 0 and 10."))
        if problems:
            errors[f"categories[{number}]"] = problems
            continue
        rows[category_key(name)] = ReviewCategory(
            source=source,
            name=name,
            key=category_key(name),
            skill=None if item.ignored else item.skill,
            ignored=item.ignored,
            scale=scale,
            pass_mark=pass_mark,
            critical=item.critical,
            weight=item.weight,
        )
    if errors:
        raise ValidationFailed(_("Some categories need attention."), field_errors=errors)
    if not rows:
        return []
    with transaction.atomic():
        ReviewCategory.objects.bulk_create(
            list(rows.values()),
            update_conflicts=True,
            unique_fields=["source", "key"],
            update_fields=["skill", "ignored", "scale", "pass_mark", "critical", "weight"],
        )
    return list(ReviewCategory.objects.filter(source=source, key__in=list(rows)).order_by("name"))


# --- mapping ----------------------------------------------------------------------------------


def mapping_guess(header: list[str]) -> dict[str, str]:
    """A first guess of which column holds what, from common export column names."""
    folded = {h.strip().casefold().replace("_", " "): h for h in header if h.strip()}
    guess: dict[str, str] = {}
    taken: set[str] = set()
    for role in ROLE_KEYS:
        for name in _SYNONYMS[role]:
            column = folded.get(name)
            if column is not None and column not in taken:
                guess[role] = column
                taken.add(column)
                break
    return guess


def mapping_problems(
    *, source: ReviewSource, header: list[str], rows_may_omit: bool = False
) -> list[str]:
    """Why the saved mapping does not fit this file's columns (empty: it fits). Rows pushed to
    the webhook may leave out the optional columns (``rows_may_omit``)."""
    present = {h.casefold() for h in header if h}
    problems = []
    for role, label, long_needed, wide_needed in ROLES:
        column = source.columns.get(role, "")
        needed = long_needed if source.shape == ReviewSource.Shape.LONG else wide_needed
        if column and column.casefold() not in present and (needed or not rows_may_omit):
            problems.append(
                _("The file has no column “%(column)s” (mapped as %(role)s).")
                % {"column": column, "role": label}
            )
        elif needed and not column:
            problems.append(_("Choose the column that holds: %(role)s.") % {"role": label})
    return problems


def skill_suggest(name: str, skills: list[Skill]) -> Skill | None:
    """The skill whose name (or code) reads most like a category's name, if any is close."""
    target = category_key(name)
    words = set(target.replace("-", " ").split())
    best, best_score = None, 0.0
    for skill in skills:
        for label in (skill.name.casefold(), skill.slug.replace("-", " ").casefold()):
            ratio = SequenceMatcher(None, target, label).ratio()
            shared = words & set(label.split())
            overlap = len(shared) / max(len(words | set(label.split())), 1)
            score = max(ratio, overlap + 0.2 if shared else 0.0)
            if score > best_score:
                best, best_score = skill, score
    return best if best_score >= 0.5 else None


# --- reading lines ----------------------------------------------------------------------------


@dataclass(slots=True)
class ReviewLine:
    line: int
    review_ref: str
    interaction_ref: str
    agent_text: str
    category: str
    rating: str
    reviewer: str = ""
    date_text: str = ""
    comment: str = ""
    root_cause: str = ""
    outcome: str = ""
    severity: str = ""
    errors: dict[str, list[str]] = field(default_factory=dict)
    agent_id: int | None = None
    category_obj: ReviewCategory | None = None
    occurred_at: datetime | None = None

    @property
    def outcome_label(self) -> str:
        return str(OUTCOME_LABELS.get(self.outcome, self.outcome))

    @property
    def severity_label(self) -> str:
        return str(QAFinding.Severity(self.severity).label) if self.severity else ""

    @property
    def problem(self) -> bool:
        return self.outcome in (ERROR, UNKNOWN)


@dataclass
class ReviewReport:
    lines: list[ReviewLine] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    unknown_categories: dict[str, list[str]] = field(default_factory=dict)
    """Name as written → the ratings seen (to guess the scale)."""
    unknown_agents: Counter[str] = field(default_factory=Counter)
    created_findings: int = 0
    created_passes: int = 0

    @property
    def importable(self) -> int:
        return self.counts[FAIL] + self.counts[PASS]

    @property
    def created(self) -> int:
        return self.created_findings + self.created_passes


def _lines_of(source: ReviewSource, table: Table) -> list[ReviewLine]:
    index: dict[str, int] = {}
    for i, name in enumerate(table.header):
        if name:
            index.setdefault(name.casefold(), i)
    cols = {
        role: index[name.casefold()]
        for role, name in source.columns.items()
        if role in ROLE_KEYS and name and name.casefold() in index
    }

    def cell(row: list[str], role: str) -> str:
        i = cols.get(role)
        return row[i] if i is not None else ""

    lines: list[ReviewLine] = []
    numbers = table.lines or range(2, len(table.rows) + 2)
    if source.shape == ReviewSource.Shape.WIDE:
        role_columns = set(cols.values())
        categories = [
            (i, name) for i, name in enumerate(table.header) if name and i not in role_columns
        ]
    for number, row in zip(numbers, table.rows, strict=False):
        conversation, review = cell(row, "conversation"), cell(row, "review")
        common: dict[str, Any] = {
            "line": number,
            "review_ref": review or conversation,
            "interaction_ref": conversation or review,
            "agent_text": cell(row, "agent"),
            "reviewer": cell(row, "reviewer"),
            "date_text": cell(row, "date"),
            "comment": cell(row, "comment"),
            "root_cause": cell(row, "root_cause"),
        }
        if source.shape == ReviewSource.Shape.WIDE:
            lines.extend(
                ReviewLine(category=name, rating=row[i], **common) for i, name in categories
            )
        else:
            lines.append(
                ReviewLine(category=cell(row, "category"), rating=cell(row, "rating"), **common)
            )
    return lines


def _when(text: str) -> datetime | None:
    text = text.strip()
    if not text:
        return None
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = parse_datetime(text)
    if moment is None:
        day = parse_date(text[:10]) if len(text) >= 10 else None
        if day is None:
            raise ValueError(text)
        moment = datetime(
            day.year, day.month, day.day, 12, 0, tzinfo=timezone.get_current_timezone()
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class _Context:
    """What checking lines needs, read once per import (agents named in the file, categories,
    N/A values), and caches: an export repeats the same agents, dates, categories and
    ratings on many lines."""

    def __init__(self, *, source: ReviewSource, agents: Any, lines: list[ReviewLine]) -> None:
        self.source = source
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, int | None] = {}
        named = {" ".join(ln.agent_text.split()).casefold() for ln in lines}
        named.discard("")
        wanted = agents.annotate(name_lower=Lower("name")).filter(
            Q(email__in=named) | Q(name_lower__in=named)
        )
        for pk, email, name in wanted.values_list("pk", "email", "name"):
            self.by_email[email.casefold()] = pk
            key = " ".join(name.split()).casefold()
            if key:
                self.by_name[key] = None if key in self.by_name else pk
        self.categories = {c.key: c for c in ReviewCategory.objects.filter(source=source)}
        self.na = na_set(source.na_values)
        self.now = timezone.now()
        self.seen: set[tuple[str, int]] = set()
        self.agents: dict[str, tuple[int | None, str | None]] = {}
        self.dates: dict[str, tuple[datetime | None, str | None]] = {}
        self.ratings: dict[tuple[str, int], tuple[str, str, str | None]] = {}

    def agent(self, text: str) -> tuple[int | None, str | None]:
        cached = self.agents.get(text)
        if cached is None:
            cached = self.agents[text] = self._agent(text)
        return cached

    def _agent(self, text: str) -> tuple[int | None, str | None]:
        text = " ".join(text.split())
        if not text:
            return None, _("The agent is missing.")
        if self.source.agent_match == ReviewSource.AgentMatch.NAME and "@" not in text:
            found = self.by_name.get(text.casefold(), 0)
            if found is None:
                return None, _("More than one person in your teams has this name.")
        else:
            found = self.by_email.get(text.casefold(), 0)
        if not found:
            return None, _("No such agent in your teams.")
        return found, None

    def when(self, text: str) -> tuple[datetime | None, str | None]:
        cached = self.dates.get(text)
        if cached is None:
            try:
                moment = _when(text) or self.now
            except ValueError:
                cached = (None, _("Use a date like 2026-03-31 or 2026-03-31T14:05."))
            else:
                problem = (
                    _("This date is in the future.") if moment > self.now + FUTURE_SLACK else None
                )
                cached = (moment, problem)
            self.dates[text] = cached
        return cached

    def judge(self, rating: str, cat: ReviewCategory) -> tuple[str, str, str | None]:
        """(outcome, severity, error) of a rating in a category."""
        key = (rating, cat.pk)
        cached = self.ratings.get(key)
        if cached is None:
            cached = self.ratings[key] = _judge(rating, cat, self.na)
        return cached


def _judge(rating: str, cat: ReviewCategory, na: frozenset[str]) -> tuple[str, str, str | None]:
    try:
        value = rating_read(rating, scale=cat.scale, na=na)
    except RatingError:
        low, high = SCALE_RANGE[cat.scale]
        if cat.scale == "binary":
            return ERROR, "", _("“%(rating)s” is not pass or fail.") % {"rating": rating[:50]}
        return (
            ERROR,
            "",
            _("“%(rating)s” is not a rating from %(low)g to %(high)g.")
            % {"rating": rating[:50], "low": low, "high": high},
        )
    if value is None:
        return NA, "", None
    severity = rating_judge(value, scale=cat.scale, pass_mark=cat.pass_mark, critical=cat.critical)
    return (FAIL, severity, None) if severity else (PASS, "", None)


def _check(line: ReviewLine, ctx: _Context, report: ReviewReport) -> None:
    errors = line.errors
    line.agent_id, problem = ctx.agent(line.agent_text)
    if problem:
        errors["agent"] = [problem]
        report.unknown_agents[line.agent_text or "—"] += 1
    if not line.interaction_ref:
        errors["conversation"] = [_("The conversation or ticket id is missing.")]
    elif len(line.interaction_ref) > 200 or len(line.review_ref) > 200:
        errors["conversation"] = [_("At most 200 characters.")]
    line.occurred_at, problem = ctx.when(line.date_text)
    if problem:
        errors["date"] = [problem]
    category = " ".join(line.category.split())
    line.category = category
    if not category:
        errors["category"] = [_("The category is missing.")]
    elif len(category) > 200:
        errors["category"] = [_("At most 200 characters.")]
    cat = ctx.categories.get(category_key(category)) if category else None
    line.category_obj = cat
    if cat is None and category and len(category) <= 200:
        report.unknown_categories.setdefault(category, []).append(line.rating)
    elif cat is not None and not cat.ignored:
        outcome, severity, problem = ctx.judge(line.rating, cat)
        if problem:
            errors["rating"] = [problem]
        line.outcome, line.severity = outcome, severity
    if errors:
        line.outcome = ERROR
    elif cat is None:
        line.outcome = UNKNOWN
    elif cat.ignored:
        line.outcome = IGNORED
    elif line.outcome in (FAIL, PASS):
        key = (line.review_ref, cat.pk)
        if key in ctx.seen:
            line.outcome = DUPLICATE
        ctx.seen.add(key)


def _mark_imported(source: ReviewSource, batch: list[ReviewLine]) -> None:
    """One query: lines of this batch already imported become duplicates."""
    wanted = [ln for ln in batch if ln.outcome in (FAIL, PASS)]
    if not wanted:
        return
    done = set(
        ReviewRating.objects.filter(
            source=source, review_ref__in={ln.review_ref for ln in wanted}
        ).values_list("review_ref", "category")
    )
    for ln in wanted:
        assert ln.category_obj is not None  # noqa: S101 (set for FAIL and PASS)
        if (ln.review_ref, ln.category_obj.name) in done:
            ln.outcome = DUPLICATE


def _note(line: ReviewLine, words: dict[str, str]) -> str:
    """The finding's note: the comment, then root cause, reviewer and rating (``words`` holds
    the translated labels, looked up once per batch)."""
    parts = [line.comment.strip()]
    if line.root_cause.strip():
        parts.append(words["cause"] % {"cause": line.root_cause.strip()})
    if line.reviewer.strip():
        parts.append(words["reviewer"] % {"name": line.reviewer.strip()})
    parts.append(words["rating"] % {"rating": line.rating.strip()})
    return "\n".join(p for p in parts if p)[:5000]


def _note_words() -> dict[str, str]:
    return {
        "cause": _("Root cause: %(cause)s"),
        "reviewer": _("Reviewer: %(name)s"),
        "rating": _("Rating: %(rating)s"),
    }


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


def _write(
    *, source: ReviewSource, batch: list[ReviewLine], importer: User | None, via: str
) -> tuple[int, int, set[int]]:
    """Save a batch's new lines: findings (1 INSERT, 1 SELECT), ratings (1 INSERT, 1 SELECT),
    evidence (1 INSERT). Returns (findings, passes, agents with findings)."""
    fails = [ln for ln in batch if ln.outcome == FAIL]
    passes = [ln for ln in batch if ln.outcome == PASS]
    if not fails and not passes:
        return 0, 0, set()
    found: dict[tuple[int, str, str], int] = {}
    now = timezone.now()
    if fails:
        words = _note_words()
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
                    _note(ln, words),
                    ln.occurred_at,
                    via,
                    source.pk,
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
            for ln in (*fails, *passes)
        ],
    )
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


def reviews_import(
    *,
    source: ReviewSource,
    table: Table,
    importer: User | None,
    commit: bool,
    via: str = QAFinding.Source.REVIEW,
) -> ReviewReport:
    """Check every line of a review export against the source's mapping; with ``commit``, save
    the new findings and passes. Agents are those the importer may record findings on (for
    the webhook, with no importer: the members of the source's team)."""
    report = ReviewReport(header=table.header, notes=list(table.notes))
    report.problems = mapping_problems(
        source=source, header=table.header, rows_may_omit=table.kind == "json"
    )
    if report.problems:
        return report
    lines = _lines_of(source, table)
    if not lines:
        report.problems = [_("The file has no rows.")]
        return report
    agents = (
        agents_for(importer)
        if importer is not None
        else User.objects.filter(is_active=True, memberships__team_id=source.team_id)
    )
    ctx = _Context(source=source, agents=agents, lines=lines)
    agent_ids: set[int] = set()
    for start in range(0, len(lines), BATCH):
        batch = lines[start : start + BATCH]
        for line in batch:
            _check(line, ctx, report)
        _mark_imported(source, batch)
        if commit:
            # A batch is one transaction; inside a caller's (the webhook's), no savepoint.
            with transaction.atomic(savepoint=False):
                findings, passes, agents_hit = _write(
                    source=source, batch=batch, importer=importer, via=via
                )
            report.created_findings += findings
            report.created_passes += passes
            agent_ids |= agents_hit
    report.counts = Counter(line.outcome for line in lines)
    report.lines = lines
    ordered = sorted(agent_ids)
    for start in range(0, len(ordered), RULES_CHUNK):
        enqueue_on_commit("qa.rules_evaluate_agents", ordered[start : start + RULES_CHUNK])
    return report


def category_suggestions(
    *, source: ReviewSource, report: ReviewReport, skills: list[Skill]
) -> list[dict[str, Any]]:
    """Each unknown category with a suggested skill, scale and pass mark."""
    na = na_set(source.na_values)
    rows = []
    for name, ratings in sorted(report.unknown_categories.items(), key=lambda kv: kv[0].casefold()):
        scale = scale_guess(ratings, default=source.default_scale, na=na)
        skill = skill_suggest(name, skills)
        rows.append(
            {
                "name": name,
                "lines": len(ratings),
                "skill": skill,
                "scale": scale,
                "pass_mark": DEFAULT_PASS_MARK[scale],
            }
        )
    return rows


# --- the webhook ------------------------------------------------------------------------------


def webhook_signature(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=`` and the hex HMAC-SHA256 of ``"<timestamp>." + body`` with the secret."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def _webhook_verify(
    *, source: ReviewSource, body: bytes, timestamp: str, signature: str, now: datetime
) -> str:
    if not timestamp or not signature:
        raise WebhookRefused(
            _("Sign the request: send X-Readiness-Timestamp and X-Readiness-Signature."),
            status=401,
            code="signature_missing",
        )
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):
        raise WebhookRefused(
            _("X-Readiness-Timestamp must be Unix time in seconds."),
            status=401,
            code="timestamp_invalid",
        )
    sent = int(timestamp)
    if abs(now.timestamp() - sent) > WEBHOOK_TOLERANCE.total_seconds():
        raise WebhookRefused(
            _("The timestamp is more than 5 minutes away from now: the request is stale."),
            status=401,
            code="stale",
        )
    expected = webhook_signature(webhook_secret(source), timestamp, body)
    if not hmac.compare_digest(expected.encode(), signature.strip().encode()):
        raise WebhookRefused(
            _("The signature does not match this source's secret."),
            status=401,
            code="signature_invalid",
        )
    return expected.removeprefix("sha256=")


def _webhook_table(source: ReviewSource, body: bytes) -> Table:
    try:
        payload = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValidationFailed(
            _("The body is not JSON."), field_errors={"rows": [_("Send JSON.")]}
        ) from None
    rows = payload.get("rows") if isinstance(payload, dict) else None
    if not isinstance(rows, list) or not rows:
        raise ValidationFailed(
            _('Send the reviews as {"rows": [{column: value, …}, …]}.'),
            field_errors={"rows": [_("A non-empty list of rows.")]},
        )
    if len(rows) > WEBHOOK_MAX_ROWS:
        raise ValidationFailed(
            ngettext(
                "At most %(n)d row per request.",
                "At most %(n)d rows per request.",
                WEBHOOK_MAX_ROWS,
            )
            % {"n": WEBHOOK_MAX_ROWS},
            field_errors={"rows": [_("Too many rows.")]},
        )
    header: list[str] = []
    seen: set[str] = set()
    for number, row in enumerate(rows):
        if not isinstance(row, dict):
            raise ValidationFailed(
                _("Each row is an object of column names and values."),
                field_errors={f"rows[{number}]": [_("An object.")]},
            )
        for key in row:
            if key not in seen:
                seen.add(key)
                header.append(key)

    def text(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        if isinstance(value, (dict, list)):
            return ""
        return str(value).strip().replace("\x00", "")

    return Table(
        header=[h.replace("\x00", "").strip() for h in header],
        rows=[[text(row.get(h)) for h in header] for row in rows],
        lines=list(range(1, len(rows) + 1)),
        kind="json",
    )


def _delivery_record(*, source: ReviewSource, signature: str, now: datetime) -> bool:
    """Remember an accepted request; ``False`` when its signature was already seen."""
    if connection.vendor == "postgresql":  # one INSERT … ON CONFLICT DO NOTHING
        fields = ("source_id", "signature", "received_at")
        return insert_rows(WebhookDelivery, fields, [(source.pk, signature, now)]) == 1
    try:
        with transaction.atomic():
            WebhookDelivery.objects.create(source=source, signature=signature, received_at=now)
    except IntegrityError:
        return False
    return True


def webhook_receive(
    *,
    source: ReviewSource,
    body: bytes,
    timestamp: str,
    signature: str,
    now: datetime | None = None,
) -> ReviewReport:
    """Verify a pushed request (signature over the timestamp and the raw body, a timestamp
    within five minutes, never the same signature twice) and import its rows like a file,
    with the same mapping and idempotency. Refusals raise ``WebhookRefused`` (401/409) or
    ``ValidationFailed`` (400) and change nothing."""
    now = now or timezone.now()
    if len(body) > WEBHOOK_MAX_BYTES:
        raise WebhookRefused(_("The body is larger than 2 MB."), status=413, code="too_large")
    digest = _webhook_verify(
        source=source, body=body, timestamp=timestamp, signature=signature, now=now
    )
    table = _webhook_table(source, body)
    with transaction.atomic():
        if secrets.randbelow(50) == 0:  # now and then, forget deliveries too old to replay
            WebhookDelivery.objects.filter(received_at__lt=now - 2 * WEBHOOK_TOLERANCE).delete()
        if not _delivery_record(source=source, signature=digest, now=now):
            raise WebhookRefused(
                _("This request was already received (a replay)."), status=409, code="replayed"
            )
        report = reviews_import(
            source=source, table=table, importer=None, commit=True, via=QAFinding.Source.WEBHOOK
        )
        if report.problems:
            raise ValidationFailed(report.problems[0], field_errors={"rows": report.problems})
        last = source.last_received_at
        if last is None or now - last > timedelta(minutes=1):  # "last received", to the minute
            ReviewSource.objects.filter(pk=source.pk).update(last_received_at=now)
    return report
