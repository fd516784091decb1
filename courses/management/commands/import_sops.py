"""``manage.py import_sops FILE [--publish] [--dry-run]``: SOPs from a .docx, .md or .zip.

Prints the same preview as the "Import SOPs" page; saves nothing and exits 1 when any file has
a problem (all or nothing). Saves drafts by default, ``--publish`` publishes them.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core.errors import DomainError
from courses.sop_import import services as sop_import
from courses.sop_import.files import MAX_UPLOAD_BYTES, read_sop_upload


class Command(BaseCommand):
    help = "Import SOPs from a Word document, a Markdown file or a .zip of them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="A .docx, .md or .zip file.")
        parser.add_argument("--publish", action="store_true", help="Publish instead of drafts.")
        parser.add_argument("--dry-run", action="store_true", help="Only print the preview.")
        parser.add_argument(
            "--requires-reack",
            action="store_true",
            help="New versions require re-acknowledgement (a file's front matter wins).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            with path.open("rb") as stream:
                data = stream.read(MAX_UPLOAD_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Can't read {path}: {error.strerror or error}") from None
        files, problems = read_sop_upload(path.name, data)
        plan = sop_import.sop_import_plan(files=files, problems=problems)
        for item in plan.items:
            self.stdout.write(
                f"{item.file.name}: {item.file.title} [{item.file.slug}] {item.kind_label}"
            )
            for note in item.notes:
                self.stdout.write(f"    note: {note}")
        for problem in plan.problems:
            self.stderr.write(f"{problem.name}: {problem.message}")
        self.stdout.write(plan.summary)
        if problems:
            raise CommandError("Nothing was imported: fix the problems above.", returncode=1)
        if options["dry_run"]:
            return
        try:
            outcome = sop_import.sop_import(
                user=None,
                files=files,
                action="publish" if options["publish"] else "draft",
                requires_reack=options["requires_reack"],
            )
        except DomainError as error:
            raise CommandError(error.message) from None
        for saved in outcome.saved:
            if saved.version is None:
                state = "unchanged"
            elif saved.version.number:
                state = f"published as version {saved.version.number}"
            else:
                state = "saved as a draft"
            self.stdout.write(self.style.SUCCESS(f"{saved.sop.slug}: {state}"))
