"""``manage.py xapi_backfill [--since YYYY-MM-DD]``: xAPI statements for past events."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from xapi.services import statements_backfill, xapi_enabled


class Command(BaseCommand):
    help = (
        "Record xAPI statements for past events (SOP acknowledgements, lessons, modules, "
        "scored attempts, QA assignments) and queue them for the LRS. Idempotent: an event "
        "already recorded keeps its statement id and is skipped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--since",
            help="Only events at or after this date (YYYY-MM-DD) or time (ISO 8601).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not xapi_enabled():
            raise CommandError("xAPI is off: set XAPI_LRS_URL first (docs/xapi.md).")
        since = _parse_since(options["since"]) if options["since"] else None
        counts = statements_backfill(since=since)
        for kind, count in counts.items():
            self.stdout.write(f"{kind}: {count} new")
        self.stdout.write(
            self.style.SUCCESS(f"{sum(counts.values())} statement(s) queued for the LRS.")
        )


def _parse_since(value: str) -> datetime:
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is None:
                raise ValueError(value)
            moment = datetime.combine(day, time.min)
    except ValueError as exc:
        raise CommandError(f"--since: not a date: {value!r} (use YYYY-MM-DD)") from exc
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment
