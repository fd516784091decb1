"""Reads of the xAPI outbox (for admins: the backlog and the failures)."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from xapi.models import Statement


def statements_list(*, state: str | None = None) -> QuerySet[Statement]:
    """Newest first; ``state`` one of ``Statement.State`` (validated by the caller)."""
    statements = Statement.objects.all()
    if state:
        statements = statements.filter(state=state)
    return statements.order_by("-created_at", "-id")


def statement_counts() -> dict[str, int]:
    """How many statements are in each state (every state listed, zeros included)."""
    counts = dict.fromkeys(Statement.State.values, 0)
    for row in Statement.objects.values("state").annotate(n=Count("id")).order_by():
        counts[row["state"]] = row["n"]
    return counts
