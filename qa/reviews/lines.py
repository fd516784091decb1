"""A review export's lines as the import reads them, what became of each (the outcome), and the
report a preview or an import answers."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.translation import gettext_lazy, ngettext_lazy

from qa.models import QAFinding, ReviewCategory

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
"""One line's outcome, as its badge in the preview says it."""
OUTCOME_COUNTS = {
    FAIL: ngettext_lazy("%(count)d finding", "%(count)d findings", "count"),
    PASS: ngettext_lazy("%(count)d passed category", "%(count)d passed categories", "count"),
    NA: ngettext_lazy("%(count)d line rated N/A", "%(count)d lines rated N/A", "count"),
    IGNORED: ngettext_lazy(
        "%(count)d line in an ignored category", "%(count)d lines in ignored categories", "count"
    ),
    UNKNOWN: ngettext_lazy(
        "%(count)d line in a category not mapped yet",
        "%(count)d lines in categories not mapped yet",
        "count",
    ),
    DUPLICATE: ngettext_lazy(
        "%(count)d line already imported", "%(count)d lines already imported", "count"
    ),
    ERROR: ngettext_lazy("%(count)d line with an error", "%(count)d lines with errors", "count"),
}
"""How many lines had each outcome, worded with the count (each language's plural forms)."""


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
    def unknown_agent_lines(self) -> list[tuple[str, int]]:
        """(name as written, lines) of agents not found, most lines first. For templates: a
        ``Counter`` can't be iterated there (``.items`` is looked up as a key, and a Counter
        answers 0 for any key)."""
        return self.unknown_agents.most_common()

    @property
    def outcome_counts(self) -> list[str]:
        """Each outcome seen, with its count ("1 finding", "19 findings"), in a fixed order."""
        return [
            str(OUTCOME_COUNTS[key] % {"count": self.counts[key]})
            for key in OUTCOME_COUNTS
            if self.counts[key]
        ]

    @property
    def importable(self) -> int:
        return self.counts[FAIL] + self.counts[PASS]

    @property
    def created(self) -> int:
        return self.created_findings + self.created_passes
