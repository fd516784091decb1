"""The findings CSV: a QA tool's export of findings in fixed columns, imported as a source of
the review import whose columns never change.

Columns: ``agent_email, interaction_ref, criterion, skill, severity, note, occurred_at`` (the
last two optional). Each row is a finding already (its skill and severity are on the row, not
derived from a rating), so it needs no saved source, mapping or categories. It goes the same
way as a review export: read by ``files.read_table`` (UTF-8, UTF-16 or a Windows code page;
CSV or XLSX; its limits), checked row by row, written in batches by ``writer.lines_write``
(a fixed number of statements per batch), and the training rules run by the same task,
``qa.rules_evaluate_agents``, after commit. Rows already in Readiness (same agent,
interaction and criterion) are duplicates and skipped, so importing a file twice is harmless.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from audit import services as audit_services
from core import limits
from core.errors import ValidationFailed
from core.tasks import enqueue_on_commit
from qa.models import QAFinding, ReviewCategory
from qa.reviews.files import Table, decode_text, read_table
from qa.reviews.importer import BATCH, RULES_CHUNK, date_order, parse_when
from qa.reviews.lines import FAIL, ReviewLine
from qa.reviews.writer import lines_write
from qa.selectors import agents_for
from qa.services import FindingValues, finding_clean, skills_by_slug_or_name

COLUMNS = (
    "agent_email",
    "interaction_ref",
    "criterion",
    "skill",
    "severity",
    "note",
    "occurred_at",
)
REQUIRED = ("agent_email", "interaction_ref", "criterion", "skill", "severity")
MAX_ROWS = limits.FINDINGS.rows or 0
"""Rows per file: every row is shown in the preview (an alias of ``core.limits.FINDINGS``)."""
MAX_BYTES = limits.FINDINGS.bytes or 0


@dataclass
class ImportRow:
    line: int
    values: dict[str, str]
    errors: dict[str, list[str]] = field(default_factory=dict)
    duplicate: bool = False
    clean: FindingValues | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def key(self) -> tuple[int, str, str] | None:
        """(agent, interaction, criterion): what makes a finding unique."""
        if self.clean is None:
            return None
        return (self.clean["agent"].pk, self.clean["interaction_ref"], self.clean["criterion"])


@dataclass
class ImportReport:
    rows: list[ImportRow]
    problems: list[str]
    notes: list[str] = field(default_factory=list)
    """What the reader noticed (e.g. the code page a non-UTF-8 file was read in)."""
    created: int = 0

    @property
    def valid(self) -> int:
        return sum(1 for r in self.rows if r.ok and not r.duplicate)

    @property
    def invalid(self) -> int:
        return sum(1 for r in self.rows if not r.ok)

    @property
    def duplicates(self) -> int:
        return sum(1 for r in self.rows if r.ok and r.duplicate)


def findings_text(content: str | bytes) -> str:
    """The file as text, for a preview's confirmation to post back: a CSV as it was decoded, a
    workbook's first sheet written as CSV (a workbook's bytes can't travel in a form field).
    Only for a file ``findings_import`` has read."""
    if isinstance(content, str):
        return content
    table = read_table(content, filename="findings.csv")
    if table.kind != "xlsx":
        return decode_text(content)[0]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(table.header)
    writer.writerows(table.rows)
    return out.getvalue()


def findings_import(*, reviewer: User, content: str | bytes, commit: bool) -> ImportReport:
    """Check a findings CSV row by row; with ``commit``, save the valid new rows. Three steps:
    read the file (``read_table``), check each row, write the new ones (``lines_write``)."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    if len(data) > MAX_BYTES:
        limit = filesizeformat(MAX_BYTES)
        return ImportReport(
            rows=[], problems=[_("The file is larger than %(limit)s.") % {"limit": limit}]
        )
    try:
        table = read_table(data, filename="findings.csv")
    except ValidationFailed as exc:
        return ImportReport(rows=[], problems=[exc.message])
    problems = _table_problems(table)
    if problems:
        return ImportReport(rows=[], problems=problems, notes=list(table.notes))
    rows = _rows_check(reviewer=reviewer, table=table)
    report = ImportReport(
        rows=rows,
        problems=[] if rows else [_("The file has no rows.")],
        notes=list(table.notes),
    )
    if commit and report.valid:
        report.created = _rows_write(reviewer=reviewer, rows=rows)
    return report


