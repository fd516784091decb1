"""Importing a review export: every line checked against the source's mapping (agents,
categories, ratings, dates), then, with ``commit``, written in batches by ``writer``.

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

import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import TypedDict

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from accounts.models import User
from audit import services as audit_services
from core.tasks import enqueue_on_commit
from qa.models import QAFinding, ReviewCategory, ReviewRating, ReviewSource
from qa.reviews.files import Table
from qa.reviews.lines import (
    DUPLICATE,
    ERROR,
    FAIL,
    IGNORED,
    NA,
    PASS,
    UNKNOWN,
    ReviewLine,
    ReviewReport,
)
from qa.reviews.mapping import ROLE_KEYS, category_key, mapping_problems, skill_suggest
from qa.reviews.scales import (
    DEFAULT_PASS_MARK,
    SCALE_RANGE,
    RatingError,
    na_set,
    rating_judge,
    rating_read,
    scale_guess,
)
from qa.reviews.writer import lines_write
from qa.selectors import agents_for
from skills.models import Skill

BATCH = 5000
"""Lines per batch: one duplicate check, and when saving five INSERT/SELECT statements."""
RULES_CHUNK = 200
"""Agents per message that runs the training rules after an import."""
FUTURE_SLACK = timedelta(minutes=5)


class _LineCommon(TypedDict):
    """What every line of a row shares (a wide row gives one line per category)."""

    line: int
    review_ref: str
    interaction_ref: str
    agent_text: str
    reviewer: str
    date_text: str
    comment: str
    root_cause: str


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
        common: _LineCommon = {
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


_NUMERIC_DATE = re.compile(
    r"^(\d{1,2})([./-])(\d{1,2})\2(\d{4})(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$"
)
DAY_FIRST, MONTH_FIRST = "dmy", "mdy"


def date_order(texts: Iterable[str]) -> tuple[str, str | None]:
    """How a column writes numeric dates (``31.03.2026``, ``03/31/2026``): day first unless a
    value can only be month first, e.g. ``03/31/2026``. Returns the order and, when the
    column is not ISO 8601, a note for the preview saying how it was read."""
    day_first = month_first = numeric = False
    for text in texts:
        match = _NUMERIC_DATE.match(text.strip())
        if match is None:
            continue
        numeric = True
        first, second = int(match.group(1)), int(match.group(3))
        day_first |= first > 12
        month_first |= second > 12
    if not numeric:
        return DAY_FIRST, None
    if month_first and not day_first:
        return MONTH_FIRST, _("Dates were read month first (MM/DD/YYYY), as the file writes them.")
    return DAY_FIRST, _("Dates were read day first (DD.MM.YYYY), as the file writes them.")


def parse_when(text: str, order: str = DAY_FIRST) -> datetime | None:
    """ISO 8601 (``2026-03-31``, ``2026-03-31T14:05``, ``…Z``) or a numeric date as a
    spreadsheet in Europe or the US writes it (``31.03.2026``, ``31/03/2026 14:05``), in the
    column's ``order``. A date without a time is noon in the active zone."""
    text = text.strip()
    if not text:
        return None
    numeric = _NUMERIC_DATE.match(text)
    if numeric is not None:
        first, second, year = int(numeric.group(1)), int(numeric.group(3)), int(numeric.group(4))
        day, month = (first, second) if order == DAY_FIRST else (second, first)
        hour, minute = int(numeric.group(5) or 12), int(numeric.group(6) or 0)
        second_of = int(numeric.group(7) or 0)
        try:
            local = datetime(year, month, day, hour, minute, second_of)  # noqa: DTZ001
        except ValueError:
            raise ValueError(text) from None
        return timezone.make_aware(local)
    if text.endswith("Z"):
        text = text[:-1] + "+00:00"
    moment = parse_datetime(text)
    if moment is None:
        day_of = parse_date(text[:10]) if len(text) >= 10 else None
        if day_of is None:
            raise ValueError(text)
        moment = datetime(
            day_of.year, day_of.month, day_of.day, 12, 0, tzinfo=timezone.get_current_timezone()
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class _Context:
    """What checking lines needs, read once per import (agents named in the file, categories,
    N/A values), and caches: an export repeats the same agents, dates, categories and
    ratings on many lines."""

    def __init__(
        self, *, source: ReviewSource, agents: QuerySet[User], lines: list[ReviewLine]
    ) -> None:
        self.source = source
        self.by_email: dict[str, int] = {}
        self.by_name: dict[str, int | None] = {}
        written = {" ".join(ln.agent_text.split()) for ln in lines}
        written.discard("")
        named = {text.casefold() for text in written}
        # Names as written too: SQLite's LOWER() folds ASCII only ("Łukasz" stays "Łukasz").
        wanted = agents.annotate(name_lower=Lower("name")).filter(
            Q(email__in=named) | Q(name_lower__in=named) | Q(name__in=written)
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
        self.date_order, self.date_note = date_order({ln.date_text for ln in lines})
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
                moment = parse_when(text, self.date_order) or self.now
            except ValueError:
                cached = (
                    None,
                    _("Use a date like 2026-03-31, 2026-03-31T14:05 or 31.03.2026."),
                )
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
    if ctx.date_note:
        report.notes.append(ctx.date_note)
    agent_ids: set[int] = set()
    for start in range(0, len(lines), BATCH):
        batch = lines[start : start + BATCH]
        for line in batch:
            _check(line, ctx, report)
        _mark_imported(source, batch)
        if commit:
            # A batch is one transaction; inside a caller's (the webhook's), no savepoint.
            with transaction.atomic(savepoint=False):
                findings, passes, agents_hit = lines_write(
                    source=source, batch=batch, importer=importer, via=via
                )
                # One event per batch, in the batch's transaction, with its figures.
                audit_services.record(
                    actor=importer,
                    action="qa.import",
                    obj=source,
                    changes={
                        "via": via,
                        "lines": len(batch),
                        "first_line": batch[0].line,
                        "findings": findings,
                        "passes": passes,
                        "outcomes": dict(Counter(line.outcome for line in batch)),
                    },
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


class CategorySuggestion(TypedDict):
    """A category the source has not mapped yet, with what the import would suggest."""

    name: str
    lines: int
    skill: Skill | None
    scale: str
    pass_mark: float


def category_suggestions(
    *, source: ReviewSource, report: ReviewReport, skills: list[Skill]
) -> list[CategorySuggestion]:
    """Each unknown category with a suggested skill, scale and pass mark."""
    na = na_set(source.na_values)
    rows: list[CategorySuggestion] = []
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
