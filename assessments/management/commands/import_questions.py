"""``manage.py import_questions FILE --quiz SLUG [--format gift|aiken] [--dry-run]``: a GIFT or
Aiken file into a quiz's draft version, as the import page does (docs/moodle.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments import question_bank
from assessments.models import Quiz
from core.errors import DomainError


class Command(BaseCommand):
    help = "Import a GIFT or Aiken question bank into a quiz's draft version (or preview it)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The GIFT or Aiken file.")
        parser.add_argument("--quiz", required=True, help="The quiz's slug.")
        parser.add_argument("--format", choices=sorted(question_bank.FORMATS), default=None)
        parser.add_argument(
            "--dry-run", action="store_true", help="Only report what would be imported."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        quiz = Quiz.objects.filter(slug=options["quiz"]).first()
        if quiz is None:
            raise CommandError(f"No quiz with the slug {options['quiz']!r}.")
        try:
            with path.open("rb") as handle:
                data = handle.read(question_bank.max_bytes() + 1)
        except OSError as exc:
            raise CommandError(f"Can't read {path}: {exc.strerror}") from exc
        try:
            fmt = question_bank.question_bank_format(options["format"], filename=path.name)
            _text, parsed = question_bank.question_bank_read(data=data, fmt=fmt)
        except DomainError as exc:
            raise CommandError(f"{path}: {exc.message}") from exc
        outcome = question_bank.question_bank_import(
            user=None, quiz=quiz, parse_result=parsed, confirm=not options["dry_run"], fmt=fmt
        )
        plan = outcome.plan
        for problem in plan.problems:
            name = f" ({problem.name})" if problem.name else ""
            self.stderr.write(f"{path}:{problem.line}{name}: {problem.message}")
        self.stdout.write(plan.summary)
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was saved.")
        elif outcome.saved and outcome.version is not None:
            self.stdout.write(
                f"Saved {outcome.created} question(s) in version {outcome.version.number} of "
                f"{quiz.slug!r} (not published: publish it in the admin)."
            )
        else:
            self.stdout.write("Nothing new to import.")