def _table_problems(table: Table) -> list[str]:
    if len(table.rows) > MAX_ROWS:
        return [
            ngettext("At most %(n)d row per file.", "At most %(n)d rows per file.", MAX_ROWS)
            % {"n": MAX_ROWS}
        ]
    header = [h.strip().lower() for h in table.header]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        return [_("Missing columns: %(cols)s.") % {"cols": ", ".join(missing)}]
    return []


def _records(table: Table) -> list[tuple[int, dict[str, str]]]:
    header = [h.strip().lower() for h in table.header]
    numbers = table.lines or range(2, len(table.rows) + 2)
    return [
        (number, {k: v.strip() for k, v in zip(header, row, strict=False) if k})
        for number, row in zip(numbers, table.rows, strict=False)
    ]


def _rows_check(*, reviewer: User, table: Table) -> list[ImportRow]:
    """Each row checked like a finding entered on the page, then marked duplicate if the
    file repeats it or Readiness already has it (one query)."""
    skills = skills_by_slug_or_name()
    agents = {u.email.lower(): u for u in agents_for(reviewer)}
    rows: list[ImportRow] = []
    seen: set[tuple[int, str, str]] = set()
    records = _records(table)
    order, _note = date_order(values.get("occurred_at", "") for _n, values in records)
    for number, values in records:
        row = ImportRow(line=number, values=values)
        try:
            when = parse_when(values.get("occurred_at", ""), order)
        except ValueError:
            when = None
            row.errors["occurred_at"] = [
                _("Use a date like 2026-03-31, 2026-03-31T14:05 or 31.03.2026.")
            ]
        clean, errors = finding_clean(
            agent=agents.get(values.get("agent_email", "").lower()),
            interaction_ref=values.get("interaction_ref", ""),
            criterion=values.get("criterion", ""),
            skill=skills.get(values.get("skill", "").strip().casefold()),
            severity=values.get("severity", ""),
            note=values.get("note", ""),
            occurred_at=when,
        )
        row.errors.update({("agent_email" if k == "agent" else k): v for k, v in errors.items()})
        if row.ok:
            key = (clean["agent"].pk, clean["interaction_ref"], clean["criterion"])
            row.duplicate = key in seen
            seen.add(key)
            row.clean = clean
        rows.append(row)
    if seen:
        existing = set(
            QAFinding.objects.filter(agent_id__in={k[0] for k in seen}).values_list(
                "agent_id", "interaction_ref", "criterion"
            )
        )
        for row in rows:
            if row.clean and row.key in existing:
                row.duplicate = True
    return rows


def _line(row: ImportRow) -> ReviewLine:
    """A checked row as a line of the review import: a failed rating of the row's criterion,
    whose skill (and weight 1) the row names."""
    clean = row.clean
    assert clean is not None  # noqa: S101 (only valid rows are written)
    criterion = ReviewCategory(name=clean["criterion"], skill=clean["skill"], weight=1.0)
    return ReviewLine(
        line=row.line,
        review_ref=clean["interaction_ref"],
        interaction_ref=clean["interaction_ref"],
        agent_text=clean["agent"].email,
        category=clean["criterion"],
        rating="",
        comment=clean["note"],
        outcome=FAIL,
        severity=clean["severity"],
        agent_id=clean["agent"].pk,
        category_obj=criterion,
        occurred_at=clean["occurred_at"],
    )


def _rows_write(*, reviewer: User, rows: list[ImportRow]) -> int:
    """Save the valid new rows in batches with their evidence; a row saved meanwhile is
    skipped by the unique constraints. The rules run after commit, as for a review import."""
    lines = [_line(row) for row in rows if row.clean and not row.duplicate]
    created = 0
    agent_ids: set[int] = set()
    with transaction.atomic():
        for start in range(0, len(lines), BATCH):
            findings, _passes, agents_hit = lines_write(
                source=None,
                batch=lines[start : start + BATCH],
                importer=reviewer,
                via=QAFinding.Source.CSV,
            )
            created += findings
            agent_ids |= agents_hit
        audit_services.record(
            actor=reviewer,
            action="qa.import",
            label="findings CSV",
            changes={
                "via": QAFinding.Source.CSV,
                "rows": len(rows),
                "new": len(lines),
                "findings": created,
            },
        )
    ordered = sorted(agent_ids)
    for start in range(0, len(ordered), RULES_CHUNK):
        enqueue_on_commit("qa.rules_evaluate_agents", ordered[start : start + RULES_CHUNK])
    return created
